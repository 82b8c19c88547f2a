"""Forms of the reviewer's workspace. They parse and check input; the services decide what may
happen."""

from __future__ import annotations

import re

from django import forms

from accounts.reauth import password_confirm
from reviews.assignment.models import CONFLICT_ATTESTATION
from reviews.assignment.services import REASON_MAX_CHARS
from reviews.determination.services import ITEM_FIELDS

_DRAFT_KEY = re.compile(rf"^(summary|item-\d+-({'|'.join(ITEM_FIELDS)}))$")
BASE_PREFIX = "base:"


def posted_version(data) -> int | None:
    """The draft's version a page was drawn with (its hidden `version`), None when it sent
    none or not a number."""
    try:
        return int(data.get("version", ""))
    except ValueError:
        return None


def draft_post_parse(data) -> tuple[int | None, dict[str, str], dict[str, str]]:
    """A draft form's POST as (version, changes, bases). Each field `<key>` may come with
    `base:<key>`, the text this window last had from the server (see determination_autosave)."""
    version = posted_version(data)
    changes = {key: data.get(key, "") for key in data if _DRAFT_KEY.match(key)}
    bases = {
        key[len(BASE_PREFIX) :]: data.get(key, "")
        for key in data
        if key.startswith(BASE_PREFIX) and key[len(BASE_PREFIX) :] in changes
    }
    return version, changes, bases


class AcceptForm(forms.Form):
    attest = forms.BooleanField(
        label=CONFLICT_ATTESTATION,
        error_messages={
            "required": "Attest that you have no conflict of interest, or decline the case."
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The refusal's summary names the field shortly: its label is the whole attestation,
        # which made the summary taller than the screen (from QA).
        self.fields["attest"].summary_label = "No-conflict attestation"
        # A statement to attest, drawn as text beside its box (imrsite.form_fields).
        self.fields["attest"].statement = True


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why you decline",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=REASON_MAX_CHARS,
        error_messages={"required": "Say why you decline the case."},
    )
    conflict = forms.BooleanField(
        label="This is a conflict of interest",
        required=False,
        help_text="Kept with the case: administrators see it as the reason you were not matched.",
    )


class SubmitForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Signing needs your password again, even though you are signed in.",
        error_messages={"required": "Enter your password to sign."},
    )

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean_password(self):
        # Checked as the sign-in checks it: a wrong one counts toward the lock-out and is in
        # the audit log (accounts.reauth.password_confirm). Here, not in the service: its
        # transaction would undo the lock-out's count of a wrong one. The service checks it
        # again for callers without a form.
        password = self.cleaned_data["password"]
        if self.request is not None and not password_confirm(
            self.request, self.request.user, password
        ):
            raise forms.ValidationError(
                "That is not your password. Enter the password you sign in with to sign the "
                "determination.",
                code="password",
            )
        return password
