"""One-use form tokens. A form whose sending makes something shown only once (a new set of
recovery codes, an API token's key) is answered by the page that shows it, never by a redirect
(what it shows is not kept), so a reload of that page sends the form again. Each form shown
carries a token kept in the session; sending it uses the token up, and the same form sent again
finds it used and makes nothing more."""

from __future__ import annotations

import datetime as dt
import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import FormTokenUse

# The field that carries the token, and how many are kept for a purpose (a few open tabs).
FIELD = "form_token"
KEPT = 5
# How long a used token's row is kept: longer than any page stays open with its form.
USED_KEPT = dt.timedelta(days=1)


def _session_key(purpose: str) -> str:
    return f"imr_{purpose}_form_tokens"


def form_token_issue(request, purpose: str) -> str:
    """A new token for a form of `purpose` the page is about to show."""
    token = secrets.token_urlsafe(16)
    kept = request.session.get(_session_key(purpose), [])[-(KEPT - 1) :]
    request.session[_session_key(purpose)] = [*kept, token]
    return token


def form_token_use(request, purpose: str) -> bool:
    """Whether the posted form of `purpose` carries a token issued and not used yet; it is used
    now. The session says which tokens were issued; a row per token used says, atomically,
    that it was used (two posts at once each read the session before either saved it)."""
    kept = request.session.get(_session_key(purpose), [])
    token = request.POST.get(FIELD, "")
    if token not in kept:
        return False
    request.session[_session_key(purpose)] = [other for other in kept if other != token]
    FormTokenUse.objects.filter(used_at__lt=timezone.now() - USED_KEPT).delete()
    try:
        with transaction.atomic():
            FormTokenUse.objects.create(token=token)
    except IntegrityError:
        return False
    return True
