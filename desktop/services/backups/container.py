"""The backup file format (``.qlbak``): one self-contained file per backup.

Layout, in order:

* 8 bytes of magic, ``QLBAK\\r\\n\\x1a`` (the line-ending bytes catch a copy
  that mangled it as text);
* 4 bytes, big-endian: the length N of the header;
* N bytes: the header, UTF-8 JSON::

      {"format": 1, "created": "2026-11-23T18:30:05Z", "source_name": "practice.qlb",
       "schema": "<migration revision>", "database_bytes": 1234,
       "database_sha256": "<hex>", "key_file": {...the key file's JSON...} or null,
       "audit_head": {"entry": 1234, "hash": "<hex>"} or null}

  ``audit_head`` is the audit chain's last entry in the copy (absent in backups
  made before it was recorded): an anchor for ``quietledger check --against``.

* ``database_bytes`` bytes: the SQLCipher database, exactly as encrypted on disk.

The header holds no client data: the key file is the data key wrapped under the
passphrase (useless without it), and the database bytes are the encrypted pages.
So a backup opens on a new machine with the passphrase, or with the recovery
key alone, and never needs anything else.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import struct
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from db.files import FILE_MODE, fsync_dir

MAGIC = b"QLBAK\r\n\x1a"
FORMAT = 1
SUFFIX = ".qlbak"
_LENGTH = struct.Struct(">I")
_MAX_HEADER = 1 << 20
_CHUNK = 1 << 20


class DamagedBackup(Exception):
    """The file is not a whole Quiet Ledger backup; the message says what is wrong."""


@dataclass(frozen=True)
class BackupHeader:
    created: datetime  # UTC
    source_name: str
    schema: str | None
    database_bytes: int
    database_sha256: str
    key_file: str | None  # the key file's JSON text, or None if the source had none
    audit_head: tuple[int, str] | None = None  # the chain's last entry: number, hash

    def to_bytes(self) -> bytes:
        body = {
            "format": FORMAT,
            "created": self.created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "source_name": self.source_name,
            "schema": self.schema,
            "database_bytes": self.database_bytes,
            "database_sha256": self.database_sha256,
            "key_file": json.loads(self.key_file) if self.key_file else None,
            "audit_head": (
                {"entry": self.audit_head[0], "hash": self.audit_head[1]}
                if self.audit_head
                else None
            ),
        }
        data = json.dumps(body, indent=1, sort_keys=True).encode("utf-8")
        return MAGIC + _LENGTH.pack(len(data)) + data

    @classmethod
    def parse(cls, data: bytes) -> BackupHeader:
        try:
            body = json.loads(data.decode("utf-8"))
            if body.get("format") != FORMAT:
                raise DamagedBackup(
                    "This backup was written by a newer Quiet Ledger; update the app to use it."
                )
            created = datetime.strptime(body["created"], "%Y-%m-%dT%H:%M:%S.%fZ")
            key_file = body.get("key_file")
            head = body.get("audit_head")
            return cls(
                created=created.replace(tzinfo=UTC),
                source_name=str(body["source_name"]),
                schema=body.get("schema"),
                database_bytes=int(body["database_bytes"]),
                database_sha256=str(body["database_sha256"]),
                key_file=json.dumps(key_file, indent=2) if key_file else None,
                audit_head=(int(head["entry"]), str(head["hash"])) if head else None,
            )
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise DamagedBackup("The backup's header is damaged.") from exc


def read_header(path: Path) -> BackupHeader:
    """The header of a backup file, after checking that the file is complete."""
    with path.open("rb") as handle:
        header = _read_header(handle)
        body_start = handle.tell()
    if path.stat().st_size != body_start + header.database_bytes:
        raise DamagedBackup(f"{path.name} is incomplete or has extra bytes at its end.")
    return header


def _read_header(handle: BinaryIO) -> BackupHeader:
    name = Path(str(getattr(handle, "name", "The file"))).name
    if handle.read(len(MAGIC)) != MAGIC:
        raise DamagedBackup(
            f"{name} is not a Quiet Ledger backup file; choose a .qlbak file made by "
            "Back up (or 'quietledger backup')."
        )
    raw = handle.read(_LENGTH.size)
    if len(raw) != _LENGTH.size:
        raise DamagedBackup(f"{name} is cut short; choose another backup.")
    (length,) = _LENGTH.unpack(raw)
    if length > _MAX_HEADER:
        raise DamagedBackup(f"{name}'s header is damaged; choose another backup.")
    data = handle.read(length)
    if len(data) != length:
        raise DamagedBackup(f"{name} is cut short; choose another backup.")
    try:
        return BackupHeader.parse(data)
    except DamagedBackup as exc:
        if "newer" in str(exc):
            raise
        raise DamagedBackup(f"{name}'s header is damaged; choose another backup.") from None


def database_digest(path: Path) -> tuple[int, str]:
    """Size and SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def write_container(dest: Path, header: BackupHeader, database: Path) -> None:
    """Write ``dest`` (0600) as header + database bytes; flushed to disk, not yet renamed."""
    fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as out, database.open("rb") as source:
            out.write(header.to_bytes())
            while chunk := source.read(_CHUNK):
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            dest.unlink()
        raise


def publish(tmp: Path, final: Path) -> None:
    """Give a finished, flushed file its final name, durably."""
    os.replace(tmp, final)
    fsync_dir(final.parent)


def unpack(path: Path, database: Path) -> BackupHeader:
    """Write the backup's database to ``database`` (0600), checking its checksum on the way."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        header = _read_header(handle)
        fd = os.open(database, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
        with os.fdopen(fd, "wb") as out:
            remaining = header.database_bytes
            while remaining > 0:
                chunk = handle.read(min(_CHUNK, remaining))
                if not chunk:
                    break
                digest.update(chunk)
                out.write(chunk)
                size += len(chunk)
                remaining -= len(chunk)
            out.flush()
            os.fsync(out.fileno())
        extra = handle.read(1)
    if size != header.database_bytes or extra:
        raise DamagedBackup(f"{path.name} is incomplete or has extra bytes at its end.")
    if digest.hexdigest() != header.database_sha256:
        raise DamagedBackup(f"{path.name} is damaged: its contents do not match its checksum.")
    return header
