"""Settings of uploaded files (FILES__...): limits, quota, images and where the bytes live (docs/files.md)."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, SecretStr


class FileSettings(BaseModel):
    """Uploads: attachments of messages and posts, avatars and sanctum icons.

    The bytes go to S3-compatible object storage when `s3_bucket` is set (scaled mode: every instance
    reads the same objects), otherwise to `directory` on the local disk (embedded mode).
    """

    # Largest attachment, and largest avatar or icon (bytes); larger uploads are answered 413 FILE_TOO_LARGE.
    max_upload_bytes: int = Field(10 * 1024 * 1024, ge=1_024, le=1024**3)
    max_image_upload_bytes: int = Field(5 * 1024 * 1024, ge=1_024, le=1024**3)
    # What one account's files may add up to; past it an upload is answered 409 QUOTA_EXCEEDED.
    quota_bytes_per_user: int = Field(500 * 1024 * 1024, ge=1_024)
    # Images with more pixels than this are refused (422 IMAGE_TOO_LARGE) before they are decoded:
    # a small file can declare a huge canvas (a decompression bomb).
    max_image_pixels: int = Field(40_000_000, ge=1_000, le=500_000_000)
    # The longest side of a thumbnail, and of an avatar or icon as stored.
    thumbnail_side: int = Field(480, ge=32, le=2_048)
    avatar_side: int = Field(256, ge=32, le=1_024)
    # The longest side of a sanctum's custom emoji as stored.
    emoji_side: int = Field(128, ge=16, le=512)
    # An upload not attached to a message or post within this long is deleted (at its owner's next
    # upload) and no longer counts against the quota.
    unattached_ttl_hours: int = Field(24, ge=1, le=24 * 30)
    # Attachments per message or post.
    max_attachments: int = Field(10, ge=1, le=50)
    # Embedded mode: where the files are kept.
    directory: Path = Path("var/files")
    # Scaled mode: the bucket (which must exist), its endpoint (unset: AWS itself), region and keys
    # (unset: the standard AWS variables and credential chain).
    s3_bucket: str | None = Field(None, min_length=3, max_length=63)
    s3_endpoint_url: str | None = Field(None, max_length=300)
    s3_region: str = Field("us-east-1", max_length=40)
    s3_access_key_id: str | None = Field(None, max_length=200)
    s3_secret_access_key: SecretStr | None = None
    # Prepended to every object key, so several installations can share a bucket.
    s3_prefix: str = Field("", max_length=100, pattern=r"^[A-Za-z0-9._/-]*$")
