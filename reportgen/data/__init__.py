"""Input data: find and open files, validate them, aggregate them in DuckDB."""
