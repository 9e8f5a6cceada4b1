"""File storage: the `FileStore` port and its two implementations, the local disk (embedded mode) and
S3-compatible object storage (scaled mode). Infrastructure: imports core and settings only, never a domain."""

from sanctum.storage.settings import FileSettings
from sanctum.storage.store import FileStore, LocalFileStore, StoredObject


def build_file_store(settings: FileSettings) -> FileStore:
    """S3 when a bucket is configured, the local disk otherwise."""
    if settings.s3_bucket:
        from sanctum.storage.s3 import S3FileStore

        return S3FileStore(settings)
    return LocalFileStore(settings.directory)


__all__ = ["FileStore", "LocalFileStore", "StoredObject", "build_file_store"]
