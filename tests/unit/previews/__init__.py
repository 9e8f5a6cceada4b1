"""Unit tests of link previews: links, page parsing, image re-encoding."""
