"""Helpers every stage may use: files, text folding, data paths. Imports nothing of the package above it."""
