"""Storage: the database and its versioned tables (SQLite by default, PostgreSQL when configured)."""
