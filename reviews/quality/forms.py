"""Forms of quality review: approve, or return with comments."""

from __future__ import annotations

from django import forms

from accounts.reauth import ReauthForm


class ApproveForm(ReauthForm):
    """Approval issues the organization's signed letter: re-authenticated (accounts.reauth)."""

    says_window_passed = True

    comment = forms.CharField(
        label="Comment for the file",
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, contradicted_items=(), **kwargs):
        # Its own ids: the return form on the same page has a `comment` too, and two
        # id="id_comment" would tie the return form's label to this box.
        kwargs.setdefault("auto_id", "approve_%s")
        super().__init__(*args, **kwargs)
        if contradicted_items:
            # The reviewer confirmed a decision its rationale seems to contradict: a second
            # physician reads it (quality.services.determination_approve). The items by the
            # numbers the page gives them.
            numbers = [str(number) for number in contradicted_items]
            one = len(numbers) == 1
            read = (
                f"the rationale of item {numbers[0]}"
                if one
                else f"the rationales of items {', '.join(numbers[:-1])} and {numbers[-1]}"
            )
            self.fields["contradictions_read"] = forms.BooleanField(
                label=(
                    f"I have read {read}: {'its' if one else 'each'} decision is right as it "
                    "stands, as the reviewer confirmed."
                ),
                error_messages={
                    "required": f"Tick that you read {read}, or return the determination to "
                    "the reviewer."
                },
            )


class ReturnForm(forms.Form):
    """A general comment and one optional comment per item decision (`item-<decision id>`)."""

    comment = forms.CharField(
        label="What should the reviewer change?",
        required=False,
        help_text="A return needs a comment here, on an item above, or both.",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, decisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Needed unless an item has a comment (clean): never "(optional)" beside it.
        self.fields["comment"].looks_required = True
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
        if self.errors:
            # A comment refused on its own (too long) was written: "write a comment" would send
            # the medical director looking for nothing. Beside the button, say which item's
            # comment to shorten (its own error stands at the item, far up the page).
            items = [
                f"item {number}"
                for number, decision in enumerate(self.decisions, start=1)
                if f"item-{decision.pk}" in self.errors
            ]
            if items:
                raise forms.ValidationError(
                    f"Nothing was returned: shorten your comment on {', '.join(items)} (see "
                    "the item above)."
                )
            return cleaned
        if not (cleaned.get("comment") or "").strip() and not any(
            (cleaned.get(f"item-{decision.pk}") or "").strip() for decision in self.decisions
        ):
            raise forms.ValidationError(
                "Say what the reviewer should change: write a comment, in general or on an item."
            )
        return cleaned


class FlagForm(forms.Form):
    """What the medical director made of one consistency flag (issue 13)."""

    resolution = forms.ChoiceField(
        label="Your finding",
        choices=[
            ("consistent", "Consistent: the decision stands against its precedents"),
            ("returned", "Returned: the reviewer should look again"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose “consistent” or “returned” for the flag.",
            "invalid_choice": "Choose “consistent” or “returned” for the flag.",
        },
    )
    note = forms.CharField(
        label="Note for the file",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, flag_id: int, **kwargs):
        # Several flags on one page: each form's own ids.
        kwargs.setdefault("auto_id", f"flag{flag_id}_%s")
        super().__init__(*args, **kwargs)
