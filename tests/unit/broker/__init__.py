"""Unit tests of the brokers."""
