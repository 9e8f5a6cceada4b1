"""Fixtures of the custom emoji tests: the files tests' store of the mode under test (S3 scaled)."""

from tests.integration.files.conftest import file_settings, files_client

__all__ = ["file_settings", "files_client"]
