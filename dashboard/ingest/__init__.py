"""Ingest: a staff file's way in — bytes to text cells, headers, parsing, whole-file validation, import and preview."""
