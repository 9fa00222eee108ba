"""Typed errors of the library. Each carries the stable failure code written to ``failures``."""

from __future__ import annotations


class KompassError(Exception):
    """Base of every error the library raises on purpose."""

    code = "internal-error"


class MissingFileError(KompassError):
    """The input names no file (gone, misspelt, a directory): not a broken PDF, so not ``corrupt``."""

    code = "missing-file"


class UnreadableFileError(KompassError):
    """The file exists but cannot be read (permissions, an I/O error)."""

    code = "unreadable"


def file_error(exc: OSError) -> KompassError:
    """The typed error for a file that could not be read: missing (or not a file), or unreadable."""
    reason = f"cannot read the file: {exc.strerror or exc}"
    if isinstance(exc, FileNotFoundError | IsADirectoryError | NotADirectoryError):
        return MissingFileError(reason)
    return UnreadableFileError(reason)


class NotPdfError(KompassError):
    code = "not-pdf"


class EmptyFileError(KompassError):
    code = "empty-file"


class EncryptedPdfError(KompassError):
    code = "encrypted"


class CorruptPdfError(KompassError):
    code = "corrupt"


class NoTextLayerError(KompassError):
    code = "no-text-layer"


class NotKommunkompassError(KompassError):
    code = "not-kommunkompass"


class OcrUnavailableError(KompassError):
    code = "ocr-unavailable"


class OcrFailedError(KompassError):
    """Tesseract is there but failed on a page (an unreadable image), as opposed to missing."""

    code = "ocr-failed"


class ExtractionTimeoutError(KompassError):
    code = "timeout"


class TooManyPagesError(KompassError):
    code = "too-many-pages"


class NotAFileError(KompassError):
    """The input is not a regular file: a FIFO, a device, a socket or a link loop.

    Such inputs are never opened for reading: a FIFO or ``/dev/zero`` would block or never end."""

    code = "not-a-file"


class TooLargeError(KompassError):
    """The input needs more than the resources a worker is given (file size, memory, page size)."""

    code = "too-large"


class OutputFolderError(KompassError):
    """An output folder cannot be used: it holds no table written by ``extract`` (a folder read back), it cannot be
    written, or another run is writing to it. About the folder a command was given, not an input file, so it is
    raised before any work and never a row of ``failures``."""

    code = "output-folder"


FAILURE_CODES: tuple[str, ...] = (
    *(cls.code for cls in KompassError.__subclasses__() if cls is not OutputFolderError),
    KompassError.code,
)
"""Every code the ``failures`` table may hold, for its documentation and for tests."""
