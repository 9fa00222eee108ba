"""Typed errors of the library. Each carries the stable failure code written to ``failures``."""

from __future__ import annotations


class KompassError(Exception):
    """Base of every error the library raises on purpose."""

    code = "internal-error"


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
