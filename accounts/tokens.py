"""API tokens: made, checked and revoked here only (README "Authentication")."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.events import API_TOKEN_CREATED, API_TOKEN_REVOKED, auth_event
from accounts.models import ApiToken, Role

KEY_PREFIX = "imr_"
# last_used_at is written at most this often, so a busy client does not write on every call.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_create(*, user, name: str, actor=None, days: int | None = None, request=None):
    """A new token for an API-client user; returns (token, key). The key is not stored:
    this is the only time anyone sees it."""
    if user.role != Role.API_CLIENT:
        raise ValidationError(
            f"{user.get_username()} is not an API client: tokens are for API clients only."
        )
    if not user.is_active:
        raise ValidationError(f"{user.get_username()} is deactivated.")
    days = settings.IMR_API_TOKEN_DAYS if days is None else days
    if days < 1:
        raise ValidationError("A token lasts at least one day.")
    # Two tokens in use under one name look alike in the list, and the wrong one is revoked
    # (from QA).
    if (
        ApiToken.objects.filter(
            user=user,
            name__iexact=name.strip(),
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .exclude(name="")
        .exists()
    ):
        raise ValidationError(
            f"{user.get_username()} has a token named “{name.strip()}” in use already: give "
            "this one another name (the system or the date it is for), so that the list tells "
            "them apart."
        )
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        user=user,
        name=name.strip(),
        prefix=key[: len(KEY_PREFIX) + 4],
        key_sha256=key_hash(key),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
        expires_at=timezone.now() + dt.timedelta(days=days),
    )
    token.full_clean()
    token.save()
    auth_event(
        API_TOKEN_CREATED,
        request=request,
        user=actor,
        token_id=token.pk,
        token_name=token.name,
        client=user.username,
    )
    return token, key


def api_token_revoke(*, token: ApiToken, actor=None, request=None) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = actor if getattr(actor, "is_authenticated", False) else None
        token.save(update_fields=["revoked_at", "revoked_by"])
        auth_event(
            API_TOKEN_REVOKED,
            request=request,
            user=actor,
            token_id=token.pk,
            token_name=token.name,
            client=token.user.username,
        )
    return token


def api_token_check(key: str) -> ApiToken | None:
    """The usable token with this key (its user an active API client), or None."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_sha256=key_hash(key), revoked_at__isnull=True)
        .first()
    )
    now = timezone.now()
    if (
        token is None
        or token.expires_at <= now
        or not token.user.is_active
        or token.user.role != Role.API_CLIENT
    ):
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
