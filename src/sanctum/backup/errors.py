"""Why a backup or a restore did not happen, in one line an operator can act on."""

from __future__ import annotations


class BackupError(Exception):
    """A backup or restore failed; the message is one line saying why (never a secret)."""


class RestoreRefused(BackupError):
    """A restore was refused before anything was written: a damaged, foreign or newer archive, or a
    target database that is not empty."""
