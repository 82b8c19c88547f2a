"""The private file store: records, letters, notices, proofs, print batches and intake drafts.

Every FileField names `private_storage`, which hands each call to the "private" storage of
settings.STORAGES, looked up on every use: the local disk (PRIVATE_MEDIA_ROOT) by default, or an
S3-compatible bucket that every web and worker host shares (STORAGE_BACKEND=s3; README, "More than
one machine"). Nothing may assume a stored file is on this machine's disk: read and write through
the storage API, and take `local_copy` where a program needs a path.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.utils.deconstruct import deconstructible
from storages.backends.s3 import S3Storage

PRIVATE_ALIAS = "private"
NO_URL = "Private files have no public URL; serve them through a view."
COPY_CHUNK_BYTES = 1024 * 1024


class PrivateFileSystemStorage(FileSystemStorage):
    """Files under settings.PRIVATE_MEDIA_ROOT (read on every use), with no URL of their own."""

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError(NO_URL)


class PrivateS3Storage(S3Storage):
    """A private bucket: objects are never public (no ACL of their own, the bucket's policy
    rules), a new file never replaces an existing one, and no URL is handed out (not even a
    signed one): every download goes through a view, its access check and its integrity check."""

    def url(self, name, parameters=None, expire=None, http_method=None):
        raise ValueError(NO_URL)


# The migrations name this class by its old path; keeping the path keeps them still.
@deconstructible(path="cases.models.PrivateStorage")
class PrivateStorage(Storage):
    """The "private" storage of settings.STORAGES, looked up on every call (so settings changed
    while the process runs, as tests do, reach every FileField)."""

    @property
    def backend(self) -> Storage:
        return storages[PRIVATE_ALIAS]

    def open(self, name, mode="rb"):
        return self.backend.open(name, mode)

    def save(self, name, content, max_length=None):
        return self.backend.save(name, content, max_length=max_length)

    def generate_filename(self, filename):
        return self.backend.generate_filename(filename)

    def get_valid_name(self, name):
        return self.backend.get_valid_name(name)

    def get_alternative_name(self, file_root, file_ext):
        return self.backend.get_alternative_name(file_root, file_ext)

    def get_available_name(self, name, max_length=None):
        return self.backend.get_available_name(name, max_length=max_length)

    def path(self, name):
        return self.backend.path(name)

    def delete(self, name):
        return self.backend.delete(name)

    def exists(self, name):
        return self.backend.exists(name)

    def listdir(self, path):
        return self.backend.listdir(path)

    def size(self, name):
        return self.backend.size(name)

    def url(self, name):
        raise ValueError(NO_URL)

    def get_accessed_time(self, name):
        return self.backend.get_accessed_time(name)

    def get_created_time(self, name):
        return self.backend.get_created_time(name)

    def get_modified_time(self, name):
        return self.backend.get_modified_time(name)


private_storage = PrivateStorage()


def stored_names(storage: Storage = private_storage, folder: str = "") -> Iterator[str]:
    """Every file's name in the store (under `folder`), sorted, through the storage API: the same
    walk on a local disk and in a bucket."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:  # a local store not yet made holds nothing
        return
    for name in sorted(files):
        yield f"{folder}/{name}" if folder else name
    for directory in sorted(directories):
        yield from stored_names(storage, f"{folder}/{directory}" if folder else directory)


@contextmanager
def local_copy(storage: Storage, name: str, *, suffix: str = "") -> Iterator[Path]:
    """A private temporary copy of a stored file on this machine's disk, for a program that
    needs a path (the page count's child process); removed on leaving. Raises FileNotFoundError
    when the file is not in the store."""
    handle, path = tempfile.mkstemp(prefix="imr-stored-", suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as out, storage.open(name, "rb") as source:
            shutil.copyfileobj(source, out, COPY_CHUNK_BYTES)
        yield Path(path)
    finally:
        Path(path).unlink(missing_ok=True)
