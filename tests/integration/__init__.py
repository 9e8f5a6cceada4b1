"""Tests through the HTTP API (and the CLI) against a real database, and Redis in scaled mode."""
