"""Stage 6, write: one schema of the output tables drives the rows, every file format and the data dictionary."""
