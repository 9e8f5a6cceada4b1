"""Database infrastructure: migrations and the schema guard."""
