"""The broker `make run` and the default test run use: kombu's filesystem transport, with each
message written whole before a worker can see it.

kombu creates a message's file under its final name and writes into it afterwards. A worker
polling the folder in between moved the still-empty file away and failed to decode it
("Expecting value: line 1 column 1", celery/kombu#1551): the message was lost and the
worker's consumer stopped. Here a message is written under a name no queue reads, then
renamed to its final name in one step (os.replace, atomic within a folder), so a worker sees
no file or a whole one."""

from __future__ import annotations

import contextlib
import os
import uuid
from time import monotonic

from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

# A name kombu's reader skips: it takes only "<time>_<uuid>.<queue>.msg".
PARTIAL_SUFFIX = ".partial"


class Channel(filesystem.Channel):
    def _put(self, queue, payload, **kwargs):
        name = f"{int(round(monotonic() * 1000))}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = final + PARTIAL_SUFFIX
        try:
            with open(partial, "wb") as handle:
                handle.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            with contextlib.suppress(OSError):
                os.remove(partial)
            raise ChannelError(f"Cannot add file {final!r} to directory") from exc


class Transport(filesystem.Transport):
    Channel = Channel
