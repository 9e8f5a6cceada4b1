"""Unit tests of the guarded outbound client."""
