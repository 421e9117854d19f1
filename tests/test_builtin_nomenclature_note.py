"""With only the built-in nomenclature installed, `sakip extract` says so (at the start and in its summary), with
the command that installs the full list; with a list installed it says nothing."""

from __future__ import annotations

from importlib import resources

from click.testing import CliRunner

from nomenclature.reference import import_reference
from pipelines.cli import main
from pipelines.matching import builtin_only_note


def test_only_the_builtin_list_is_said_with_the_command_to_install_the_full_one(tmp_path, monkeypatch):
    monkeypatch.setenv("SAKIP_NOMENCLATURE", str(tmp_path / "store"))
    note = builtin_only_note()
    assert note is not None and "sakip nomenclature import FILE" in note
    inbox = tmp_path / "raw"
    inbox.mkdir()
    (inbox / "notes.pdf").write_bytes(b"not a pdf")
    res = CliRunner().invoke(main, ["extract", str(inbox), "--out", str(tmp_path / "clean"), "--no-progress"])
    assert f"warning: {note}" in res.stderr
    assert f"nomenclature: {note}" in res.stdout


def test_an_installed_list_is_not_warned_about(tmp_path, monkeypatch):
    monkeypatch.setenv("SAKIP_NOMENCLATURE", str(tmp_path / "store"))
    with resources.as_file(resources.files("nomenclature").joinpath("data/builtin.csv")) as csv:
        import_reference(csv, version="2027-test")
    assert builtin_only_note() is None
