"""Forms of the reviewer's workspace and of quality review. They parse and check input; the
rules live in services.py."""

from __future__ import annotations

import re

from django import forms

from .services import ITEM_FIELDS

_DRAFT_KEY = re.compile(rf"^(summary|item-\d+-({'|'.join(ITEM_FIELDS)}))$")
BASE_PREFIX = "base:"


def draft_post_parse(data) -> tuple[int | None, dict[str, str], dict[str, str]]:
    """A draft form's POST as (version, changes, bases). Each field `<key>` may come with
    `base:<key>`, the text this window last had from the server (see determination_autosave)."""
    try:
        version = int(data.get("version", ""))
    except ValueError:
        version = None
    changes = {key: data.get(key, "") for key in data if _DRAFT_KEY.match(key)}
    bases = {
        key[len(BASE_PREFIX) :]: data.get(key, "")
        for key in data
        if key.startswith(BASE_PREFIX) and key[len(BASE_PREFIX) :] in changes
    }
    return version, changes, bases


class AcceptForm(forms.Form):
    attest = forms.BooleanField(
        label=(
            "I attest that I have no conflict of interest with the injured worker, the "
            "employer, the requesting provider or their group, the UR organization or physician, "
            "or the claims administrator of this case."
        ),
        error_messages={
            "required": "Attest that you have no conflict of interest, or decline the case."
        },
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label="Why you decline",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say why you decline the case."},
    )
    conflict = forms.BooleanField(
        label="This is a conflict of interest",
        required=False,
        help_text="Remembered for this case: you will not be assigned it again.",
    )


class SubmitForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Signing needs your password again, even though you are signed in.",
        error_messages={"required": "Enter your password to sign."},
    )


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label="Comment for the file",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReturnForm(forms.Form):
    """A general comment and one optional comment per item decision (`item-<decision id>`)."""

    comment = forms.CharField(
        label="What should the reviewer change?",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.decisions = list(decisions)
        for number, decision in enumerate(self.decisions, start=1):
            self.fields[f"item-{decision.pk}"] = forms.CharField(
                label=f"Item {number}: {decision.item.description}",
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def item_fields(self):
        return [self[f"item-{decision.pk}"] for decision in self.decisions]

    def item_comments(self) -> dict[int, str]:
        return {
            decision.pk: self.cleaned_data.get(f"item-{decision.pk}", "")
            for decision in self.decisions
        }

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("comment") or "").strip() and not any(
            (cleaned.get(f"item-{decision.pk}") or "").strip() for decision in self.decisions
        ):
            raise forms.ValidationError(
                "Say what the reviewer should change: write a comment, in general or on an item."
            )
        return cleaned
