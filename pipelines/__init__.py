"""Runs that join extract → normalize → nomenclature, the `sakip` CLI and the Parquet writers."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("sakip-tables")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0+source"
