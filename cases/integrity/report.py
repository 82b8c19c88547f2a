"""Telling people that a stored file failed its integrity check: logged at ERROR, kept as a
finding (the /integrity/ page), written to the case's history, and e-mailed to the system
administrators (45 CFR 164.312(b), (c)(1): an alteration of medical information is recorded
and examined, not passed over)."""

from __future__ import annotations

import logging
from collections.abc import Sequence

from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse

from accounts.models import Role, User
from accounts.notifications import site_link
from cases.integrity.models import (
    IntegrityCheckRun,
    IntegrityFinding,
    IntegrityProblem,
    IntegritySource,
)
from cases.integrity.selectors import already_reported
from cases.lifecycle import events
from cases.lifecycle.models import Case

logger = logging.getLogger("cases.integrity")


def system_administrators():
    """The active system administrators: who is told when stored data fails a check."""
    return User.objects.filter(role=Role.SYSTEM_ADMIN, is_active=True)


def integrity_recipients() -> list[str]:
    """The active system administrators' addresses and any set in INTEGRITY_ALERT_EMAILS."""
    admins = system_administrators().exclude(email="")
    addresses = [*admins.values_list("email", flat=True), *settings.INTEGRITY_ALERT_EMAILS]
    return sorted(set(addresses))


def integrity_mail(subject: str, body: str) -> None:
    """E-mail the system administrators (and INTEGRITY_ALERT_EMAILS); a mail server that is
    down is logged, never raised: what was found stands."""
    recipients = integrity_recipients()
    if not recipients:
        logger.error("No system administrator has an e-mail address to tell: %s", subject)
        return
    try:
        send_mail(subject, body, None, recipients)
    except Exception:
        # The finding and the log stand even when the mail server is down.
        logger.exception("Could not e-mail the integrity alert: %s", subject)


def _page_url() -> str:
    return site_link(reverse("integrity:integrity"))


def _line(finding: IntegrityFinding) -> str:
    where = f"case {finding.case.case_number}, " if finding.case_id else ""
    actual = f", found {finding.actual_sha256}" if finding.actual_sha256 else ""
    return (
        f"- {finding.kind} {finding.object_id} ({where}{finding.path}): "
        f"{finding.get_problem_display()}; recorded SHA-256 {finding.expected_sha256}{actual}"
    )


def integrity_failure_report(
    *,
    kind: str,
    object_id: int,
    case_id: int | None,
    path: str,
    expected: str,
    actual: str,
    problem: str,
    source: str,
    actor=None,
    run: IntegrityCheckRun | None = None,
    mail: bool = True,
) -> IntegrityFinding:
    """Record one failed file: a finding, an ERROR log line, a case event and (unless the
    caller sends one summary for many) an e-mail to the system administrators. A file still
    failing as already reported (selectors.already_reported) is a finding and a log line
    again, but the periodic check writes no second case event and nobody is e-mailed again:
    every night's check of one unrestored file would otherwise repeat both. A refused
    download's event stays: it says who tried. `finding.repeated` tells which it was."""
    repeated = already_reported(
        kind=kind, object_id=object_id, problem=problem, expected=expected, actual=actual
    )
    finding = IntegrityFinding.objects.create(
        source=source,
        run=run,
        problem=problem,
        kind=kind,
        object_id=object_id,
        case_id=case_id,
        path=path,
        expected_sha256=expected,
        actual_sha256=actual,
        actor=actor if actor is not None and actor.is_authenticated else None,
    )
    logger.error(
        "Integrity check failed (%s): %s %s at %s: %s; recorded SHA-256 %s, found %s",
        source,
        kind,
        object_id,
        path,
        IntegrityProblem(problem).label,
        expected,
        actual or "nothing",
    )
    finding.repeated = repeated
    if case_id is not None and not (repeated and source == IntegritySource.CHECK):
        events.file_integrity_failed(
            case=Case.objects.get(pk=case_id),
            actor=finding.actor,
            kind=kind,
            object_id=object_id,
            problem=problem,
            expected_sha256=expected,
            actual_sha256=actual,
        )
    if mail and not repeated:
        integrity_mail(
            f"IMR Desk: a stored file failed its integrity check ({kind} {object_id})",
            "A stored file no longer matches the SHA-256 recorded when it was stored. It was "
            "not served.\n\n"
            f"{_line(finding)}\n\nRestore it from a backup (README, 'Backups') and see "
            f"{_page_url()}\n",
        )
    return finding


def integrity_run_report(run: IntegrityCheckRun, findings: Sequence[IntegrityFinding]) -> None:
    """One e-mail for the new problems a periodic check found, listing after them the files
    still failing as reported before; none when every problem was reported before (the page
    and the log still show them) or all files matched."""
    new = [finding for finding in findings if not finding.repeated]
    if not new:
        return
    lines = "\n".join(_line(finding) for finding in new)
    still = [finding for finding in findings if finding.repeated]
    known = (
        "\n\nStill failing, as reported before:\n" + "\n".join(_line(f) for f in still)
        if still
        else ""
    )
    integrity_mail(
        f"IMR Desk: {len(new)} stored file(s) failed the integrity check",
        f"The check of {run.started_at:%Y-%m-%d %H:%M} read {run.files_checked} stored files. "
        f"These no longer match the SHA-256 recorded when they were stored, or are missing:\n\n"
        f"{lines}{known}\n\nRestore them from a backup (README, 'Backups') and see "
        f"{_page_url()}\n",
    )
