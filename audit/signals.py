"""Sign-ins, failed sign-ins and sign-outs, from Django's own signals (the web form, the admin's
form, and any other sign-in that goes through `django.contrib.auth`)."""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from audit.models import AuditAction, AuditKind
from audit.services import audit_record


def signed_in(sender, request, user, **kwargs) -> None:
    audit_record(request, AuditAction.SIGN_IN, kind=AuditKind.SESSION, user=user)


def sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django cleanses the password out of `credentials`; the username tried is kept.
    tried = str(credentials.get("username", ""))
    audit_record(request, AuditAction.SIGN_IN_FAILED, kind=AuditKind.SESSION, username=tried)


# Set on the request (to True) before logout() when the sign-out is recorded under its own
# reason (accounts.session_timeout: the inactivity or absolute timeout): Django's signal is
# then not a second event for the same sign-out (from QA: two in the same second).
SIGN_OUT_RECORDED = "imr_sign_out_recorded"


def signed_out(sender, request, user, **kwargs) -> None:
    if user is not None and not getattr(request, SIGN_OUT_RECORDED, False):
        audit_record(request, AuditAction.SIGN_OUT, kind=AuditKind.SESSION, user=user)


def connect() -> None:
    user_logged_in.connect(signed_in, dispatch_uid="audit-signed-in")
    user_login_failed.connect(sign_in_failed, dispatch_uid="audit-sign-in-failed")
    user_logged_out.connect(signed_out, dispatch_uid="audit-signed-out")
