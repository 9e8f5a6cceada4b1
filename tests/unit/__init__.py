"""Unit tests: one module at a time, fakes allowed."""
