"""The broker against real servers."""
