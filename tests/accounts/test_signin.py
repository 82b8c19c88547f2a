"""Signing in: Argon2, the lock-out after repeated failures, the second factor, API clients."""

import re
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from accounts.reauth import REAUTH_AT, reauth_fresh
from accounts.signin import API_CLIENT_REFUSED
from audit.models import AuditEvent
from tests.factories import (
    PASSWORD,
    UserFactory,
    api_token_for,
    second_factor_given,
    totp_code_fresh,
    totp_code_now,
    totp_device_for,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def sign_in(client, user, password=PASSWORD, ip="10.0.0.1", next_url=""):
    data = {"username": user.username, "password": password}
    if next_url:
        data["next"] = next_url
    return client.post(reverse("login"), data, REMOTE_ADDR=ip)


# --- Argon2 -----------------------------------------------------------------------------------


def test_an_old_pbkdf2_hash_becomes_argon2_at_sign_in(settings):
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = UserFactory(role=Role.CASE_ADMIN)
    User.objects.filter(pk=user.pk).update(password=make_password(PASSWORD, hasher="pbkdf2_sha256"))
    sign_in(Client(), user)
    assert User.objects.get(pk=user.pk).password.startswith("argon2$argon2id$")


# --- Lock-out ---------------------------------------------------------------------------------


def test_five_failures_lock_the_account_at_that_address_even_for_the_right_password():
    user = UserFactory(role=Role.CASE_ADMIN)
    client = Client()
    for _ in range(4):
        assert "do not match" in sign_in(client, user, "wrong").content.decode()
    fifth = sign_in(client, user, "wrong")
    assert fifth.status_code == 429
    right = sign_in(client, user)
    page = right.content.decode()
    assert right.status_code == 429
    assert re.search(
        # The time as the rest of the app writes it (from QA: "22:00" beside "9:47 PM").
        r"Too many failed sign-ins for this account\. Try again after \d{1,2}:\d\d [AP]M or ask an "
        r"administrator",
        page,
    )
    assert "_auth_user_id" not in client.session
    # The same username from another address is not locked (username and address together).
    assert sign_in(Client(), user, ip="10.0.0.2").status_code == 302


def test_behind_our_proxy_a_lock_out_is_of_the_client_address_the_proxy_saw(settings):
    """From a security review: axes read REMOTE_ADDR (its proxy count needs django-ipware, not
    installed), so behind a proxy five wrong passwords from anywhere locked the user out for
    everyone; and the client's own leftmost X-Forwarded-For must not count either."""
    settings.AUDIT_TRUSTED_PROXIES = 1
    user = UserFactory(role=Role.CASE_ADMIN)
    proxy = "10.0.0.2"

    def through_proxy(client_ip, password, forged=""):
        forwarded = f"{forged}, {client_ip}" if forged else client_ip
        return Client().post(
            reverse("login"),
            {"username": user.username, "password": password},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    for attempt in range(5):
        # The attacker writes a new address of their own each time: the proxy's hop counts.
        through_proxy("203.0.113.5", "wrong", forged=f"198.51.100.{attempt}")
    assert through_proxy("203.0.113.5", PASSWORD).status_code == 429
    assert through_proxy("198.51.100.7", PASSWORD).status_code == 302


def test_an_administrator_unlocks_the_account_and_it_signs_in(settings):
    settings.AXES_FAILURE_LIMIT = 2
    user = UserFactory(role=Role.CASE_ADMIN)
    for _ in range(2):
        sign_in(Client(), user, "wrong")
    assert sign_in(Client(), user).status_code == 429
    admin = UserFactory(role=Role.SYSTEM_ADMIN, is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(admin)
    attempt = AccessAttempt.objects.get(username=user.username)
    listing = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert user.username in listing
    client.post(reverse("admin:axes_accessattempt_delete", args=[attempt.pk]), {"post": "yes"})
    assert sign_in(Client(), user).status_code == 302


# --- API clients ------------------------------------------------------------------------------


def test_an_api_client_cannot_sign_in_to_the_web_pages(api_client_user):
    response = sign_in(Client(), api_client_user)
    assert response.status_code == 200
    assert API_CLIENT_REFUSED in response.content.decode()


def test_an_api_client_session_is_refused_by_the_api(api_client_user):
    client = Client()
    client.force_login(api_client_user)
    assert client.get("/api/v1/cases/").status_code == 401
    token_client = Client(HTTP_AUTHORIZATION=f"Token {api_token_for(api_client_user)}")
    assert token_client.get("/api/v1/cases/").status_code == 200


# --- The second factor ------------------------------------------------------------------------


def test_the_first_sign_in_sets_up_an_app_with_a_qr_code_and_ten_recovery_codes():
    user = UserFactory(role=Role.REVIEWER)
    client = Client()
    response = sign_in(client, user, next_url="/reviews/")
    assert response.url.startswith(reverse("account:second_factor_setup"))
    # Until the app is confirmed, the pages are closed (htmx as an ended session).
    assert client.get(reverse("casefile:case_list")).url.startswith(
        reverse("account:second_factor_setup")
    )
    assert client.get(reverse("casefile:case_list"), **HTMX).status_code == 401
    setup = client.get(response.url).content.decode()
    assert "<svg" in setup and "otpauth" not in setup.split("<svg")[0]
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    # On the phone that holds the app, a link opens it with the key (from QA).
    link = setup.split(">Add it to the authenticator app<", 1)[0].rsplit('href="', 1)[1]
    assert link.split('"', 1)[0].replace("&amp;", "&") == device.config_url
    secret = re.search(r'class="totp-secret">([A-Z2-7 ]+)<', setup).group(1)
    assert len(secret.replace(" ", "")) == 32

    wrong = client.post(response.url, {"code": "000000", "next": "/reviews/"})
    assert wrong.status_code == 400 and "not right" in wrong.content.decode()
    # A wrong code makes the device wait before the next try (django-otp's throttle, doubling
    # with each failure); a person takes longer than that to type the next code.
    device.refresh_from_db()
    device.throttle_reset()
    code = f"{totp(device.bin_key):06d}"
    done = client.post(response.url, {"code": code, "next": "/reviews/"})
    codes = re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())
    assert len(codes) == 10 and "not shown again" in done.content.decode()
    assert client.get(reverse("casefile:case_list")).status_code == 200


def test_the_next_sign_in_asks_for_the_code_and_takes_a_recovery_code_once():
    user = UserFactory(role=Role.QUALITY_REVIEWER)
    totp_device_for(user)
    client = Client()
    response = sign_in(client, user)
    verify = reverse("account:second_factor_verify")
    assert response.url.startswith(verify)
    assert client.post(verify, {"code": "123456"}).status_code == 400
    totp_device_for(user).throttle_reset()
    assert client.get(reverse("quality:quality_queue")).status_code == 302
    ok = client.post(verify, {"code": totp_code_now(user), "next": "/quality/"})
    assert ok.url == "/quality/"
    assert client.get(reverse("quality:quality_queue")).status_code == 200

    codes = recovery_codes_made(client)
    assert len(codes) == 10
    for attempt, expected in ((1, 302), (2, 400)):
        other = Client()
        sign_in(other, user)
        answer = other.post(verify, {"code": codes[0]})
        assert answer.status_code == expected, attempt


def test_a_recovery_code_typed_on_a_phone_with_a_capital_is_taken():
    """From QA: a phone's keyboard capitalised the first letter of a recovery code, which was
    refused; and the field asked for a numeric keypad, though the codes have letters."""
    user = UserFactory(role=Role.QUALITY_REVIEWER)
    totp_device_for(user)
    client = Client()
    sign_in(client, user)
    verify = reverse("account:second_factor_verify")
    client.post(verify, {"code": totp_code_now(user)})
    code = recovery_codes_made(client)[0]
    other = Client()
    page = sign_in(other, user)
    field = other.get(page.url).content.decode().split('name="code"', 1)[1].split(">", 1)[0]
    assert 'inputmode="text"' in field and 'autocapitalize="none"' in field
    typed = f"{code[:4].capitalize()} {code[4:].upper()}"
    assert other.post(verify, {"code": typed}).status_code == 302


def test_between_the_password_and_the_code_the_header_offers_only_sign_out():
    """From a QA pass: the code's page showed the whole menu (Dashboard, Cases, the account's
    notifications), each link leading back to the code's page."""
    user = UserFactory(role=Role.CASE_ADMIN)
    totp_device_for(user)
    client = Client()
    verify = sign_in(client, user).url

    header = client.get(verify).content.decode().split("</header>", 1)[0]

    assert "Sign out</button>" in header
    for link in ("Dashboard", "Cases", "Notifications", "Password", 'aria-label="Main"'):
        assert link not in header
    client.post(reverse("account:second_factor_verify"), {"code": totp_code_now(user)})
    header = client.get(reverse("casefile:case_list")).content.decode().split("</header>", 1)[0]
    assert "Cases" in header and "Notifications" in header


def test_after_wrong_codes_in_a_row_the_page_says_to_wait_not_that_the_code_is_wrong():
    """From a QA pass: after five wrong codes the right one was refused as "not right" (the
    app's throttling takes none for a while); the page now says until when."""
    user = UserFactory(role=Role.CASE_ADMIN)
    totp_device_for(user)
    client = Client()
    verify = sign_in(client, user).url
    wrong = client.post(verify, {"code": "000000"})
    assert "That code is not right" in wrong.content.decode()  # checked, and wrong
    # Five wrong in a row: the app takes no code for 16 seconds (django-otp's throttle).
    device = TOTPDevice.objects.get(user=user)
    device.throttling_failure_count = 5
    device.throttling_failure_timestamp = timezone.now()
    device.save()

    answer = client.post(verify, {"code": totp_code_now(user)})

    assert answer.status_code == 400
    page = answer.content.decode()
    assert "Too many wrong codes in a row: no code is taken until " in page
    assert "That code is not right" not in page
    device.refresh_from_db()
    device.throttle_reset()
    assert client.post(verify, {"code": totp_code_now(user)}).status_code == 302


def recovery_form_token(client) -> str:
    page = client.get(reverse("account:second_factor")).content.decode()
    return re.search(r'name="form_token" value="([^"]+)"', page).group(1)


def recovery_codes_made(client) -> list[str]:
    """Press "Make new recovery codes" on the second factor's page: the codes shown."""
    token = recovery_form_token(client)
    answer = client.post(reverse("account:second_factor"), {"form_token": token})
    return re.findall(r"<li><code>(\w+)</code></li>", answer.content.decode())


def test_a_reload_of_the_new_recovery_codes_makes_no_other_set():
    # Given a signed-in user who just made new recovery codes
    user = UserFactory(role=Role.CASE_ADMIN)
    totp_device_for(user)
    client = Client()
    sign_in(client, user)
    client.post(reverse("account:second_factor_verify"), {"code": totp_code_now(user), "next": "/"})
    token = recovery_form_token(client)
    first = client.post(reverse("account:second_factor"), {"form_token": token})
    codes = re.findall(r"<li><code>(\w+)</code></li>", first.content.decode())
    assert len(codes) == 10

    # When the page is reloaded (the browser sends the same form again)
    again = client.post(reverse("account:second_factor"), {"form_token": token}, follow=True)

    # Then no codes are shown, the user is told why, and the codes written down still work
    text = again.content.decode()
    assert "<code>" not in text
    assert "No new codes were made: this form was sent already" in text
    assert sorted(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    ) == sorted(codes)


def test_with_the_setting_off_the_password_is_enough(settings):
    settings.IMR_REQUIRE_SECOND_FACTOR = False
    user = UserFactory(role=Role.CASE_ADMIN)
    client = Client()
    assert sign_in(client, user).url == reverse("casefile:home")
    assert client.get(reverse("casefile:case_list")).status_code == 200


# --- Password change --------------------------------------------------------------------------


def test_every_user_changes_their_password_from_the_header(client, reviewer):
    client.force_login(reviewer)
    page = client.get(reverse("casefile:home"), follow=True).content.decode()
    assert f'href="{reverse("account:password_change")}"' in page
    response = client.post(
        reverse("account:password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "a much longer passphrase 2026",
            "new_password2": "a much longer passphrase 2026",
        },
    )
    assert response.url == reverse("account:password_change_done")
    reviewer.refresh_from_db()
    assert reviewer.check_password("a much longer passphrase 2026")


NEW_PASSWORD = {
    "new_password1": "a much longer passphrase 2026",
    "new_password2": "a much longer passphrase 2026",
}


def test_the_current_password_cannot_be_guessed_on_a_session_left_open(settings):
    """From a security review: the Password page and the re-authentication forms checked the
    password with no limit and recorded no failure, so whoever sat at a session left open could
    guess the password (and change it) without being stopped or seen. They now count with the
    sign-in's failures of that username at that address."""
    user = UserFactory(role=Role.CASE_ADMIN)
    client = Client(REMOTE_ADDR="10.0.0.7")
    client.force_login(user)
    change = reverse("account:password_change")
    for guess in range(settings.AXES_FAILURE_LIMIT):
        client.post(change, {"old_password": f"guess {guess}", **NEW_PASSWORD})

    answer = client.post(change, {"old_password": PASSWORD, **NEW_PASSWORD})

    assert answer.status_code == 429
    assert "Too many failed sign-ins for this account" in answer.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    failures = AuditEvent.objects.filter(action="sign_in_failed", username=user.username)
    assert failures.count() >= settings.AXES_FAILURE_LIMIT
    # The same lock as the sign-in form's: that address waits for the cool-off there too.
    assert sign_in(Client(), user, ip="10.0.0.7").status_code == 429


def test_a_re_authentication_form_counts_wrong_passwords_toward_the_lock_out(settings):
    user = UserFactory(role=Role.CASE_ADMIN)
    client = Client(REMOTE_ADDR="10.0.0.8")
    client.force_login(user)
    page = reverse("account:second_factor")
    session = client.session
    session[REAUTH_AT] = time.time() - 3600  # the password is asked again
    session.save()
    for guess in range(settings.AXES_FAILURE_LIMIT):
        client.post(page, {"password": f"guess {guess}", "otp_token": "000000"})

    answer = client.post(
        page,
        {
            "password": PASSWORD,
            "otp_token": totp_code_fresh(user),
            "form_token": recovery_form_token(client),
        },
    )

    assert answer.status_code == 429
    assert "<code>" not in answer.content.decode()


def test_a_new_app_is_set_up_only_after_the_password_and_the_current_code():
    """From a security review: on a session left open, the setup page swapped the app with no
    password, issued new recovery codes and counted as a re-authentication, which then let a
    quality approval (which signs and issues the letter) through with no password at all."""
    user = UserFactory(role=Role.QUALITY_REVIEWER)
    old = totp_device_for(user)
    client = Client()
    sign_in(client, user)
    client.post(reverse("account:second_factor_verify"), {"code": totp_code_now(user)})
    session = client.session
    session[REAUTH_AT] = time.time() - 3600  # signed in an hour ago
    session.save()
    setup = reverse("account:second_factor_setup")

    page = client.get(setup).content.decode()
    assert "First confirm it is you" in page and "totp-secret" not in page
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()
    refused = client.post(setup, {"code": totp_code_now(user)})
    assert refused.status_code == 400 and "This field is required" in refused.content.decode()
    assert list(TOTPDevice.objects.filter(user=user)) == [old]
    assert not reauth_fresh(refused.wsgi_request)

    old.throttle_reset()
    opened = client.post(setup, {"password": PASSWORD, "otp_token": totp_code_fresh(user)})
    assert opened.status_code == 302 and opened.url == setup
    page = client.get(setup).content.decode()
    assert "Set up a new authenticator app" in page and "totp-secret" in page
    new = TOTPDevice.objects.get(user=user, confirmed=False)
    session = client.session
    session[REAUTH_AT] = time.time() - 3600  # the gate opened, then the minutes passed
    session.save()
    done = client.post(setup, {"code": f"{totp(new.bin_key):06d}"})
    assert len(re.findall(r"<li><code>(\w+)</code></li>", done.content.decode())) == 10
    assert list(TOTPDevice.objects.filter(user=user)) == [new]
    # The new app's first code is no re-authentication (it was, and let an approval through).
    assert not reauth_fresh(done.wsgi_request)


def test_an_open_session_whose_app_an_administrator_deleted_is_signed_out_to_set_one_up():
    """From a review: the app deleted (a user who lost it), a session left open showed a new
    key with no gate and counted its first code as a re-authentication."""
    user = UserFactory(role=Role.QUALITY_REVIEWER)
    totp_device_for(user)
    client = Client()
    sign_in(client, user)
    client.post(reverse("account:second_factor_verify"), {"code": totp_code_now(user)})
    TOTPDevice.objects.filter(user=user).delete()
    response = client.get(reverse("account:second_factor_setup"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert "_auth_user_id" not in client.session
    assert not TOTPDevice.objects.filter(user=user).exists()


# --- Signing out everywhere else ---------------------------------------------------------------


def _signed_in_client(user) -> Client:
    client = Client()
    client.force_login(user)
    second_factor_given(client, user)
    return client


def test_sign_out_everywhere_else_ends_the_other_sessions_and_keeps_this_one():
    # Given a user signed in on two computers
    user = UserFactory(role=Role.CASE_ADMIN)
    here, elsewhere = _signed_in_client(user), _signed_in_client(user)
    case_list = reverse("casefile:case_list")
    assert elsewhere.get(case_list).status_code == 200

    # When they press "Sign out everywhere else" on the password page
    page = here.get(reverse("account:password_change")).content.decode()
    assert "Sign out everywhere else" in page
    done = here.post(reverse("account:sign_out_elsewhere"), follow=True)

    # Then they are told so and stay signed in here, and the other computer must sign in again
    assert "You are signed out everywhere else" in done.content.decode()
    assert here.get(case_list).status_code == 200
    answer = elsewhere.get(case_list)
    assert answer.status_code == 302 and answer.url.startswith(reverse("login"))
    assert AuditEvent.objects.filter(details__event="signed_out_elsewhere").count() == 1
    # and a page left open there, whose next htmx request is refused, offers to sign in again
    # in a new tab, so that what is typed on it is kept
    notice = here.get(case_list).content.decode().split('id="session-ended"', 1)[1]
    notice = notice.split("</div>", 1)[0]
    assert 'target="_blank"' in notice and "what you typed is still on this page" in notice
    # and the other computer's sign-in page says why, once
    told = elsewhere.get(answer.url).content.decode()
    assert "You were signed out: this session was ended from elsewhere" in told
    assert "Drafts that save as you type (a determination, a new application) are kept" in told
    assert "ended from elsewhere" not in elsewhere.get(answer.url).content.decode()


def test_a_system_administrator_signs_a_user_out_of_every_session():
    # Given a reviewer signed in, and a system administrator in Django's admin
    reviewer = UserFactory(role=Role.REVIEWER)
    browser = _signed_in_client(reviewer)
    inbox = reverse("determination:reviewer_dashboard")
    assert browser.get(inbox).status_code == 200
    sysadmin = UserFactory(role=Role.SYSTEM_ADMIN, is_staff=True, is_superuser=True)
    admin_client = _signed_in_client(sysadmin)

    # When the administrator runs "Sign the selected users out of every session" on them
    answer = admin_client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "sign_out_everywhere", "_selected_action": [reviewer.pk]},
        follow=True,
    )

    # Then the reviewer's browser must sign in again
    assert "1 user signed out of every session." in answer.content.decode()
    logged = AuditEvent.objects.get(
        details__event="signed_out_elsewhere", details__signed_out=reviewer.username
    )
    assert logged.actor == sysadmin
    # From QA: the one row read "Sign-out" under the administrator's name, and a search for
    # the reviewer found nothing. Each row now says what happened, and the reviewer has one.
    assert logged.summary() == f"every session of {reviewer.username} ended"
    theirs = AuditEvent.objects.get(details__event="signed_out_elsewhere", actor=reviewer)
    assert theirs.summary() == f"every session ended by {sysadmin.username}"
    search = admin_client.get(reverse("auditlog:search"), {"username": reviewer.username})
    assert f"every session ended by {sysadmin.username}" in search.content.decode()
    signed_out = browser.get(inbox)
    assert signed_out.status_code == 302 and signed_out.url.startswith(reverse("login"))


def test_sessions_made_before_any_sign_out_everywhere_keep_working():
    # Given a session whose check was made as Django makes it (before this feature existed)
    user = UserFactory(role=Role.CASE_ADMIN)
    django_hash = salted_hmac(
        "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
        user.password,
        algorithm="sha256",
    ).hexdigest()
    client = _signed_in_client(user)
    session = client.session
    session[HASH_SESSION_KEY] = django_hash
    session.save()

    # Then it still opens pages until the user signs out everywhere else
    assert client.get(reverse("casefile:case_list")).status_code == 200
