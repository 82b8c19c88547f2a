"""Celery beat's scheduler: Celery's own, which keeps when each entry last ran in a shelve file
(--schedule), but which starts afresh when that file is damaged in a way Celery does not expect.

A stop in the middle of a write (a killed process, a host that lost power) can leave the shelve's
index naming a record its data file no longer holds; reading it raises EOFError, which Celery's
scheduler does not treat as a damaged file (it does for KeyError, UnpicklingError, ValueError...),
so beat stopped at start-up, and with it `make run`. The file records only when each entry last
ran; every scheduled task is safe to run again (each records what it sent), so starting afresh
loses nothing."""

from __future__ import annotations

from celery.beat import PersistentScheduler


class Scheduler(PersistentScheduler):
    def _create_schedule(self):
        try:
            super()._create_schedule()
        except (EOFError, OSError) as exc:
            self._store = self._destroy_open_corrupted_schedule(exc)
            super()._create_schedule()
