"""Unit tests of the pure kernel."""
