"""Unit tests of the chat domain's rules and rendering."""
