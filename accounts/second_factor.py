"""The second factor (README "Authentication"; HIPAA 45 CFR 164.312(d)): a TOTP app, or one of
ten one-use recovery codes, after the password, for every role but the API client.

A session is verified when django-otp's session key names the device that was checked
(`django_otp.login`). Until then the middleware lets a staff user reach only the enrolment and
verification pages, sign-out and static files; everything else is answered as an ended session."""

from __future__ import annotations

import base64
import datetime as dt
import io

import django_otp
import segno
from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import resolve_url
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.events import RECOVERY_CODES_ISSUED, SECOND_FACTOR_ENROLLED, auth_event
from accounts.responses import session_ended

RECOVERY_CODE_COUNT = 10
DEVICE_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


def second_factor_required(user) -> bool:
    return bool(
        settings.IMR_REQUIRE_SECOND_FACTOR and user.is_authenticated and user.needs_second_factor
    )


def is_verified(request) -> bool:
    return bool(request.session.get(DEVICE_ID_SESSION_KEY))


def second_factor_missing(request, user) -> bool:
    return second_factor_required(user) and not is_verified(request)


def totp_device(user, *, confirmed: bool = True) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()


def is_enrolled(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def totp_device_start(user) -> TOTPDevice:
    """The unconfirmed device an enrolment shows (the same one until confirmed)."""
    device = totp_device(user, confirmed=False)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def totp_secret(device: TOTPDevice) -> str:
    """The key as authenticator apps take it typed in (base32, in groups of four)."""
    secret = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code, made here (no outside service)."""
    out = io.BytesIO()
    segno.make(device.config_url, error="m").save(
        out, kind="svg", scale=5, border=2, xmldecl=False, svgns=True, title="Scan with your app"
    )
    return out.getvalue().decode()


def recovery_codes_issue(user, *, request=None) -> list[str]:
    """Ten new one-use recovery codes; the old ones stop working. Each opens only the second
    step (the password is still needed); they are shown once and never again on any page."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    auth_event(RECOVERY_CODES_ISSUED, request=request, user=user)
    return codes


def code_wait(user, *, device: TOTPDevice | None = None) -> dt.datetime | None:
    """Until when the app takes no code, asked before a code is checked: after wrong codes in
    a row django-otp's throttling refuses every code for a while (1, 2, 4, 8 … seconds), the
    right one too. None: a code is taken now."""
    devices = [device] if device is not None else list(TOTPDevice.objects.filter(user=user))
    waits = [
        data["locked_until"]
        for allowed, data in (each.verify_is_allowed() for each in devices)
        if not allowed and data and data.get("locked_until")
    ]
    return max(waits) if waits else None


def code_typed(code: str) -> str:
    """A code as typed, as the devices compare it: without spaces or hyphens, lower case.
    Recovery codes are letters and digits in lower case (django-otp's StaticToken); from QA: a
    phone's keyboard capitalised the first letter and the code was refused, locking out the
    user the codes are for (one who lost the phone with the app)."""
    return code.replace(" ", "").replace("-", "").lower()


def code_match(user, code: str, *, or_recovery: bool = False):
    """The user's device that takes `code` (django_otp.match_token) and "", or None and why the
    code was refused, as the page says it (the throttle asked before the code is checked)."""
    wait = code_wait(user)
    device = django_otp.match_token(user, code_typed(code))
    if device is not None:
        return device, ""
    return None, code_refused(wait, or_recovery=or_recovery)


def code_refused(wait: dt.datetime | None, *, or_recovery: bool = False) -> str:
    """Why a code was refused, as the page says it: the wait code_wait found before checking
    it (the code was not even looked at), or a wrong code."""
    if wait is not None:
        until = f"{timezone.localtime(wait):%I:%M:%S %p}".lstrip("0")
        return (
            f"Too many wrong codes in a row: no code is taken until {until}. Wait until then, "
            "and enter the code your app shows at that time."
        )
    recovery = ", or one of your recovery codes" if or_recovery else ""
    return (
        "That code is not right (or was used already). Enter the code your app shows "
        f"now{recovery}."
    )


def totp_enrol_confirm(request, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the app with its first code: the session is verified and ten recovery codes are
    made (returned to be shown once); None when the code is wrong."""
    if not device.verify_token(code_typed(code)):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    django_otp.login(request, device)
    auth_event(SECOND_FACTOR_ENROLLED, request=request, user=device.user)
    return recovery_codes_issue(device.user, request=request)


def verification_url(user) -> str:
    name = "account:second_factor_verify" if is_enrolled(user) else "account:second_factor_setup"
    return reverse(name)


class SecondFactorMiddleware:
    """A signed-in staff user without a verified second factor reaches only the pages that give
    one (and sign-out); the API answers through its own authentication classes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            user.is_authenticated
            and user.is_api_client
            and not request.path_info.startswith((settings.STATIC_URL, "/api/"))
        ):
            # Least privilege: an API client uses the API with its token, never the web pages
            # (the sign-in form refuses it). A session it holds anyway is ended here and the
            # request goes on signed out: public pages answer, the rest ask to sign in.
            logout(request)
            return self.get_response(request)
        if (
            user.is_authenticated
            and second_factor_missing(request, user)
            and not self._open(request.path_info)
        ):
            return session_ended(request, verification_url(user))
        return self.get_response(request)

    @staticmethod
    def _open(path: str) -> bool:
        open_paths = (
            reverse("account:second_factor_setup"),
            reverse("account:second_factor_verify"),
            resolve_url("logout"),
            resolve_url("login"),
        )
        return path in open_paths or path.startswith((settings.STATIC_URL, "/api/"))
