"""Helpers the suites share: databases, servers, HTTP assertions, metrics and processes."""
