"""nomenclature: match program / kegiatan / sub kegiatan rows to the official codes (see README.md).

Python API: `load_reference`, `import_reference`, `list_versions` (reference.py) and
`Matcher(reference).match(...)` / `.match_many(...)` (matcher.py); `VersionedMatcher` for several
installed versions, picked by the document's year (versions.py).
"""
