"""Re-authentication before an act that binds the organization (approving a determination,
which issues the signed letter; issuing an amended letter): the password, and the second factor
when the user has one, unless given within IMR_REAUTH_MINUTES (HIPAA 45 CFR 164.312(d))."""

from __future__ import annotations

import time

from django import forms
from django.conf import settings
from django.contrib.auth import authenticate

from accounts.events import REAUTH_FAILED, REAUTHENTICATED, auth_event
from accounts.second_factor import code_match, is_enrolled, is_verified

REAUTH_AT = "imr_reauth_at"


def reauth_record(request) -> None:
    request.session[REAUTH_AT] = time.time()


def password_confirm(request, user, password: str) -> bool:
    """Is `password` the signed-in user's own? Asked as the sign-in form asks it (Django's
    authenticate), so django-axes counts a wrong one with the sign-in's failures of that
    username at that address and locks the pair out at the same limit, and the audit log
    records it: a session left open is no place to guess the password without limit."""
    found = authenticate(request, username=user.get_username(), password=password or "")
    return found is not None and found.pk == user.pk


def reauth_fresh(request) -> bool:
    at = request.session.get(REAUTH_AT)
    return at is not None and time.time() - at <= settings.IMR_REAUTH_MINUTES * 60


class ReauthForm(forms.Form):
    """A form whose action needs re-authentication. Pass `request`. The password and code fields
    are there unless the user re-authenticated within the last minutes (`reauth_always` keeps
    them always); the code field only for users with a second factor."""

    reauth_always = False
    # A form its page draws without the password while it is fresh (the approval): sent once
    # the minutes have run out, it is refused with what happened, not "This field is required"
    # for a box the page never showed (from QA).
    says_window_passed = False

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    otp_token = forms.CharField(
        label="Code from your authenticator app (or a recovery code)",
        max_length=16,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "text",
                "autocapitalize": "none",
                "spellcheck": "false",
                "size": 10,
            }
        ),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        user = request.user
        self.reauth_needed = self.reauth_always or not reauth_fresh(request)
        if not self.reauth_needed:
            del self.fields["password"]
            del self.fields["otp_token"]
        elif not (is_verified(request) or is_enrolled(user)):
            del self.fields["otp_token"]

    def add_error(self, field, error):
        super().add_error(field, error)
        # A refused form comes back with the password box empty: it is never sent back to the
        # page. Said beside it (from QA: a wrong code emptied it without a word), whatever
        # refused it, this form's checks or the service after them (the view adds those).
        if "password" in self.fields:
            said = "Type it again: a password is never shown back on a page."
            # Its bound field, with its words, may be made already (while cleaning).
            self.fields["password"].help_text = self["password"].help_text = said

    @property
    def reauth_skipped(self) -> str:
        """Said where the password would be asked, when it is not (from QA: a medical director
        approving soon after signing in could not tell the check was skipped)."""
        if self.reauth_needed:
            return ""
        minutes = settings.IMR_REAUTH_MINUTES
        return (
            f"Your password is not asked again: you gave it less than {minutes} minute"
            f"{'s' if minutes != 1 else ''} ago, when you signed in or last confirmed an act "
            "with it (45 CFR 164.312(d))."
        )

    def clean(self):
        cleaned = super().clean()
        if (
            self.says_window_passed
            and self.reauth_needed
            and self.is_bound
            and "password" not in self.data
        ):
            # The page was drawn while the password was fresh and asked for none; the minutes
            # ran out before it was sent (from QA: "This field is required" for a box never
            # shown). Said as what happened; the page drawn again asks for it.
            self.errors.pop("password", None)
            self.errors.pop("otp_token", None)
            minutes = settings.IMR_REAUTH_MINUTES
            self.add_error(
                None,
                f"More than {minutes} minute{'s' if minutes != 1 else ''} have passed since you "
                "last gave your password: enter it below (and a code) to go on. Nothing was "
                "done yet.",
            )
            # Asked for the first time on this page: not "Type it again".
            self.fields["password"].help_text = self["password"].help_text = ""
            return cleaned
        if not self.reauth_needed or "password" in self.errors:
            return cleaned
        user = self.request.user
        if not password_confirm(self.request, user, cleaned.get("password", "")):
            auth_event(REAUTH_FAILED, request=self.request, user=user, reason="password")
            self.add_error(None, "That is not your password. Enter the password you sign in with.")
            return cleaned
        if "otp_token" in self.fields:
            if "otp_token" in self.errors:
                return cleaned
            device, refused = code_match(user, cleaned.get("otp_token", ""))
            if device is None:
                auth_event(REAUTH_FAILED, request=self.request, user=user, reason="code")
                self.add_error("otp_token", refused)
                return cleaned
        reauth_record(self.request)
        auth_event(REAUTHENTICATED, request=self.request, user=user)
        return cleaned
