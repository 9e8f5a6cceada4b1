"""Unit tests of logging and metrics."""
