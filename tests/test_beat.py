"""Celery beat starts even when its schedule file was damaged by a stop mid-write (from a QA
pass: `make run` stopped at once, beat raising EOFError on the file a killed beat left)."""

import dbm.dumb
import shelve

import pytest
from celery.beat import PersistentScheduler

from imrsite.beat import Scheduler
from imrsite.celery import app

pytestmark = pytest.mark.django_db


def _damaged_schedule(path) -> str:
    """A shelve whose index names an entry its data file no longer holds, as a beat killed while
    writing leaves it (the data file emptied, the index kept)."""
    filename = str(path / "celerybeat-schedule")
    with shelve.Shelf(dbm.dumb.open(filename, "c")) as store:
        store["entries"] = {"last": "run"}
    (path / "celerybeat-schedule.dat").write_bytes(b"")
    return filename


def test_celerys_own_scheduler_stops_on_such_a_file(tmp_path):
    with pytest.raises(EOFError):
        PersistentScheduler(app=app, schedule_filename=_damaged_schedule(tmp_path), lazy=False)


def test_our_scheduler_starts_afresh_with_every_entry_of_the_schedule(tmp_path):
    scheduler = Scheduler(app=app, schedule_filename=_damaged_schedule(tmp_path), lazy=False)
    try:
        assert set(app.conf.beat_schedule) <= set(scheduler.schedule)
    finally:
        scheduler.close()
    assert app.conf.beat_scheduler == "imrsite.beat:Scheduler"
