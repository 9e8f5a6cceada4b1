"""Unit tests of the HTTP plumbing."""
