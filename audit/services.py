"""Writing the audit log. `audit_record` is the one writer: the middleware calls it once per
audited request, the sign-in receivers for sign-ins, and other code for events no URL shows
(a lock-out, a second factor). `audit_note` adds details to the request's own row."""

from __future__ import annotations

import ipaddress

from django.conf import settings

from audit.models import AuditAction, AuditEvent, AuditKind

# What is kept of the request's query string (the search text of a list: searching by a
# worker's name reads medical information) and of a client's User-Agent.
_PARAM_LIMIT = 20
_VALUE_LIMIT = 200
_CLIENT_LIMIT = 300


def client_address(request) -> str | None:
    """The address the request came from. REMOTE_ADDR, unless settings.AUDIT_TRUSTED_PROXIES
    says that many proxies of ours stand in front: then the address the outermost of them saw
    (that many hops from the right of X-Forwarded-For; anything further left the client wrote
    itself and is not trusted)."""
    meta = getattr(request, "META", {}) or {}
    hops = settings.AUDIT_TRUSTED_PROXIES
    candidate = meta.get("REMOTE_ADDR") or ""
    if hops > 0:
        forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [part for part in forwarded if part]
        if len(forwarded) >= hops:
            candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def client_name(request) -> str:
    """The client: an API token's holder when the request came with a token, and the
    User-Agent the client sent."""
    meta = getattr(request, "META", {}) or {}
    agent = meta.get("HTTP_USER_AGENT", "")
    token = getattr(request, "auth", None)
    if token is not None:
        holder = getattr(token, "client", None) or getattr(token, "user", None)
        agent = f"API token of {holder}; {agent}" if agent else f"API token of {holder}"
    return agent[:_CLIENT_LIMIT]


def query_params(request) -> dict:
    """The query string as {name: value} (a few, each cut short)."""
    params = {}
    for name in list(request.GET)[:_PARAM_LIMIT]:
        values = request.GET.getlist(name)
        value = values[0] if len(values) == 1 else ", ".join(values)
        params[name[:_VALUE_LIMIT]] = value[:_VALUE_LIMIT]
    return params


def audit_note(request, **details) -> None:
    """Add `details` to the row the middleware writes for this request (e.g. the fields an
    admin form changed)."""
    notes = getattr(request, "_audit_notes", None)
    if notes is None:
        notes = request._audit_notes = {}
    notes.update(details)


def audit_case(request, case_number: str) -> None:
    """The request read this case though its URL names another object (Django admin's page of
    a case, its determination or letter, by id): the middleware writes the case's number, so a
    search by it and "Who read this case" find the read."""
    request._audit_case_number = case_number


def audit_cases(request, case_numbers) -> None:
    """The request read every case in `case_numbers` at once (a print batch's PDF): the
    middleware writes its event once per case, so each case's readers and a search by case
    number find it."""
    request._audit_cases = sorted(set(case_numbers))


def audit_record(
    request,
    action: AuditAction,
    *,
    kind: AuditKind = AuditKind.SESSION,
    user=None,
    username: str = "",
    case_number: str = "",
    object_id: str | int = "",
    status_code: int | None = None,
    details: dict | None = None,
) -> AuditEvent:
    """Write one audit event for `request` (None when there is no request, e.g. a command).
    The actor is `user`, else the request's signed-in user; `username` names who was tried
    when no one is signed in (a failed sign-in)."""
    (event,) = audit_record_each(
        request,
        action,
        case_numbers=[case_number],
        kind=kind,
        user=user,
        username=username,
        object_id=object_id,
        status_code=status_code,
        details=details,
    )
    return event


def audit_record_each(
    request,
    action: AuditAction,
    *,
    case_numbers: list[str],
    kind: AuditKind = AuditKind.SESSION,
    user=None,
    username: str = "",
    object_id: str | int = "",
    status_code: int | None = None,
    details: dict | None = None,
) -> list[AuditEvent]:
    """audit_record's event once for each of `case_numbers`, written in one INSERT (a
    download that holds several cases: each case's own search and readers find it)."""
    if user is None and request is not None:
        candidate = getattr(request, "user", None)
        if candidate is not None and candidate.is_authenticated:
            user = candidate
    match = getattr(request, "resolver_match", None) if request is not None else None
    common = dict(
        actor=user,
        username=(user.get_username() if user is not None else username)[:150],
        role=getattr(user, "role", "") or "",
        ip_address=client_address(request) if request is not None else None,
        client=client_name(request) if request is not None else "",
        action=action,
        kind=kind,
        object_id=str(object_id or "")[:64],
        route=(match.view_name if match is not None else "")[:120],
        method=(getattr(request, "method", "") or "")[:10] if request is not None else "",
        path=(getattr(request, "path", "") or "")[:500] if request is not None else "",
        status_code=status_code,
        details=details or {},
    )
    events = [AuditEvent(case_number=str(number or "")[:40], **common) for number in case_numbers]
    if len(events) == 1:
        events[0].save(force_insert=True)  # the one row of almost every request, as before
        return events
    return AuditEvent.objects.bulk_create(events)
