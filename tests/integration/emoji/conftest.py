"""Fixtures of the custom emoji tests: the files tests' store of the mode under test (S3 scaled), and
live servers for the realtime event."""

from tests.integration.files.conftest import file_settings, files_client
from tests.support.live import make_server

__all__ = ["file_settings", "files_client", "make_server"]
