"""Where inputs, outputs and the cache live: a local path, or an fsspec URL (`file://`, `s3://`, `memory://`…).

A location is a `Path` when it is on this machine's disk (a plain path or a `file://` URL), else the URL
as a string (`s3://bucket/raw/renja.pdf`; `Path` would fold its `//`). Every function here takes either
and does the same thing: on a local disk with `os` (writes go to a temporary name, then `os.replace`),
elsewhere with the URL's fsspec filesystem (writes go to a temporary key, then a move: on object
storage a copy of the whole object, so a reader sees either the old object or the new one, never part
of one). Object storage needs its fsspec package: `s3://` needs s3fs (`pip install 'sakip-tables[s3]'`).

This module knows nothing of PDFs, the cache or the datasets; it only moves bytes.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from pathlib import Path
from typing import Iterator

Location = Path | str

S3_EXTRA_HINT = "pip install 'sakip-tables[s3]'  (in a checkout: .venv/bin/pip install -e '.[s3]')"


def _file_mode() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


FILE_MODE = _file_mode()  # mkstemp makes 0600; outputs and cache are for every user of a shared disk


class StorageUnavailable(Exception):
    """A URL whose filesystem cannot be used here (its fsspec package is missing, or it is unknown)."""


def location(x: Location) -> Location:
    """`x` as a location: a Path for this machine's disk, else the URL without a trailing slash."""
    if isinstance(x, Path):
        return x
    x = str(x)
    if x.startswith("file://"):
        return Path(x[len("file://"):])
    if "://" in x:
        return x.rstrip("/") if not x.endswith("://") else x
    return Path(x)


def is_local(x: Location) -> bool:
    return isinstance(location(x), Path)


def process_local(x: Location) -> bool:
    """Whether `x` lives in this process only (`memory://`): another process, a worker, cannot see it."""
    x = location(x)
    return isinstance(x, str) and x.startswith("memory://")


def key(x: Location) -> str:
    """The name a location is remembered by (the file index, a task): an absolute path or the URL."""
    x = location(x)
    return str(x.resolve()) if isinstance(x, Path) else x


def join(base: Location, *names: str) -> Location:
    base = location(base)
    if isinstance(base, Path):
        return base.joinpath(*names)
    return "/".join([base, *names])


def name(x: Location) -> str:
    x = location(x)
    return x.name if isinstance(x, Path) else x.rsplit("/", 1)[-1]


def parent(x: Location) -> Location:
    x = location(x)
    if isinstance(x, Path):
        return x.resolve().parent
    head, _, _ = x.rpartition("/")
    return head if "://" in head else x


def filesystem(url: str):
    """(fsspec filesystem, path within it) of a URL; StorageUnavailable when its package is missing."""
    import fsspec

    try:
        return fsspec.core.url_to_fs(url)
    except ImportError as ex:
        hint = f": {S3_EXTRA_HINT}" if url.startswith(("s3://", "s3a://")) else ""
        raise StorageUnavailable(f"{url} needs a package that is not installed ({ex}){hint}") from ex
    except ValueError as ex:  # an unknown protocol
        raise StorageUnavailable(f"{url}: {ex}") from ex


def arrow_filesystem(x: Location):
    """(pyarrow filesystem or None, path) to hand to pyarrow's readers and writers."""
    x = location(x)
    if isinstance(x, Path):
        return None, str(x)
    import pyarrow.fs as pafs

    fs, path = filesystem(x)
    return pafs.PyFileSystem(pafs.FSSpecHandler(fs)), path


# --- questions -------------------------------------------------------------------------------------

def exists(x: Location) -> bool:
    x = location(x)
    if isinstance(x, Path):
        return x.exists()
    fs, path = filesystem(x)
    return fs.exists(path)


def is_file(x: Location) -> bool:
    x = location(x)
    if isinstance(x, Path):
        return x.is_file()
    fs, path = filesystem(x)
    return fs.isfile(path)


def info(x: Location) -> dict:
    """{"size": bytes, "stamp": what changes when the file is rewritten (mtime, ETag), or None}; OSError if missing."""
    x = location(x)
    if isinstance(x, Path):
        st = os.stat(x)
        return {"size": st.st_size, "stamp": st.st_mtime_ns}
    fs, path = filesystem(x)
    try:
        return _info(fs.info(path))
    except OSError:
        raise
    except Exception as ex:  # e.g. botocore's error for a key it may not read: the file cannot be read
        raise OSError(str(ex)) from ex


def _info(entry: dict) -> dict:
    stamp = next((entry[k] for k in ("ETag", "etag", "md5Hash", "mtime", "LastModified", "last_modified", "created")
                  if entry.get(k) is not None), None)
    return {"size": entry.get("size") or 0, "stamp": str(stamp) if stamp is not None else None}


def list_files(x: Location) -> list[tuple[Location, dict | None]]:
    """Every non-hidden file under the folder `x` (recursive, sorted), with its `info` when the listing
    gave it (one listing of an object store instead of a request per file)."""
    x = location(x)
    if isinstance(x, Path):
        return [(f, None) for f in sorted(f for f in x.rglob("*") if f.is_file()
                                          and not any(part.startswith(".") for part in f.relative_to(x).parts))]
    fs, root = filesystem(x)
    root = root.rstrip("/")
    fs.invalidate_cache(root)  # another machine may have added files since this process listed them
    found = fs.find(root, detail=True)
    out = []
    for path, entry in sorted(found.items()):
        rel = path[len(root):].lstrip("/") if path.startswith(root) else path
        if entry.get("type", "file") != "file" or any(part.startswith(".") for part in rel.split("/")):
            continue
        out.append((join(x, rel), _info(entry)))
    return out


def is_dir(x: Location) -> bool:
    x = location(x)
    if isinstance(x, Path):
        return x.is_dir()
    fs, path = filesystem(x)
    return fs.isdir(path)


def listdir(x: Location) -> list[str]:
    """Names of the entries of a folder ([] when it does not exist)."""
    x = location(x)
    if isinstance(x, Path):
        return [p.name for p in x.iterdir()] if x.is_dir() else []
    fs, path = filesystem(x)
    fs.invalidate_cache(path)
    try:
        return [e.rstrip("/").rsplit("/", 1)[-1] for e in fs.ls(path, detail=False)]
    except FileNotFoundError:
        return []


def sizes(x: Location) -> dict[str, int]:
    """Name → size of the files of a folder, in one listing ({} when it does not exist)."""
    x = location(x)
    if isinstance(x, Path):
        return {p.name: p.stat().st_size for p in x.iterdir() if p.is_file()} if x.is_dir() else {}
    fs, path = filesystem(x)
    fs.invalidate_cache(path)
    try:
        return {e["name"].rstrip("/").rsplit("/", 1)[-1]: e.get("size") or 0
                for e in fs.ls(path, detail=True) if e.get("type", "file") == "file"}
    except FileNotFoundError:
        return {}


# --- reading and writing ------------------------------------------------------------------------------

def read_bytes(x: Location) -> bytes:
    x = location(x)
    if isinstance(x, Path):
        return x.read_bytes()
    fs, path = filesystem(x)
    return fs.cat_file(path)


def iter_chunks(x: Location, size: int = 1 << 20) -> Iterator[bytes]:
    x = location(x)
    if isinstance(x, Path):
        opened = open(x, "rb")
    else:
        fs, path = filesystem(x)
        opened = fs.open(path, "rb", block_size=max(size, 5 << 20))
    with opened as fh:
        yield from iter(lambda: fh.read(size), b"")


def makedirs(x: Location) -> None:
    x = location(x)
    if isinstance(x, Path):
        x.mkdir(parents=True, exist_ok=True)
    else:  # object stores have no folders; a filesystem that has them makes them here
        fs, path = filesystem(x)
        fs.makedirs(path, exist_ok=True)


def temp_name(folder: Location, stem: str) -> Location:
    """A new temporary name in `folder` for a file that will become `stem` (hidden: `.stem.XXXX.tmp`)."""
    folder = location(folder)
    if isinstance(folder, Path):
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{stem}.", suffix=".tmp", dir=folder)
        os.close(fd)
        os.chmod(tmp, FILE_MODE)
        return Path(tmp)
    return join(folder, f".{stem}.{uuid.uuid4().hex[:12]}.tmp")


def replace(src: Location, dst: Location) -> None:
    """Move `src` over `dst`: `os.replace` on a disk; on object storage a server-side copy, then the
    temporary key is deleted (the copy makes the new object appear whole)."""
    src, dst = location(src), location(dst)
    if isinstance(src, Path):
        os.replace(src, dst)
        return
    fs, src_path = filesystem(src)
    _, dst_path = filesystem(dst)
    fs.mv(src_path, dst_path)


def remove(x: Location) -> None:
    """Delete a file; nothing when it is not there."""
    x = location(x)
    if isinstance(x, Path):
        x.unlink(missing_ok=True)
        return
    fs, path = filesystem(x)
    try:
        fs.rm_file(path)
    except FileNotFoundError:
        pass


def write_bytes_atomic(x: Location, data: bytes) -> None:
    """Write `data` to a temporary name beside `x`, then move it over `x`."""
    x = location(x)
    folder = parent(x) if not isinstance(x, Path) else x.parent
    tmp = temp_name(folder, name(x))
    try:
        if isinstance(tmp, Path):
            tmp.write_bytes(data)
        else:
            fs, path = filesystem(tmp)
            fs.pipe_file(path, data)
        replace(tmp, x)
    except BaseException:
        remove(tmp)
        raise


def fetch(x: Location, folder: Path) -> Path:
    """A local copy of a remote file in `folder`, under the same name (the name says e.g. `.docx`); a
    local file is returned as it is."""
    x = location(x)
    if isinstance(x, Path):
        return x
    fs, path = filesystem(x)
    local = Path(folder) / name(x)
    fs.get_file(path, str(local))
    return local
