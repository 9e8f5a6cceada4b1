"""An S3-compatible server for scaled runs: moto's server, started once per session on a free port.

moto is a mock, not a real object store. It is the most real S3 server this machine can install: no
MinIO, Garage, SeaweedFS or Zenko server is packaged on PyPI, npm or Debian 12, and Debian's radosgw
needs a running Ceph cluster (monitors and OSDs). moto speaks the S3 wire protocol that aiobotocore
signs and parses, so the app's S3 store runs unchanged against it (docs/files.md, "Testing").
"""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import boto3
from mirakuru import TCPExecutor

MOTO_SERVER = Path(sys.executable).with_name("moto_server")
BUCKET = "sanctum-test"
KEY_ID, SECRET = "test-key-id", "test-secret"


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str
    bucket: str = BUCKET

    def client(self) -> object:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id=KEY_ID,
            aws_secret_access_key=SECRET,
        )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def s3_server() -> Iterator[S3Server]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    executor = TCPExecutor(
        [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)],
        host="127.0.0.1",
        port=port,
        timeout=60,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with executor:
        server = S3Server(url)
        server.client().create_bucket(Bucket=BUCKET)  # type: ignore[attr-defined]
        yield server
