"""OCR of scanned pages: page images cleaned (image), read by Tesseract (tesseract), numbers re-read (numbers),
assembled into the same pages/lines/words as a text layer (pages)."""
