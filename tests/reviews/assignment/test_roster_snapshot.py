"""The Assign page reads the roster from this process's copy: every change to the roster, however
it is made, shows on the next page; a change that did not commit never does."""

import datetime as dt
import re
import threading
import time

import pytest
from django.db import connection, connections, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role, User
from reviews.assignment import roster_snapshot as snapshot_module
from reviews.assignment.assign_page import assign_page_candidates
from reviews.assignment.matching import roster_load
from reviews.assignment.roster_snapshot import _snapshot_read, roster_snapshot, roster_version
from reviews.roster.models import (
    CategorySpecialty,
    LeavePeriod,
    Licence,
    ReviewerProfile,
    RosterVersion,
    Specialty,
)
from reviews.roster.version_triggers import USER_COLUMNS, sqlite_roster_version_install
from tests.factories import PASSWORD, ready_case, reviewer_with_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def assign(client, case_admin):
    """The Assign page's eligible part, as text, for a case any reviewer here is qualified for."""
    client.login(username=case_admin.username, password=PASSWORD)
    url = reverse("assignment:case_assign", args=[ready_case().case_number])

    def eligible() -> str:
        page = client.get(url).content.decode()
        return page.split('id="excluded-heading"')[0]

    return eligible


def test_changes_made_in_bulk_or_outside_django_show_on_the_next_page(assign):
    reviewer_with_profile("REV-ONE", last_name="One")
    reviewer_with_profile("REV-TWO", last_name="Two")
    assert "Jane One" in assign() and "Jane Two" in assign()
    # An update of many rows at once (no model signal): the licence lapsed yesterday.
    Licence.objects.filter(profile__external_id="REV-ONE").update(
        expires=dt.date.today() - dt.timedelta(days=1)
    )
    assert "Jane One" not in assign()
    User.objects.filter(username="rev-two").update(last_name="Twofold")
    page = assign()
    assert "Jane Twofold" in page and "Jane Two<" not in page
    # A leave period made with bulk_create, and a reviewer added.
    LeavePeriod.objects.bulk_create(
        [
            LeavePeriod(
                profile=ReviewerProfile.objects.get(external_id="REV-TWO"),
                starts=dt.date.today() - dt.timedelta(days=1),
                ends=dt.date.today() + dt.timedelta(days=5),
            )
        ]
    )
    reviewer_with_profile("REV-THREE", last_name="Three")
    page = assign()
    assert "Jane Twofold" not in page and "Jane Three" in page
    # The specialty table: the category no longer accepts Pain Management.
    CategorySpecialty.objects.filter(specialty__name="Pain Management").delete()
    assert "Jane Three" not in assign()


def test_a_change_that_is_rolled_back_leaves_no_copy_behind(assign):
    reviewer_with_profile("REV-ONE", last_name="One")
    assert "Jane One" in assign()
    with pytest.raises(RuntimeError), transaction.atomic():
        ReviewerProfile.objects.filter(external_id="REV-ONE").update(on_leave=True)
        # Read inside the change: this page is made from the roster as the change has it.
        assert "Jane One" not in assign()
        raise RuntimeError("the change is abandoned")
    assert "Jane One" in assign()


def test_signing_in_does_not_count_as_a_roster_change(client):
    reviewer = reviewer_with_profile("REV-ONE", last_name="One")
    before = roster_version()
    assert client.login(username=reviewer.username, password=PASSWORD)  # sets last_login
    assert roster_version() == before
    User.objects.filter(pk=reviewer.pk).update(is_active=False)
    assert roster_version() != before


def test_the_copy_is_read_again_for_a_new_day():
    reviewer_with_profile("REV-ONE", licences=(("CA", "2026-11-25", False),))
    case = ready_case()
    today = dt.date(2026, 11, 24)
    first = roster_snapshot(today)
    assert roster_snapshot(today) is first  # the roster has not changed: the same copy
    on_the_day = assign_page_candidates(case, today=today)
    assert [r.external_id for r in on_the_day.eligible] == ["REV-ONE"]
    # The next day the licence has lapsed (it must be valid after today): excluded, by reason.
    next_day = assign_page_candidates(case, today=today + dt.timedelta(days=1))
    assert next_day.eligible == []
    (excluded,) = next_day.excluded_page.object_list
    assert "No active, unrestricted licence" in " ".join(excluded.reasons)


def _renamed_behind_the_triggers_back(username: str, last_name: str) -> None:
    """A write the version's triggers do not see, as a restore made with them off leaves it:
    the version is the one from before the write."""
    before = roster_version()
    User.objects.filter(username=username).update(last_name=last_name)
    RosterVersion.objects.filter(pk=1).update(version=before)


def test_a_write_the_triggers_did_not_see_shows_once_the_copy_is_old(assign, settings, monkeypatch):
    settings.ROSTER_COPY_MAX_AGE_SECONDS = 600
    reviewer_with_profile("REV-ONE", last_name="One")
    assert "Jane One<" in assign()
    _renamed_behind_the_triggers_back("rev-one", "Oneill")
    assert "Jane One<" in assign()  # the copy, nine minutes old at most, is still used
    read_at = time.monotonic()
    monkeypatch.setattr(snapshot_module.time, "monotonic", lambda: read_at + 601)
    page = assign()
    assert "Jane Oneill" in page and "Jane One<" not in page


def test_with_no_copy_kept_every_page_reads_the_roster(assign, settings):
    settings.ROSTER_COPY_MAX_AGE_SECONDS = 0
    reviewer_with_profile("REV-ONE", last_name="One")
    assert "Jane One<" in assign()
    _renamed_behind_the_triggers_back("rev-one", "Oneill")
    assert "Jane Oneill" in assign()


def _triggered_tables() -> set[str]:
    """The tables that carry a roster version trigger in this database."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON t.tgrelid = c.oid "
                "WHERE t.tgname LIKE 'reviews_roster_changed%%'"
            )
        else:
            cursor.execute(
                "SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' "
                "AND name LIKE 'reviews_roster_changed%'"
            )
        return {table for (table,) in cursor.fetchall()}


def test_every_table_the_copy_is_read_from_has_a_trigger():
    """A table (or an account's column) the roster comes to be read from without a trigger
    would leave the copy stale after a change to it."""
    reviewer_with_profile("REV-ONE", affiliations=(("employer", "Acme Foods", ""),))
    version = roster_version()
    with CaptureQueriesContext(connection) as captured:
        _snapshot_read(version, dt.date(2026, 11, 24))
    sql = "\n".join(query["sql"] for query in captured.captured_queries)
    read = set(re.findall(r'(?:FROM|JOIN) "(\w+)"', sql))
    assert read and read <= _triggered_tables()
    account_columns = set(re.findall(r'"accounts_user"\."(\w+)"', sql)) - {"id"}
    assert account_columns and account_columns <= set(USER_COLUMNS)


def test_a_reviewer_moved_to_another_role_is_offered_no_case(assign):
    """From a system administrator's QA pass: a physician made medical director keeps their
    roster profile; the Assign page (from its copy) and the matching went on offering them."""
    reviewer_with_profile("REV-ONE", last_name="One")
    assert "Jane One" in assign()
    user = User.objects.get(username="rev-one")
    user.role = Role.QUALITY_REVIEWER
    user.save(update_fields=["role"])
    assert "Jane One" not in assign()
    assert "REV-ONE" not in [entry.external_id for entry in roster_load().entries]
    User.objects.filter(pk=user.pk).update(role=Role.REVIEWER)  # in bulk, as the admin may
    assert "Jane One" in assign()


def test_adding_a_certification_or_ignoring_conflicts_counts_as_a_change(assign):
    """Django writes these as INSERT OR IGNORE on SQLite, which must not skip the change."""
    reviewer_with_profile("REV-ONE", last_name="One", certifications=("Psychiatry",))
    assert "Jane One" not in assign()
    profile = ReviewerProfile.objects.get(external_id="REV-ONE")
    profile.certifications.add(Specialty.objects.get(name="Pain Management"))
    assert "Jane One" in assign()
    table = CategorySpecialty.objects.filter(specialty__name="Pain Management")
    rows = [CategorySpecialty(category=row.category, specialty=row.specialty) for row in table]
    table.delete()
    assert "Jane One" not in assign()
    CategorySpecialty.objects.bulk_create(rows, ignore_conflicts=True)
    assert "Jane One" in assign()


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's triggers are reinstalled")
def test_sqlite_triggers_come_back_after_every_migrate():
    """SQLite drops a table's triggers when a migration rebuilds it: post_migrate puts them
    back."""
    with connection.cursor() as cursor:
        cursor.execute('DROP TRIGGER "reviews_roster_changed_reviews_licence_update"')
    assert "reviews_licence" in _triggered_tables()  # its insert and delete triggers remain
    sqlite_roster_version_install()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' "
            "AND name = 'reviews_roster_changed_reviews_licence_update'"
        )
        assert cursor.fetchone() == (1,)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_emptying_a_roster_table_with_truncate_changes_the_version():
    reviewer_with_profile("REV-ONE")
    before = roster_version()
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE reviews_leaveperiod")
    assert roster_version() != before


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's row locks")
@pytest.mark.django_db(transaction=True)
def test_two_changes_to_the_roster_at_once_wait_for_each_other_and_both_land():
    """The version's row is locked before each statement's rows: one change waits for the
    other at its first statement, and never holds a row the other then needs (a deadlock,
    one of them lost, when the row was locked after)."""
    first = reviewer_with_profile("REV-A", last_name="Able")
    second = reviewer_with_profile("REV-B", last_name="Baker")
    first_changed = threading.Event()

    def one():
        with transaction.atomic():
            User.objects.filter(pk=first.pk).update(email="able@example.org")
            first_changed.set()
            time.sleep(0.5)  # the other is waiting by now
            User.objects.filter(pk=second.pk).update(first_name="Bea")
        return "done"

    def other():
        first_changed.wait(timeout=10)
        with transaction.atomic():
            User.objects.filter(pk=second.pk).update(last_name="Baxter")
        return "done"

    results = [None, None]

    def run(index, action):
        try:
            results[index] = action()
        except Exception as error:  # reported to the test
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate((one, other))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert results == ["done", "done"]
    assert User.objects.get(pk=second.pk).get_full_name() == "Bea Baxter"
