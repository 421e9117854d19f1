"""Expected failures of reading one input file.

Each carries the `status` the file gets in documents.parquet and a message a person understands.
They are raised by `extract.pdf` and caught once per file by the pipeline; anything else is a bug.
"""


class ExtractError(Exception):
    """A file we cannot (fully) read; `status` is what documents.parquet records."""

    status = "failed"

    def __init__(self, path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = str(path)
        self.reason = reason


class NotAPdf(ExtractError):
    pass


class EmptyFile(ExtractError):
    pass


class Encrypted(ExtractError):
    pass


class DamagedPdf(ExtractError):
    pass


class NoTextLayer(ExtractError):
    """Every page is an image (a scan): the tables need OCR first."""

    status = "needs_ocr"
