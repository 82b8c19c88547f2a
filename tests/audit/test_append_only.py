"""The audit log and the case events cannot be changed or deleted, even by SQL that goes around
the models (45 CFR 164.312(b)); users who wrote them cannot be deleted."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models.deletion import ProtectedError

from audit.models import AuditAction, AuditEvent, AuditKind
from cases.lifecycle.models import CaseEvent, EventType
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit_event(case_admin):
    return AuditEvent.objects.create(
        actor=case_admin,
        username=case_admin.username,
        action=AuditAction.READ,
        kind=AuditKind.CASE,
        case_number="CM26-0000001",
    )


@pytest.fixture
def case_event(case, case_admin):
    return CaseEvent.objects.create(case=case, type=EventType.RECORD_ADDED, actor=case_admin)


def refused(action) -> str:
    with pytest.raises(DatabaseError) as error, transaction.atomic():
        action()
    return str(error.value)


@pytest.mark.parametrize("kind", ["audit", "case"])
def test_rows_cannot_be_updated_or_deleted_in_the_database(kind, audit_event, case_event):
    model, row = (AuditEvent, audit_event) if kind == "audit" else (CaseEvent, case_event)
    rows = model.objects.filter(pk=row.pk)
    refused(lambda: rows.update(details={"forged": True}))
    refused(lambda: rows.delete())
    table = model._meta.db_table
    refused(lambda: connection.cursor().execute(f"DELETE FROM {table}"))
    assert model.objects.get(pk=row.pk).details == {}


def test_an_audit_event_refuses_a_second_save(audit_event):
    audit_event.username = "someone else"
    with pytest.raises(ValueError, match="append-only"):
        audit_event.save()


def test_a_user_in_the_log_cannot_be_deleted_only_deactivated(audit_event, case_admin):
    with pytest.raises(ProtectedError):
        case_admin.delete()
    case_admin.is_active = False
    case_admin.save()
    audit_event.refresh_from_db()
    assert audit_event.actor == case_admin and audit_event.username == case_admin.username


def test_a_user_who_wrote_a_case_event_cannot_be_deleted(case):
    author = UserFactory()
    CaseEvent.objects.create(case=case, type=EventType.RECORD_ADDED, actor=author)
    with pytest.raises(ProtectedError):
        author.delete()
