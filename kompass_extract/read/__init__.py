"""Stage 1, read: a PDF (or its scanned pages, through OCR) into pages, lines and words with positions and fonts."""
