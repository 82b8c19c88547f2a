"""The inactivity timeout (the reviewer's draft survives it), re-authentication before
approval, and hashed API tokens with expiry and revocation."""

import datetime as dt
import html
import re
import time

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import ApiToken, Role
from accounts.reauth import REAUTH_AT
from accounts.session_timeout import LAST_ACTIVITY, SIGNED_IN_AT
from accounts.tokens import api_token_create, key_hash
from audit.models import AuditAction, AuditEvent
from reviews.determination.models import Determination, DeterminationStatus
from reviews.determination.services import determination_submit
from tests.factories import (
    PASSWORD,
    UserFactory,
    case_in_review,
    determination_fill,
    second_factor_given,
    totp_code_now,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def session_age(client, key, seconds):
    session = client.session
    session[key] = time.time() - seconds
    session.save()


# --- Inactivity timeout -----------------------------------------------------------------------


def test_a_draft_typed_before_the_timeout_is_there_after_signing_in_again():
    case, reviewer, determination = case_in_review()
    client = Client()
    client.force_login(reviewer)
    save = reverse("determination:draft_save", args=[case.case_number])
    base = determination.clinical_summary
    typed = client.post(
        save,
        {"step": "2", "version": "1", "summary": base + " Typed.", "base:summary": base},
        **HTMX,
    )
    assert typed.status_code == 200

    session_age(client, LAST_ACTIVITY, 16 * 60)
    assert client.post(save, {"summary": "x"}, **HTMX).status_code == 401
    page = client.get(reverse("determination:workspace_step", args=[case.case_number, 2]))
    assert page.status_code == 302 and page.url.startswith(reverse("login"))
    assert "_auth_user_id" not in client.session

    client.force_login(reviewer)
    step = client.get(reverse("determination:workspace_step", args=[case.case_number, 2]))
    assert (base + " Typed.") in step.content.decode()


def test_activity_keeps_the_session_and_the_absolute_age_ends_it(client, case_admin):
    client.force_login(case_admin)
    session_age(client, LAST_ACTIVITY, 14 * 60)
    assert client.get(reverse("casefile:case_list")).status_code == 200
    assert client.get(reverse("casefile:case_list")).status_code == 200
    session_age(client, SIGNED_IN_AT, 13 * 3600)
    assert client.get(reverse("casefile:case_list")).status_code == 302


@pytest.mark.parametrize(("key", "why"), [(LAST_ACTIVITY, "idle"), (SIGNED_IN_AT, "max_age")])
def test_a_timed_out_session_is_one_sign_out_in_the_audit_log(client, case_admin, key, why):
    """From QA: the audit log listed the inactivity sign-out twice in the same second, once as
    Django's sign-out and once as the timeout. It is one event, the timeout, with its reason."""
    client.force_login(case_admin)
    session_age(client, key, 13 * 3600)

    assert client.get(reverse("casefile:case_list")).status_code == 302

    (event,) = AuditEvent.objects.filter(action=AuditAction.SIGN_OUT)
    assert event.details == {"event": "session_timed_out", "reason": why}
    assert event.actor == case_admin


def minutes_pass(client, minutes):
    session = client.session
    for key in (LAST_ACTIVITY, SIGNED_IN_AT):
        session[key] -= minutes * 60
    session.save()


def test_a_page_polling_on_its_own_does_not_keep_an_unattended_session(client, case_admin, case):
    """A case page left open while its letter or records wait for a worker asks the server
    every few seconds (static/js/session.js marks those requests): no one is at the keyboard,
    so 15 minutes after the last thing the user did, the session ends all the same."""
    client.force_login(case_admin)
    letters = reverse("letters:case_letters", args=[case.case_number])
    polled = {**HTMX, "HTTP_IMR_POLL": "1"}
    session_age(client, LAST_ACTIVITY, 14 * 60)
    assert client.get(letters, **polled).status_code == 200

    minutes_pass(client, 2)
    assert client.get(letters, **polled).status_code == 401
    assert "_auth_user_id" not in client.session


def test_what_the_user_does_on_a_polling_page_still_counts(client, case_admin, case):
    client.force_login(case_admin)
    letters = reverse("letters:case_letters", args=[case.case_number])
    session_age(client, LAST_ACTIVITY, 14 * 60)
    assert client.get(letters, **HTMX).status_code == 200  # the user opened the panel

    minutes_pass(client, 2)
    assert client.get(letters, **HTMX, HTTP_IMR_POLL="1").status_code == 200


def test_the_session_address_says_how_long_the_session_holds_without_holding_it(client, case_admin):
    """The page's warning before the sign-out asks it with the poll header (no activity) and
    counts from what it says: another tab may have kept the session going meanwhile."""
    client.force_login(case_admin)
    session_age(client, LAST_ACTIVITY, 10 * 60)
    answer = client.get(reverse("account:session_alive"), HTTP_IMR_POLL="1")
    assert answer.status_code == 204
    # 15 minutes less the 30 s the record may lag, 10 of them gone
    assert 265 <= int(answer["IMR-Session-Left"]) <= 270
    again = client.get(reverse("account:session_alive"), HTTP_IMR_POLL="1")
    assert int(again["IMR-Session-Left"]) <= int(answer["IMR-Session-Left"])  # not held
    client.logout()
    assert client.get(reverse("account:session_alive")).status_code == 401


# --- Re-authentication before approval --------------------------------------------------------


def submitted():
    case, reviewer, determination = case_in_review()
    determination_fill(determination)
    determination_submit(determination=determination, actor=reviewer, password=PASSWORD)
    return case, determination


def test_approval_asks_again_for_the_password_and_code_after_five_minutes(quality_reviewer):
    case, determination = submitted()
    client = Client()
    client.force_login(quality_reviewer)
    session_age(client, REAUTH_AT, 6 * 60)
    url = reverse("quality:quality_approve", args=[case.case_number])
    page = client.get(reverse("quality:quality_review", args=[case.case_number])).content.decode()
    assert 'name="password"' in page and 'name="otp_token"' in page

    # A page drawn while the password was fresh sends none: said as what happened (from QA:
    # "This field is required" for a box never shown).
    stale = client.post(url, {"comment": "Fine."}).content.decode()
    assert "have passed since you last gave your password: enter it below" in stale
    assert "This field is required" not in stale and "Type it again" not in stale
    refused = client.post(url, {"comment": "Fine.", "password": "wrong", "otp_token": "1"})
    assert refused.status_code == 400 and "not your password" in refused.content.decode()
    # Summed up and focused (from QA: the focus fell to the whole form).
    assert (
        '<div class="form-error" role="alert" tabindex="-1" autofocus>'
        in (refused.content.decode().split('id="approve-form"', 1)[1])
    )
    no_code = client.post(url, {"comment": "Fine.", "password": PASSWORD})
    assert no_code.status_code == 400
    # The comment typed comes back with the form; the password does not, and the page says so
    # beside its box (from QA: a wrong code emptied it without a word).
    assert "Fine.</textarea>" in no_code.content.decode()
    assert "Type it again: a password is never shown back on a page." in no_code.content.decode()
    assert "Type it again" not in page
    assert Determination.objects.get(pk=determination.pk).status == DeterminationStatus.SUBMITTED

    approved = client.post(
        url,
        {"comment": "Fine.", "password": PASSWORD, "otp_token": totp_code_now(quality_reviewer)},
    )
    assert approved.status_code == 302
    assert Determination.objects.get(pk=determination.pk).status != DeterminationStatus.SUBMITTED


def test_within_five_minutes_of_signing_in_approval_asks_nothing_more(quality_reviewer):
    case, determination = submitted()
    client = Client()
    client.force_login(quality_reviewer)
    page = client.get(reverse("quality:quality_review", args=[case.case_number])).content.decode()
    assert 'name="password"' not in page
    # From QA: the medical director could not tell the check was skipped; the page says why.
    assert "Your password is not asked again: you gave it less than 5 minutes ago" in page
    url = reverse("quality:quality_approve", args=[case.case_number])
    assert client.post(url, {"comment": ""}).status_code == 302


# --- API tokens -------------------------------------------------------------------------------


def test_a_token_is_stored_hashed_and_works_until_revoked_or_expired(api_client_user):
    token, key = api_token_create(user=api_client_user, name="Claims system")
    assert not ApiToken.objects.filter(key_sha256=key).exists()
    assert token.key_sha256 == key_hash(key)
    client = Client(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/cases/").status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None
    assert token.expires_at.date() == (timezone.now() + dt.timedelta(days=90)).date()

    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    expired = client.get("/api/v1/cases/")
    assert (
        expired.status_code == 401
        and "expired or revoked" in expired.json()["errors"][0]["message"]
    )

    _, other = api_token_create(user=api_client_user, name="Second")
    admin = UserFactory(role=Role.SYSTEM_ADMIN)
    page = Client()
    page.force_login(admin)
    listing = page.get(reverse("api_tokens:api_tokens")).content.decode()
    assert "Second" in listing and other not in listing
    # Dates as the rest of the app writes them (from a QA pass: "2026-12-05").
    made = timezone.localtime(ApiToken.objects.get(name="Second").created_at)
    assert f"{made:%m/%d/%Y}" in listing and f"{made:%Y-%m-%d}" not in listing
    second = ApiToken.objects.get(name="Second")
    # From QA: "Revoke" cut a live system off at one keypress, and every button had the same
    # name. It opens a warning first, and the button names the token.
    revoke = listing.split(f'action="{reverse("api_tokens:api_token_revoke", args=[second.pk])}"')
    assert '<summary>Revoke…<span class="visually-hidden"> “Second” of' in revoke[0][-400:]
    assert "stops working at once, and this cannot be undone" in revoke[1].split("</form>")[0]
    assert ">Revoke “Second”</button>" in revoke[1].split("</form>")[0]
    page.post(reverse("api_tokens:api_token_revoke", args=[second.pk]))
    assert Client(HTTP_AUTHORIZATION=f"Token {other}").get("/api/v1/cases/").status_code == 401
    # The audit log names the token (from QA: "Settings", no word of which).
    revoked = AuditEvent.objects.get(details__event="api_token_revoked")
    assert revoked.summary() == (
        f"API token #{second.pk} “Second” of {api_client_user.username} revoked"
    )


def _form_token(page: str) -> str:
    """The one-use token of the "Make a token" form on the page."""
    return page.split('name="form_token" value="', 1)[1].split('"', 1)[0]


def test_an_administrator_makes_a_token_and_sees_its_key_once(api_client_user):
    admin = UserFactory(role=Role.SYSTEM_ADMIN)
    client = Client()
    client.force_login(admin)
    url = reverse("api_tokens:api_tokens")
    sent = {"user": api_client_user.pk, "name": "Claims system", "days": "30"}
    mark = _form_token(client.get(url).content.decode())
    made = client.post(url, {**sent, "form_token": mark}).content.decode()
    token = ApiToken.objects.get(name="Claims system")
    assert token.prefix in made and "not shown again" in made
    assert token.expires_at.date() == (timezone.now() + dt.timedelta(days=30)).date()
    listing = client.get(url).content.decode()
    assert "not shown again" not in listing
    # From QA: a reload of the page the key was shown on sent the form again and made a
    # second live token. The same form sent again makes nothing and says why.
    again = client.post(url, {**sent, "form_token": mark})
    assert again.status_code == 400
    assert "This form was sent before, and made its token then" in again.content.decode()
    assert "not shown again" not in again.content.decode()
    assert ApiToken.objects.filter(name="Claims system").count() == 1
    # The form the page shows next makes another, under a name of its own: one named as a
    # token in use is refused (from QA: two rows alike, and the wrong one revoked).
    same = client.post(url, {**sent, "name": "claims SYSTEM", "form_token": _form_token(listing)})
    assert same.status_code == 400
    assert "has a token named “claims SYSTEM” in use already" in same.content.decode()
    assert ApiToken.objects.count() == 1
    second = {**sent, "name": "Claims system 2", "form_token": _form_token(same.content.decode())}
    made = client.post(url, second).content.decode()
    assert ApiToken.objects.filter(name__startswith="Claims system").count() == 2
    staff = UserFactory(role=Role.CASE_ADMIN)
    refused = client.post(
        url, {"user": staff.pk, "name": "x", "days": "30", "form_token": _form_token(made)}
    )
    assert refused.status_code == 400
    assert "This form was sent before" not in refused.content.decode()
    other = Client()
    other.force_login(staff)
    assert other.get(reverse("api_tokens:api_tokens")).status_code == 403


def test_the_new_key_and_a_token_revoked_take_the_focus(api_client_user):
    """From QA: after a token was made (its key shown) or revoked, the keyboard focus stayed on
    the page itself, and nothing told a screen reader what had happened."""
    admin = UserFactory(role=Role.SYSTEM_ADMIN)
    client = Client()
    client.force_login(admin)
    url = reverse("api_tokens:api_tokens")
    sent = {"user": api_client_user.pk, "name": "Claims system", "days": "30"}
    made = client.post(url, {**sent, "form_token": _form_token(client.get(url).content.decode())})
    panel = re.search(r'<div class="message message--success"[^>]*>\s*<p>The new token', made.text)
    assert 'tabindex="-1" autofocus' in panel.group(0)

    token = ApiToken.objects.get(name="Claims system")
    revoked = client.post(reverse("api_tokens:api_token_revoke", args=[token.pk]), follow=True)
    said = f"Token “Claims system” of {api_client_user.username} is revoked."
    assert re.search(rf'tabindex="-1" autofocus>\s*<p>{re.escape(said)}', revoked.text)


@pytest.mark.parametrize(
    "days, says",
    [
        ("", "Give the days it lasts as a whole number from 1 to 3,650."),
        ("abc", "Give the days it lasts as a whole number from 1 to 3,650."),
        ("0", "A token lasts at least 1 day."),
        ("99999", "A token lasts at most 3,650 days (ten years)."),
    ],
)
def test_a_token_refused_says_why_in_words_of_its_own_and_makes_nothing(
    api_client_user, days, says
):
    """From QA: "abc" was refused as "This field is required.", 0 and 99999 in Django's
    "Ensure this value is…", and the refusal was not summed up and focused as the other
    settings forms' are."""
    client = Client()
    client.force_login(UserFactory(role=Role.SYSTEM_ADMIN))
    url = reverse("api_tokens:api_tokens")
    mark = _form_token(client.get(url).content.decode())
    sent = {"user": api_client_user.pk, "name": "Claims", "days": days, "form_token": mark}
    refused = client.post(url, sent)
    assert refused.status_code == 400
    page = html.unescape(refused.content.decode())
    assert says in page
    assert '<div class="form-error" role="alert" tabindex="-1" autofocus>' in page
    assert "This field is required" not in page and "Ensure this value" not in page
    assert not ApiToken.objects.exists()


def test_the_command_prints_a_key_that_works(api_client_user, capsys):
    call_command("api_token_create", api_client_user.username, "--name", "Cron")
    key = capsys.readouterr().out.strip()
    assert Client(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/cases/").status_code == 200


# --- A form that is not htmx's, sent after the session ended ----------------------------------


def test_the_session_check_answers_whether_the_session_holds():
    # static/js/session.js asks it before a plain form is sent (from QA: an ended session sent
    # the letter settings to the sign-in form and lost what was typed).
    user = UserFactory(role=Role.SYSTEM_ADMIN)
    client = Client()
    check = reverse("account:session_alive")
    assert client.get(check).status_code == 401
    client.force_login(user)
    session = client.session
    del session[DEVICE_ID_SESSION_KEY]
    session.save()
    # The password given and the second factor not: the page would go to the second factor
    # (session.js reads the redirect as an ended session too)
    answer = client.get(check)
    assert answer.status_code == 302 and answer.url.startswith("/account/second-factor/verify/")
    second_factor_given(client, user)
    assert client.get(check).status_code == 204
    session_age(client, LAST_ACTIVITY, 16 * 60)
    assert client.get(check).status_code == 401


def test_a_form_posted_after_the_session_ended_signs_in_back_to_its_page():
    # From QA: the sign-in's `next` was the form's POST-only address, so the user landed on
    # "This address is for a form's button" after signing in again.
    case, reviewer, _determination = case_in_review()
    client = Client()
    page = f"http://testserver{reverse('letters:organization_settings')}?tab=1"
    answer = client.post(
        reverse("assignment:case_unassign", args=[case.case_number]),
        {"reason": "Away"},
        HTTP_REFERER=page,
    )
    assert answer.status_code == 302
    assert answer.url == reverse("login") + "?next=/settings/organization/%3Ftab%3D1"
    # A page elsewhere is not where the user is sent back.
    answer = client.post(
        reverse("assignment:case_unassign", args=[case.case_number]),
        {"reason": "Away"},
        HTTP_REFERER="https://elsewhere.example/settings/",
    )
    assert answer.url == reverse("login") + "?next=" + reverse("casefile:home")
