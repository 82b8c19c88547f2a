"""Authentication events for the audit log (HIPAA 45 CFR 164.312(b): audit controls).

`auth_event` is the one hook: every sign-in, failed sign-in, lock-out, sign-out, timeout,
second-factor enrolment, verification and failure, re-authentication, password change and API
token change goes through it. It logs the event and sends `auth_event_happened`, to which the
audit log connects its recorder; accounts itself keeps no table of them."""

from __future__ import annotations

import logging

import django.dispatch
from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from audit.models import AuditAction, AuditKind
from audit.services import audit_record
from audit.signals import SIGN_OUT_RECORDED

logger = logging.getLogger("imr.auth")

# Sent with kind (one of the names below), request (or None), user (or None), username and
# details (a dict safe to store: never a password, a code or a token).
auth_event_happened = django.dispatch.Signal()

SIGNED_IN = "signed_in"
SIGNIN_FAILED = "signin_failed"
LOCKED_OUT = "locked_out"
SIGNED_OUT = "signed_out"
SESSION_TIMED_OUT = "session_timed_out"
SIGNIN_REFUSED_API_CLIENT = "signin_refused_api_client"
SECOND_FACTOR_ENROLLED = "second_factor_enrolled"
SECOND_FACTOR_VERIFIED = "second_factor_verified"
SECOND_FACTOR_FAILED = "second_factor_failed"
RECOVERY_CODES_ISSUED = "recovery_codes_issued"
REAUTHENTICATED = "reauthenticated"
REAUTH_FAILED = "reauth_failed"
PASSWORD_CHANGED = "password_changed"
SIGNED_OUT_ELSEWHERE = "signed_out_elsewhere"
API_TOKEN_CREATED = "api_token_created"
API_TOKEN_REVOKED = "api_token_revoked"


def auth_event(kind: str, *, request=None, user=None, username: str = "", **details) -> None:
    if user is not None and not getattr(user, "is_authenticated", False):
        user = None
    username = username or (user.get_username() if user is not None else "")
    logger.info("auth %s user=%s %s", kind, username or "-", details or "")
    auth_event_happened.send(
        sender=auth_event, kind=kind, request=request, user=user, username=username, details=details
    )


@receiver(user_logged_in, dispatch_uid="accounts.signed_in")
def _signed_in(sender, request, user, **kwargs):
    auth_event(SIGNED_IN, request=request, user=user)


@receiver(user_logged_out, dispatch_uid="accounts.signed_out")
def _signed_out(sender, request, user, **kwargs):
    if not getattr(request, SIGN_OUT_RECORDED, False):  # a timeout says so itself
        auth_event(SIGNED_OUT, request=request, user=user)


@receiver(user_login_failed, dispatch_uid="accounts.signin_failed")
def _signin_failed(sender, credentials, request=None, **kwargs):
    auth_event(SIGNIN_FAILED, request=request, username=str(credentials.get("username", "")))


@receiver(user_locked_out, dispatch_uid="accounts.locked_out")
def _locked_out(sender, request, username, ip_address, **kwargs):
    auth_event(LOCKED_OUT, request=request, username=username or "", ip_address=ip_address)


# --- Into the audit log (audit.services; Django's own sign-in signals are recorded there) -----

_AUDITED_AS = {
    LOCKED_OUT: AuditAction.LOCKED_OUT,
    SESSION_TIMED_OUT: AuditAction.SIGN_OUT,
    SIGNIN_REFUSED_API_CLIENT: AuditAction.SIGN_IN_FAILED,
    SECOND_FACTOR_ENROLLED: AuditAction.SECOND_FACTOR,
    SECOND_FACTOR_VERIFIED: AuditAction.SECOND_FACTOR,
    SECOND_FACTOR_FAILED: AuditAction.SECOND_FACTOR_FAILED,
    RECOVERY_CODES_ISSUED: AuditAction.SECOND_FACTOR,
    REAUTHENTICATED: AuditAction.SECOND_FACTOR,
    REAUTH_FAILED: AuditAction.SECOND_FACTOR_FAILED,
    PASSWORD_CHANGED: AuditAction.CHANGE,
    SIGNED_OUT_ELSEWHERE: AuditAction.SIGN_OUT,
    API_TOKEN_CREATED: AuditAction.CHANGE,
    API_TOKEN_REVOKED: AuditAction.CHANGE,
}


@receiver(auth_event_happened, dispatch_uid="accounts.audited")
def _audited(sender, kind, request, user, username, details, **kwargs):
    """45 CFR 164.312(b): lock-outs, timeouts and second-factor events join the sign-ins in
    the audit log; `details` names the event exactly."""
    action = _AUDITED_AS.get(kind)
    if action is None:  # sign-in, failed sign-in, sign-out: audit.signals has them
        return
    audit_record(
        request,
        action,
        kind=AuditKind.SESSION,
        user=user,
        username=username,
        details={"event": kind, **{key: str(value) for key, value in details.items()}},
    )
