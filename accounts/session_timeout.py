"""Sessions end after a while without a request and after a fixed time since sign-in, decided
on the server from timestamps in the session (HIPAA 45 CFR 164.312(a)(2)(iii): automatic
logoff), not by the cookie's age alone; a session ended from elsewhere is told so at its next
request. Drafts are saved on the server as they are typed
(the reviewer's determination, the intake form), so a timeout loses nothing."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from accounts.events import SESSION_TIMED_OUT, auth_event
from audit.signals import SIGN_OUT_RECORDED

LAST_ACTIVITY = "imr_last_activity"
SIGNED_IN_AT = "imr_signed_in_at"
# The last activity is written at most this often (seconds): a page's requests do not each
# save the session.
ACTIVITY_PRECISION = 30
# The header of a request a page makes on its own while it waits for work (htmx's `every`
# polling: a letter being signed, records being counted, an import; static/js/session.js sets
# it). That is no one at the keyboard: a screen left open on such a page, with the worker
# stopped, would otherwise never be signed out.
POLL_HEADER = "IMR-Poll"


@receiver(user_logged_in, dispatch_uid="accounts.session_started")
def _session_started(sender, request, user, **kwargs):
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_ACTIVITY] = now


def session_expired(session, now: float) -> str:
    """Why the session is over ("idle", "max_age") or ""."""
    last = session.get(LAST_ACTIVITY)
    started = session.get(SIGNED_IN_AT)
    if last is not None and now - last > settings.IMR_SESSION_IDLE_MINUTES * 60:
        return "idle"
    if started is not None and now - started > settings.IMR_SESSION_MAX_HOURS * 3600:
        return "max_age"
    return ""


def session_left_seconds(session, now: float) -> int:
    """How long the session surely holds without another request: to the inactivity sign-out,
    less the time the record of activity may lag (ACTIVITY_PRECISION)."""
    last = session.get(LAST_ACTIVITY, now)
    return max(0, int(last + settings.IMR_SESSION_IDLE_MINUTES * 60 - ACTIVITY_PRECISION - now))


# What is kept: the drafts that save as they are typed; a page left open keeps its own text
# (static/js/session.js), but the page this message is read on is a new one.
DRAFTS_KEPT = (
    "Drafts that save as you type (a determination, a new application) are kept; sign in to go on."
)

# A session that ended by another's hand: "Sign out everywhere else" in another browser, a
# password changed elsewhere, a system administrator's sign-out or second-factor reset, a
# deactivated account (accounts.signin.sessions_end; User._get_session_auth_hash).
ENDED_ELSEWHERE = (
    "You were signed out: this session was ended from elsewhere (“Sign out everywhere else” in "
    "another browser, a password change, or a system administrator). " + DRAFTS_KEPT
)


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Read before the user is: Django's session check empties a session that no longer
        # belongs to its user.
        had_user = SESSION_KEY in request.session
        if had_user and not request.user.is_authenticated:
            messages.info(request, ENDED_ELSEWHERE)
        if request.user.is_authenticated:
            now = time.time()
            why = session_expired(request.session, now)
            if why:
                user = request.user
                # One event for this sign-out, the timeout's with its reason (below), not
                # Django's sign-out as well.
                setattr(request, SIGN_OUT_RECORDED, True)
                logout(request)
                auth_event(SESSION_TIMED_OUT, request=request, user=user, reason=why)
                messages.info(
                    request,
                    f"You were signed out after {settings.IMR_SESSION_IDLE_MINUTES} minutes "
                    "without activity. " + DRAFTS_KEPT
                    if why == "idle"
                    else f"You were signed out {settings.IMR_SESSION_MAX_HOURS} hours after "
                    "signing in. " + DRAFTS_KEPT,
                )
            elif (
                not request.headers.get(POLL_HEADER)
                and now - request.session.get(LAST_ACTIVITY, 0) >= ACTIVITY_PRECISION
            ):
                request.session[LAST_ACTIVITY] = now
        return self.get_response(request)
