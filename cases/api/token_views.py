"""The API clients' tokens: a system administrator makes one (its key shown once), sees each
token's client, expiry and last use, and revokes it (README "Authentication")."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods, require_POST

from accounts.form_tokens import form_token_issue, form_token_use
from accounts.models import ApiToken, Role, User
from accounts.tokens import api_token_create, api_token_revoke
from cases.access import Ability, access_required

# The longest a token may last: ten years.
TOKEN_DAYS_MAX = 3650


class TokenForm(forms.Form):
    # Each refusal in words of its own, naming what to give (from QA: Django's "This field is
    # required." for a number typed as letters, "Ensure this value is…" for one out of range).
    user = forms.ModelChoiceField(
        label="API client",
        queryset=User.objects.filter(role=Role.API_CLIENT, is_active=True).order_by("username"),
        error_messages={
            "required": "Choose the API client the token is for.",
            "invalid_choice": "Choose an active API client from the list.",
        },
    )
    name = forms.CharField(
        label="What uses it",
        max_length=100,
        error_messages={
            "required": "Say what uses it (the system's name): the list tells tokens apart by it.",
            "max_length": "Keep it to %(limit_value)d characters (it has %(show_value)d).",
        },
    )
    days = forms.IntegerField(
        label="Days it lasts",
        min_value=1,
        max_value=TOKEN_DAYS_MAX,
        initial=settings.IMR_API_TOKEN_DAYS,
        error_messages={
            # A browser sends a number box holding letters as empty.
            "required": f"Give the days it lasts as a whole number from 1 to {TOKEN_DAYS_MAX:,}.",
            "invalid": f"Give the days it lasts as a whole number from 1 to {TOKEN_DAYS_MAX:,}.",
            "min_value": "A token lasts at least 1 day.",
            "max_value": f"A token lasts at most {TOKEN_DAYS_MAX:,} days (ten years).",
        },
    )


# From QA: a reload of the page that showed a new key sent the form again and made a second
# live token nobody had seen (accounts.form_tokens).
TOKEN_FORMS = "api_token"


SENT_AGAIN = (
    "This form was sent before, and made its token then: nothing was made now. A key is "
    "shown once; if that one was not copied, revoke its token below and make another."
)


@access_required(Ability.MANAGE_API_TOKENS)
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    form = TokenForm(request.POST or None)
    new_key = None
    if form.is_bound and not form_token_use(request, TOKEN_FORMS):
        form.add_error(None, SENT_AGAIN)
    elif form.is_valid():
        try:
            token, new_key = api_token_create(
                user=form.cleaned_data["user"],
                name=form.cleaned_data["name"],
                days=form.cleaned_data["days"],
                actor=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            form = TokenForm()
    tokens = ApiToken.objects.select_related("user", "created_by", "revoked_by")
    return TemplateResponse(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "tokens": tokens,
            "new_key": new_key,
            "form_token": form_token_issue(request, TOKEN_FORMS),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@access_required(Ability.MANAGE_API_TOKENS)
@require_POST
def api_token_revoke_view(request, token_id: int):
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=token_id)
    api_token_revoke(token=token, actor=request.user, request=request)
    messages.success(
        request,
        f"Token “{token.name}” of {token.user.username} is revoked.",
        extra_tags="focus",  # told where the focus goes (from QA: it stayed on the page)
    )
    return redirect("api_tokens:api_tokens")
