"""The filesystem broker of `make run` and the default test run (imrsite.broker): a worker sees
a message whole or not at all."""

import json
import uuid
from pathlib import Path
from queue import Empty

import pytest
from kombu import Connection

from imrsite.broker import PARTIAL_SUFFIX


@pytest.fixture
def connection(tmp_path):
    folders = {name: tmp_path / name for name in ("queue", "processed", "control")}
    for folder in folders.values():
        folder.mkdir()
    options = {
        "data_folder_in": str(folders["queue"]),
        "data_folder_out": str(folders["queue"]),
        "processed_folder": str(folders["processed"]),
        "control_folder": str(folders["control"]),
        "store_processed": False,
    }
    with Connection(
        "filesystem://localhost/", transport="imrsite.broker:Transport", transport_options=options
    ) as conn:
        # A queue of each test's own: kombu remembers in the process which queues it declared.
        yield conn, folders["queue"], f"letters-{uuid.uuid4().hex}"


def test_a_message_goes_through_whole_and_leaves_nothing_behind(connection):
    conn, folder, name = connection
    queue = conn.SimpleQueue(name)
    queue.put({"letter": 7, "text": "é" * 10_000})

    (written,) = folder.iterdir()
    assert written.name.endswith(f".{name}.msg")  # its final name, nothing partial left
    message = queue.get(timeout=2)
    assert message.payload == {"letter": 7, "text": "é" * 10_000}
    message.ack()
    queue.close()


def test_a_message_still_being_written_is_not_taken(connection, monkeypatch):
    """kombu's own transport created the file under its final name before writing into it: a
    worker polling in between took the empty file and failed on it (celery/kombu#1551), the
    message lost and the worker's consumer stopped. Here, up to the moment it is whole, the
    message is under a name no queue reads."""
    import imrsite.broker

    conn, folder, name = connection
    queue = conn.SimpleQueue(name)
    seen = []
    replace = imrsite.broker.os.replace

    def worker_polls_then_replace(source, target):
        with pytest.raises(Empty):
            queue.get(timeout=0.2)  # a worker polling now finds nothing to take
        seen.append(Path(source).read_bytes())
        replace(source, target)

    monkeypatch.setattr(imrsite.broker.os, "replace", worker_polls_then_replace)
    queue.put({"letter": 8})

    (written,) = seen
    assert json.loads(written)["body"]  # the whole message, before it showed under its name
    assert queue.get(timeout=2).payload == {"letter": 8}
    assert not list(folder.glob(f"*{PARTIAL_SUFFIX}"))
    queue.close()
