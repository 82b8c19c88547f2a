"""Backups: the database, the private file store (records, letters, notices, print batches) and
the letter-signing key in one archive, encrypted at rest, with a manifest of every member's
SHA-256 (README "Backups"; 45 CFR 164.308(a)(7)(ii)(A) data backup plan, 164.312(a)(2)(iv)
encryption). `manage.py backup DEST` writes one; `manage.py restore SRC` puts it back into an
empty database and an empty file store and checks every hash.

The archive is a gzip'd tar, sealed in 1 MiB chunks with AES-256-GCM (the STREAM construction:
a random per-archive nonce prefix and a chunk counter, the last chunk marked in the associated
data), so it is written and read without holding it in memory and a truncated, reordered or
altered archive is refused."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import io
import json
import os
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.files import File
from django.db import connection

from cases.records.storage import private_storage, stored_names

MAGIC = b"IMRDESK-BACKUP-1\n"
CHUNK_BYTES = 1024 * 1024
FORMAT = "imr-desk/backup/1"
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why."""


# --- The key ---------------------------------------------------------------------------------


def backup_key_new() -> str:
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


def backup_key() -> bytes:
    """The 32-byte key from BACKUP_ENCRYPTION_KEY; without it nothing is written or read."""
    text = settings.BACKUP_ENCRYPTION_KEY.strip()
    if not text:
        raise BackupError(
            "BACKUP_ENCRYPTION_KEY is not set: backups are encrypted at rest and are not made "
            "or read without it (`manage.py backup --new-key` prints a new one)."
        )
    try:
        key = base64.urlsafe_b64decode(text)
    except (binascii.Error, ValueError) as error:
        raise BackupError("BACKUP_ENCRYPTION_KEY is not URL-safe base64.") from error
    if len(key) != 32:
        raise BackupError("BACKUP_ENCRYPTION_KEY must be 32 bytes (44 characters of base64).")
    return key


# --- Sealing in chunks ---------------------------------------------------------------------


class SealingWriter(io.RawIOBase):
    """Writes what it is given to `out` in sealed chunks; `close()` seals the last one."""

    def __init__(self, out, key: bytes):
        self._out = out
        self._aead = AESGCM(key)
        self._prefix = os.urandom(8)
        self._counter = 0
        self._buffer = bytearray()
        out.write(MAGIC + self._prefix)

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        self._buffer += data
        while len(self._buffer) > CHUNK_BYTES:
            self._seal(bytes(self._buffer[:CHUNK_BYTES]), final=False)
            del self._buffer[:CHUNK_BYTES]
        return len(data)

    def _seal(self, chunk: bytes, *, final: bool) -> None:
        nonce = self._prefix + self._counter.to_bytes(4, "big")
        self._counter += 1
        sealed = self._aead.encrypt(nonce, chunk, MAGIC + (b"\x01" if final else b"\x00"))
        self._out.write(len(sealed).to_bytes(4, "big") + sealed)

    def close(self) -> None:
        if not self.closed:
            self._seal(bytes(self._buffer), final=True)
            self._buffer.clear()
        super().close()


class OpeningReader(io.RawIOBase):
    """Reads a sealed archive back; refuses a wrong key and an altered or cut-off archive."""

    def __init__(self, source, key: bytes):
        self._source = source
        self._aead = AESGCM(key)
        head = source.read(len(MAGIC) + 8)
        if head[: len(MAGIC)] != MAGIC:
            raise BackupError("This is not an IMR Desk backup (or not of this format).")
        self._prefix = head[len(MAGIC) :]
        self._counter = 0
        self._buffer = b""
        self._done = False

    def readable(self) -> bool:
        return True

    def _next_chunk(self) -> None:
        length = self._source.read(4)
        if len(length) < 4:
            raise BackupError("The backup is cut off: its last part is missing.")
        expected = int.from_bytes(length, "big")
        sealed = self._source.read(expected)
        if len(sealed) < expected:
            raise BackupError("The backup is cut off: its last part is missing.")
        nonce = self._prefix + self._counter.to_bytes(4, "big")
        self._counter += 1
        for final in (False, True):
            try:
                chunk = self._aead.decrypt(nonce, sealed, MAGIC + (b"\x01" if final else b"\x00"))
            except InvalidTag:
                continue
            self._done = final
            if final and self._source.read(1):
                raise BackupError("The backup has data after its end: it was altered.")
            self._buffer += chunk
            return
        raise BackupError(
            "The backup cannot be decrypted: BACKUP_ENCRYPTION_KEY is not the key it was made "
            "with, or the file was altered."
        )

    def readinto(self, target) -> int:
        while not self._buffer and not self._done:
            self._next_chunk()
        n = min(len(target), len(self._buffer))
        target[:n] = self._buffer[:n]
        self._buffer = self._buffer[n:]
        return n


# --- What goes in ----------------------------------------------------------------------------


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _engine() -> str:
    engine = connection.settings_dict["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if engine.endswith("postgresql"):
        return "postgresql"
    raise BackupError(f"Backups handle SQLite and PostgreSQL, not {engine}.")


def _pg_env() -> dict[str, str]:
    """libpq's variables for the configured database: the password never appears in argv."""
    db = connection.settings_dict
    env = dict(os.environ)
    for var, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if db.get(key):
            env[var] = str(db[key])
    return env


def _database_dump(into: Path) -> str:
    """Dump the database into `into`; returns the member name it goes under."""
    if _engine() == "postgresql":
        target = into / "database.pgdump"
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", target],
            env=_pg_env(),
            check=True,
            capture_output=True,
        )
        return target.name
    target = into / "database.sqlite3"
    connection.ensure_connection()
    # The online backup API: a consistent copy while the site keeps running.
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    copy.close()
    return target.name


def signing_files() -> dict[str, Path]:
    """The letter-signing key and certificate files that exist, by their backup name."""
    candidates = {
        "signing/pkcs12": settings.SIGNING_PKCS12_PATH,
        "signing/key": settings.SIGNING_KEY_PATH,
        "signing/certificate": settings.SIGNING_CERT_PATH,
    }
    return {name: Path(path) for name, path in candidates.items() if path and Path(path).is_file()}


class _HashingReader(io.RawIOBase):
    """Reads `source` through, keeping the SHA-256 and the size of what was read."""

    def __init__(self, source):
        self._source = source
        self.digest = hashlib.sha256()
        self.size = 0

    def readable(self) -> bool:
        return True

    def readinto(self, target) -> int:
        chunk = self._source.read(len(target))
        n = len(chunk)
        target[:n] = chunk
        self.digest.update(chunk)
        self.size += n
        return n


def _add_stored(tar: tarfile.TarFile, manifest: dict, name: str) -> int:
    """Stream one stored file into the archive under files/NAME, hashed as it is read."""
    member = "files/" + name
    info = tarfile.TarInfo(member)
    info.size = private_storage.size(name)
    with private_storage.open(name, "rb") as handle:
        reader = _HashingReader(handle)
        tar.addfile(info, io.BufferedReader(reader, CHUNK_BYTES))
    if reader.size != info.size:
        raise BackupError(f"The stored file {name} changed while it was being backed up.")
    manifest["members"][member] = {"sha256": reader.digest.hexdigest(), "size": reader.size}
    return reader.size


def _restore_stored(handle, name: PurePosixPath) -> str:
    """Put one archived file back into the store under its own name; returns its SHA-256."""
    with tempfile.SpooledTemporaryFile(max_size=CHUNK_BYTES * 8) as copy:
        digest = hashlib.sha256()
        while chunk := handle.read(CHUNK_BYTES):
            digest.update(chunk)
            copy.write(chunk)
        copy.seek(0)
        saved = private_storage.save(name.as_posix(), File(copy, name=name.name))
    if saved != name.as_posix():
        raise BackupError(f"The file store already holds {name}; a restore never overwrites.")
    return digest.hexdigest()


@dataclass
class BackupSummary:
    path: Path
    database: str
    files: int = 0
    bytes: int = 0
    signing: list[str] = field(default_factory=list)


def backup_write(dest: Path) -> BackupSummary:
    """Write the encrypted archive to `dest` (refused when it exists)."""
    key = backup_key()
    if dest.exists():
        raise BackupError(f"{dest} exists; a backup never overwrites a file.")
    # The folder is made if missing (a dated archive into /data/backups on a new volume).
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise BackupError(f"cannot make the folder {dest.parent}: {error.strerror}") from None
    partial = dest.with_name(dest.name + ".partial")
    with tempfile.TemporaryDirectory(prefix="imr-backup-") as tmp:
        db_member = _database_dump(Path(tmp))
        summary = BackupSummary(path=dest, database=db_member)
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "database": {"engine": _engine(), "member": db_member},
            "members": {},
        }
        with partial.open("wb") as out:
            sealed = SealingWriter(out, key)
            with tarfile.open(fileobj=sealed, mode="w|gz") as tar:

                def add(path: Path, member: str) -> None:
                    manifest["members"][member] = {
                        "sha256": _sha256_of(path),
                        "size": path.stat().st_size,
                    }
                    tar.add(path, arcname=member, recursive=False)

                add(Path(tmp) / db_member, db_member)
                # The file store through the storage API: a local folder or a shared bucket.
                for name in stored_names(private_storage):
                    size = _add_stored(tar, manifest, name)
                    summary.files += 1
                    summary.bytes += size
                for member, path in signing_files().items():
                    add(path, member)
                    summary.signing.append(member)
                body = json.dumps(manifest, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size = len(body)
                tar.addfile(info, io.BytesIO(body))
            sealed.close()
            out.flush()
            os.fsync(out.fileno())
    partial.rename(dest)
    return summary


# --- Restore ---------------------------------------------------------------------------------


@dataclass
class RestoreSummary:
    members: int
    files: int
    signing: list[str]


def _safe_member(name: str) -> PurePosixPath:
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts or not path.parts:
        raise BackupError(f"The backup names an unsafe path: {name!r}.")
    return path


def _members(tar: tarfile.TarFile) -> Iterator[tuple[tarfile.TarInfo, io.BufferedReader]]:
    for info in tar:
        if not info.isfile():
            raise BackupError(f"The backup holds something that is not a file: {info.name!r}.")
        yield info, tar.extractfile(info)


def _database_empty() -> bool:
    return not connection.introspection.table_names()


def _database_load(dump: Path, engine: str) -> None:
    if engine != _engine():
        raise BackupError(f"The backup is of a {engine} database; this site uses {_engine()}.")
    if engine == "postgresql":
        # One transaction: a load that fails half way leaves the new database as empty as it
        # was, so the restore can be run again once the cause is mended.
        loaded = subprocess.run(
            ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
            + ["--single-transaction", "--dbname", connection.settings_dict["NAME"], str(dump)],
            env=_pg_env(),
            capture_output=True,
            text=True,
        )
        if loaded.returncode != 0:
            # pg_restore's first error line (then the whole statement it was running).
            errors = [line for line in loaded.stderr.splitlines() if "error" in line.lower()]
            why = (errors or loaded.stderr.strip().splitlines() or ["no message"])[0]
            raise BackupError(
                f"The database did not load ({why}); nothing of it was kept. The files and "
                "the key this restore wrote were taken back too."
            )
    else:
        connection.ensure_connection()
        with sqlite3.connect(dump) as source:
            source.backup(connection.connection)
        source.close()
    connection.close()


def backup_restore(source: Path) -> RestoreSummary:
    """Restore `source` into the configured database and file store, which must be empty, and
    the signing key to its configured paths; every member's SHA-256 is checked against the
    manifest. (The stored files are then checked against the database by the caller.)"""
    key = backup_key()
    if not source.is_file():
        # A mistyped name or a folder: the one-line reason, not a traceback.
        raise BackupError(f"{source} is not a file: name the archive that `backup` wrote.")
    if not _database_empty():
        raise BackupError(
            "The database is not empty: restore into a new database (a fresh DATABASE_URL)."
        )
    if next(stored_names(private_storage), None) is not None:
        raise BackupError(
            "The file store is not empty: restore into a new folder (PRIVATE_MEDIA_ROOT) or a "
            "new bucket (AWS_STORAGE_BUCKET_NAME)."
        )
    signing_targets = {
        "signing/pkcs12": settings.SIGNING_PKCS12_PATH,
        "signing/key": settings.SIGNING_KEY_PATH,
        "signing/certificate": settings.SIGNING_CERT_PATH,
    }
    written: list[str] = []  # what this restore put in the file store and the key's paths
    try:
        return _restore_into(source, key, signing_targets, written)
    except BaseException:
        # An archive cut off or not matching its manifest is found only once read to its end:
        # what it had put back goes again, so the store is as empty as it was and the next
        # restore (of a whole archive) is not refused for a store that is not empty.
        for name in written:
            if name.startswith("signing:"):
                Path(name.removeprefix("signing:")).unlink(missing_ok=True)
            else:
                private_storage.delete(name)
        raise


def _restore_into(source: Path, key, signing_targets: dict, written: list[str]) -> RestoreSummary:
    hashes: dict[str, str] = {}
    manifest = None
    files = 0
    signing: list[str] = []
    with tempfile.TemporaryDirectory(prefix="imr-restore-") as tmp, source.open("rb") as raw:
        reader = io.BufferedReader(OpeningReader(raw, key), CHUNK_BYTES)
        with tarfile.open(fileobj=reader, mode="r|gz") as tar:
            for info, handle in _members(tar):
                name = _safe_member(info.name)
                if info.name == MANIFEST:
                    manifest = json.loads(handle.read())
                    continue
                if name.parts[0] == "files":
                    stored = PurePosixPath(*name.parts[1:])
                    hashes[info.name] = _restore_stored(handle, stored)
                    written.append(stored.as_posix())
                    files += 1
                    continue
                elif name.parts[0] == "signing":
                    if not signing_targets.get(info.name):
                        raise BackupError(
                            f"The backup holds {info.name} but this site has no path for it "
                            "(set SIGNING_PKCS12_PATH)."
                        )
                    target = Path(signing_targets[info.name])
                    if target.exists():
                        raise BackupError(f"{target} exists; a restore never overwrites a key.")
                    signing.append(info.name)
                    written.append(f"signing:{target}")
                else:
                    target = Path(tmp) / name.name
                target.parent.mkdir(parents=True, exist_ok=True)
                digest = hashlib.sha256()
                with target.open("wb") as out:
                    while chunk := handle.read(CHUNK_BYTES):
                        digest.update(chunk)
                        out.write(chunk)
                if name.parts[0] == "signing":
                    target.chmod(0o600)
                hashes[info.name] = digest.hexdigest()
        if manifest is None or manifest.get("format") != FORMAT:
            raise BackupError("The backup has no manifest of this format.")
        expected = {name: entry["sha256"] for name, entry in manifest["members"].items()}
        if expected != hashes:
            wrong = sorted(set(expected) ^ set(hashes)) or sorted(
                name for name in expected if expected[name] != hashes[name]
            )
            raise BackupError(f"The backup does not match its manifest: {', '.join(wrong[:10])}.")
        database = manifest["database"]
        _database_load(Path(tmp) / database["member"], database["engine"])
    return RestoreSummary(members=len(hashes), files=files, signing=signing)
