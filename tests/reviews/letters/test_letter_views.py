"""Letter pages: the case page's letter panel (progress, downloads, retry, correction), the
public verification page, and the organization's letter settings."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role
from cases.intake.corrections import case_facts_edit
from reviews.determination.drafting import date_written
from reviews.letters.models import Letter, LetterStatus, LetterText
from reviews.letters.render import letter_html, letter_text_current
from reviews.letters.services import (
    letter_correct,
    letter_fail,
    letter_produce,
    letter_request,
    letter_retry_noted,
)
from reviews.organization.models import Organization
from reviews.organization.services import organization_current
from tests.factories import (
    PASSWORD,
    UserFactory,
    approved_determination,
    minimal_pdf,
    totp_code_now,
)

pytestmark = pytest.mark.django_db

HX = {"HX-Request": "true"}  # the panel is fetched by htmx; as a page it is the case page


def login(client, role, **kwargs):
    user = UserFactory(role=role, **kwargs)
    client.login(username=user.username, password=PASSWORD)
    return user


def stored(field) -> bytes:
    with field.open("rb") as handle:
        return handle.read()


@pytest.fixture
def delivered(django_capture_on_commit_callbacks):
    determination = approved_determination()
    with django_capture_on_commit_callbacks(execute=True):
        letter = letter_request(determination=determination, actor=None)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DELIVERED
    return letter


# --- The case page's panel -------------------------------------------------------------------


def test_the_case_page_shows_the_letter_panel_with_downloads(client, delivered):
    login(client, Role.CASE_ADMIN)
    response = client.get(reverse("casefile:case_detail", args=[delivered.case.case_number]))

    content = response.content.decode()
    assert 'id="letters"' in content
    # Every copy was e-mailed: the letter says it is served, and on what day.
    assert f"Served on {timezone.localdate():%m/%d/%Y}" in content
    assert (
        reverse("letters:letter_download", args=[delivered.case.case_number, 1, "party"]) in content
    )
    assert (
        reverse("letters:letter_download", args=[delivered.case.case_number, 1, "public"])
        in content
    )
    assert delivered.party_sha256 in content
    assert "lee.park@example.org" in content
    assert "Issue an amended letter" in content
    assert "every 1s" not in content  # nothing in progress: no polling


def test_a_case_without_letters_has_only_an_empty_placeholder(client):
    determination = approved_determination()
    login(client, Role.CASE_ADMIN)
    response = client.get(reverse("casefile:case_detail", args=[determination.case.case_number]))
    content = response.content.decode()
    assert 'id="letters"' in content
    assert "Final Determination Letter" not in content


def test_the_panel_polls_while_the_letter_is_produced_then_tells_the_page(client):
    determination = approved_determination()
    letter = letter_request(determination=determination, actor=None, enqueue=False)
    login(client, Role.CASE_ADMIN)
    url = reverse("letters:case_letters", args=[determination.case.case_number])

    queued = client.get(url, headers={"HX-Request": "true"})
    assert 'hx-trigger="every 1s, case-changed from:body"' in queued.content.decode()
    assert "Waiting for the letter worker" in queued.content.decode()
    assert "HX-Trigger" not in queued.headers

    letter_produce(letter_id=letter.pk)
    done = client.get(url + "?was=in_progress", headers={"HX-Request": "true"})
    assert "every 1s" not in done.content.decode()
    assert f"Served on {timezone.localdate():%m/%d/%Y}" in done.content.decode()
    assert done.headers["HX-Trigger"] == "case-changed"


def test_a_failed_letter_shows_the_error_and_a_retry_that_works(
    client, django_capture_on_commit_callbacks
):
    determination = approved_determination()
    letter = letter_request(determination=determination, actor=None, enqueue=False)
    letter_fail(letter_id=letter.pk, error="SMTPServerDisconnected: closed")
    login(client, Role.CASE_ADMIN)
    panel = client.get(reverse("letters:case_letters", args=[letter.case.case_number]), headers=HX)
    assert "SMTPServerDisconnected: closed" in panel.content.decode()
    assert "Retry" in panel.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("letters:letter_retry", args=[letter.case.case_number, letter.version]),
            headers={"HX-Request": "true"},
        )

    assert response.status_code == 200
    letter.refresh_from_db()
    assert letter.status == LetterStatus.DELIVERED


def test_only_managers_may_retry_or_correct(client, delivered):
    login(client, Role.QUALITY_REVIEWER)
    case_number = delivered.case.case_number
    assert client.post(reverse("letters:letter_retry", args=[case_number, 1])).status_code == 403
    assert client.post(reverse("letters:letter_correct", args=[case_number])).status_code == 403
    panel = client.get(
        reverse("letters:case_letters", args=[case_number]), headers=HX
    ).content.decode()
    assert "Issue an amended letter" not in panel


def test_a_manager_issues_an_amended_version_with_their_password(
    client, delivered, django_capture_on_commit_callbacks
):
    manager = login(client, Role.CASE_ADMIN)
    url = reverse("letters:letter_correct", args=[delivered.case.case_number])

    # A refusal comes back as the panel (a 2xx, which htmx swaps in: a 422 was not, and the
    # user saw only "The page could not be updated"), its message beside the reason as typed.
    empty = client.post(url, {"correction_note": ""}, headers={"HX-Request": "true"})
    assert empty.status_code == 200
    assert "This field is required" in empty.content.decode()
    wrong = client.post(
        url,
        {"correction_note": "Claim number corrected.", "password": "not-it"},
        headers={"HX-Request": "true"},
    )
    page = wrong.content.decode()
    assert wrong.status_code == 200 and "That is not your password" in page
    assert "Claim number corrected.</textarea>" in page
    assert not Letter.objects.filter(case=delivered.case, version=2).exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "correction_note": "Claim number corrected.",
                "password": PASSWORD,
                "otp_token": totp_code_now(manager),
            },
            headers={"HX-Request": "true"},
        )

    # The panel comes back with what was done said in the page's messages, where the user is,
    # and the case's other panels are told to refresh
    assert response.status_code == 200
    answer = response.content.decode()
    assert 'hx-swap-oob="innerHTML:#messages"' in answer
    assert "Amended version 2 is being rendered, signed and served on every party" in answer
    assert "case-changed" in response["HX-Trigger-After-Settle"]
    second = Letter.objects.get(case=delivered.case, version=2)
    assert second.status == LetterStatus.DELIVERED
    assert second.correction_note == "Claim number corrected."
    panel = client.get(
        reverse("letters:case_letters", args=[delivered.case.case_number]), headers=HX
    ).content.decode()
    assert "Version 2" in panel and "Version 1" in panel
    assert "Amended</span>" in panel and "Superseded</span>" in panel


def test_amending_says_which_corrected_fact_the_reviewers_text_still_states(
    client, delivered, django_capture_on_commit_callbacks
):
    """From a QA pass: after the date of injury was corrected, the amended letter printed the
    new date in its header and the old one in the clinical summary, with no word of it."""
    case = delivered.case
    determination = delivered.determination
    old = case.date_of_injury
    determination.clinical_summary += f" She was injured on {date_written(old)} at work."
    determination.save(update_fields=["clinical_summary"])
    manager = login(client, Role.CASE_ADMIN)
    case_facts_edit(
        case=case,
        actor=manager,
        changes={"date_of_injury": (old - dt.timedelta(days=1)).isoformat()},
    )
    url = reverse("letters:letter_correct", args=[case.case_number])

    TOTPDevice.objects.filter(user=manager).update(last_t=-1)
    code = totp_code_now(manager)

    def amend(**more):
        return client.post(
            url,
            {
                "correction_note": "The date of injury.",
                "password": PASSWORD,
                "otp_token": code,
                **more,
            },
            headers={"HX-Request": "true"},
        )

    # Asked once: the panel names the fact and the words, and nothing is issued
    panel = amend().content.decode()
    assert "The reviewer's signed text still states what you corrected." in panel
    assert (
        f"Date of injury: the text says “{date_written(old)}” (corrected from {old:%m/%d/%Y} to "
        f"{old - dt.timedelta(days=1):%m/%d/%Y})"
    ) in panel
    assert "tick this to issue the amended letter with it as signed" in panel
    assert not Letter.objects.filter(case=case, version=2).exists()
    # Ticked, the amended version is issued, and the message repeats what it still says. The
    # same code: the refusal for the tick did not use it up (from QA: the user had to wait for
    # the app's next code).
    with django_capture_on_commit_callbacks(execute=True):
        answer = amend(stale_seen="on").content.decode()
    assert Letter.objects.filter(case=case, version=2).exists()
    assert f"The reviewer&#x27;s text still says “{date_written(old)}”" in answer


# --- Downloads -----------------------------------------------------------------------------------


def test_authorized_users_download_both_versions(client, delivered):
    login(client, Role.QUALITY_REVIEWER)
    case_number = delivered.case.case_number

    party = client.get(reverse("letters:letter_download", args=[case_number, 1, "party"]))
    public = client.get(reverse("letters:letter_download", args=[case_number, 1, "public"]))

    assert party.status_code == 200 and public.status_code == 200
    assert b"".join(party.streaming_content) == stored(delivered.party_pdf)
    assert b"".join(public.streaming_content) == stored(delivered.public_pdf)
    assert party["Content-Type"] == "application/pdf"
    assert f'filename="{case_number}-final-determination-v1.pdf"' in party["Content-Disposition"]
    assert "-public.pdf" in public["Content-Disposition"]
    assert party["Cache-Control"] == "private, no-store"


def test_downloads_are_refused_to_strangers(client, delivered):
    url = reverse("letters:letter_download", args=[delivered.case.case_number, 1, "party"])
    assert client.get(url).status_code == 302  # to the login page
    login(client, Role.REVIEWER)  # not this case's reviewer
    assert client.get(url).status_code == 404
    assert (
        client.get(
            reverse("letters:case_letters", args=[delivered.case.case_number]), headers=HX
        ).status_code
        == 404
    )


def test_an_unsigned_version_has_nothing_to_download(client):
    determination = approved_determination()
    letter_request(determination=determination, actor=None, enqueue=False)
    login(client, Role.CASE_ADMIN)
    url = reverse("letters:letter_download", args=[determination.case.case_number, 1, "party"])
    assert client.get(url).status_code == 404


# --- Verification (no login) ---------------------------------------------------------------


def upload(content: bytes, name="letter.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def test_the_verification_page_needs_no_login(client):
    response = client.get(reverse("letters:letter_verify"))
    assert response.status_code == 200
    assert "Verify a letter or notice" in response.content.decode()


def test_a_letter_we_issued_verifies(client, delivered):
    response = client.post(
        reverse("letters:letter_verify"), {"file": upload(stored(delivered.public_pdf))}
    )
    content = response.content.decode()
    assert response.status_code == 200
    assert "Verified" in content
    assert (
        f"Case {delivered.case.case_number}, Final Determination Letter, version 1 (public version)"
        in content
    )
    assert "No later version replaces it." in content
    # The answer names the case: no browser or proxy keeps it, though no one is signed in
    assert "no-store" in response["Cache-Control"]


def test_a_superseded_letter_says_so(client, delivered, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        letter_correct(
            case=delivered.case,
            actor=UserFactory(role=Role.CASE_ADMIN),
            correction_note="Typo.",
            password=PASSWORD,
        )
    response = client.post(
        reverse("letters:letter_verify"), {"file": upload(stored(delivered.party_pdf))}
    )
    content = response.content.decode()
    assert "Not verified" in content
    assert "Superseded by version 2" in content


def test_a_tampered_letter_fails(client, delivered):
    content = bytearray(stored(delivered.party_pdf))
    index = content.index(b"/MediaBox")
    content[index + 11 : index + 12] = b"9" if content[index + 11 : index + 12] != b"9" else b"8"
    response = client.post(reverse("letters:letter_verify"), {"file": upload(bytes(content))})
    page = response.content.decode()
    assert "Not verified" in page
    assert "This file matches no letter or notice on our record." in page
    assert "The signed content was changed after signing." in page


def test_an_unsigned_pdf_is_not_ours(client):
    response = client.post(reverse("letters:letter_verify"), {"file": upload(minimal_pdf())})
    page = response.content.decode()
    assert "Not verified" in page
    assert "no digital signature" in page
    # Said once, by the heading (from QA: "Not verified" then "Not verified: ...").
    assert page.count("Not verified") == 1


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"GIF89a not a pdf", "This is not a PDF file."),
        (b"%PDF-1.7\n" + b"0" * 2048, "larger than"),
    ],
)
def test_the_verification_page_refuses_non_pdfs_and_big_files(client, settings, content, message):
    settings.LETTER_VERIFY_MAX_BYTES = 1024
    response = client.post(reverse("letters:letter_verify"), {"file": upload(content)})
    assert response.status_code == 400
    assert message in response.content.decode()


# --- Organization settings --------------------------------------------------------------------


def test_only_system_administrators_edit_the_organization(client):
    login(client, Role.CASE_ADMIN)
    assert client.get(reverse("letters:organization_settings")).status_code == 403


def test_editing_paragraphs_saves_a_new_version_and_lists_every_version(client):
    admin = login(client, Role.SYSTEM_ADMIN)
    page = client.get(reverse("letters:organization_settings"))
    assert page.status_code == 200
    form = page.context["text_form"].initial
    data = {f"text-{name}": value for name, value in form.items()}
    data["text-issues_lead_in"] = "The decisions on each disputed item follow:"
    data["part"] = "paragraphs"

    response = client.post(reverse("letters:organization_settings"), data)

    assert response.status_code == 302
    text = LetterText.objects.get(version=2)
    assert text.issues_lead_in == "The decisions on each disputed item follow:"
    assert text.created_by == admin
    listing = client.get(reverse("letters:organization_settings")).content.decode()
    assert "version 2" in listing
    assert "shipped default" in listing  # version 1 is still listed


def test_a_paragraph_without_the_org_placeholder_is_refused(client):
    login(client, Role.SYSTEM_ADMIN)
    form = client.get(reverse("letters:organization_settings")).context["text_form"].initial
    data = {f"text-{name}": value for name, value in form.items()}
    data["text-how_made"] = "An expert reviewer decided."
    data["part"] = "paragraphs"

    response = client.post(reverse("letters:organization_settings"), data)

    assert response.status_code == 422
    assert "Keep {org}" in response.content.decode()
    assert LetterText.objects.count() == 1


def test_paragraphs_saved_over_a_version_saved_meanwhile_are_refused_and_kept(client):
    """Two administrators open version 1; the first saves version 2; the second's save would
    silently undo it, so it is refused with their text kept, and goes through when repeated."""
    login(client, Role.SYSTEM_ADMIN)
    page = client.get(reverse("letters:organization_settings"))
    data = {f"text-{name}": value for name, value in page.context["text_form"].initial.items()}
    data.update(part="paragraphs", based_on="1")
    first = {**data, "text-issues_lead_in": "Words of the first administrator."}
    second = {**data, "text-summary_lead_in": "Words of the second administrator."}
    assert client.post(reverse("letters:organization_settings"), first).status_code == 302

    refused = client.post(reverse("letters:organization_settings"), second)

    assert refused.status_code == 422
    page = refused.content.decode()
    assert "Version 2 was saved while you were editing version 1" in page
    assert "Words of the second administrator." in page
    assert LetterText.objects.count() == 2
    # The page now offers version 2 as the base: saving again is a choice made knowingly.
    again = client.post(reverse("letters:organization_settings"), {**second, "based_on": "2"})
    assert again.status_code == 302
    assert LetterText.objects.get(version=3).summary_lead_in == "Words of the second administrator."


def test_the_organization_details_are_saved(client):
    login(client, Role.SYSTEM_ADMIN)
    data = {
        "part": "organization",
        "org-name": "California Independent Review Organization",
        "org-short_name": "CIRO",
        "org-address": "1 Capitol Mall\nSacramento, CA 95814",
        "org-phone": "916-555-0100",
        "org-email": "letters@ciro.example",
        "org-website": "ciro.example",
        "org-signatory_name": "Dana Chief, MD",
        "org-signatory_title": "Medical Director",
    }
    response = client.post(reverse("letters:organization_settings"), data)
    assert response.status_code == 302
    organization = Organization.objects.get()
    assert organization.short_name == "CIRO"
    assert organization.signatory_name == "Dana Chief, MD"


@pytest.mark.parametrize(
    ("field", "value", "said"),
    [
        ("org-address", "X" * 501, "at most 500 characters"),
        ("org-website", "javascript:alert(1)", "Give the web address as it prints"),
        ("org-website", "not a site", "Give the web address as it prints"),
    ],
)
def test_a_letterhead_address_too_long_or_a_website_that_is_no_address_is_refused(
    client, field, value, said
):
    """From a QA pass: a 5,000-character address and "javascript:alert(1)" as the website were
    saved, and print on every letterhead."""
    login(client, Role.SYSTEM_ADMIN)
    before = Organization.objects.get_or_create()[0]
    page = client.get(reverse("letters:organization_settings"))
    data = {
        f"org-{name}": value
        for name, value in page.context["organization_form"].initial.items()
        if value is not None
    }
    data.update({"part": "organization", field: value})

    response = client.post(reverse("letters:organization_settings"), data)

    assert said in response.content.decode()
    after = Organization.objects.get()
    assert (after.address, after.website) == (before.address, before.website)
    for good in ("www.iro.example", "https://www.iro.example/letters"):
        Organization(website=good).full_clean()


def test_details_saved_over_details_saved_meanwhile_are_refused_and_kept(client):
    """From QA: two administrators edit the letterhead; the later save silently undid the
    earlier one's new signatory. It is refused with the editor's text kept, naming what was
    saved meanwhile; saving again from the page it answered replaces it knowingly."""
    login(client, Role.SYSTEM_ADMIN)
    url = reverse("letters:organization_settings")
    page = client.get(url)
    data = {
        f"org-{name}": value
        for name, value in page.context["organization_form"].initial.items()
        if value is not None
    }
    data.update(part="organization", based_on=page.context["organization_fingerprint"])
    first = {**data, "org-signatory_name": "Dana Chief, MD"}
    second = {**data, "org-phone": "916-555-0199"}
    assert client.post(url, first).status_code == 302

    refused = client.post(url, second)

    assert refused.status_code == 422
    html = refused.content.decode()
    assert "saved by someone else while you were editing" in html
    assert "Signatory name: “Dana Chief, MD”" in html
    assert 'value="916-555-0199"' in html
    organization = Organization.objects.get()
    assert organization.signatory_name == "Dana Chief, MD" and organization.phone != "916-555-0199"
    again = {**second, "based_on": refused.context["organization_fingerprint"]}
    assert client.post(url, again).status_code == 302
    assert Organization.objects.get().phone == "916-555-0199"


def test_a_huge_upload_is_refused_before_it_is_read(client, settings):
    settings.LETTER_VERIFY_MAX_BYTES = 1024
    response = client.post(
        reverse("letters:letter_verify"), {"file": upload(b"%PDF-1.7\n" + b"0" * 200_000)}
    )
    assert response.status_code == 413
    assert "larger than" in response.content.decode()


def test_while_a_failed_try_waits_for_its_retry_the_panel_says_why(client):
    determination = approved_determination()
    letter = letter_request(determination=determination, actor=None, enqueue=False)
    Letter.objects.filter(pk=letter.pk).update(status=LetterStatus.RENDERING, attempts=2)
    letter_retry_noted(letter_id=letter.pk, error="SMTPConnectError: busy")
    login(client, Role.CASE_ADMIN)

    panel = client.get(
        reverse("letters:case_letters", args=[letter.case.case_number]), headers=HX
    ).content.decode()

    assert "The last try failed (SMTPConnectError: busy); it is tried again shortly." in panel
    assert "(attempt 2)" in panel
    assert "every 1s" in panel


def test_each_version_lists_every_paragraph_it_holds(client):
    login(client, Role.SYSTEM_ADMIN)
    current = letter_text_current()
    page = client.get(reverse("letters:organization_settings")).content.decode()
    # The listing once showed ten of the paragraphs: the appeal's grounds and remedy, the
    # plain-words lines and the overturned items' exception and penalty were left out.
    for label in (
        "The five grounds for an appeal (Lab. Code 4610.6(h))",
        "Penalty (8 CCR 9792.10.7(b); 8 CCR 9792.12)",
        "What an upheld item means (Lab. Code 4610.6(d))",
    ):
        assert page.count(label) == 2  # the form's label and the version's listing
    assert page.count(escape(current.appeal_remedy)) == 2  # its box and its listing


def _paragraphs(client, **changed) -> dict:
    form = client.get(reverse("letters:organization_settings")).context["text_form"].initial
    data = {f"text-{name}": value for name, value in form.items()}
    data.update({f"text-{name}": value for name, value in changed.items()})
    data["part"] = "paragraphs"
    return data


@pytest.mark.parametrize(
    "text, said",
    [
        ("\u200b", "This paragraph prints nothing"),
        ("W" * 5_001, "Keep a paragraph under 5,000 characters (this one has 5,001)."),
    ],
)
def test_a_paragraph_that_prints_nothing_or_runs_on_is_refused(client, text, said):
    """From a QA pass: a zero-width space was saved as a lead-in that printed blank, and a
    paragraph of 300,000 letters was saved (and held every letter's rendering)."""
    login(client, Role.SYSTEM_ADMIN)
    response = client.post(
        reverse("letters:organization_settings"), _paragraphs(client, summary_lead_in=text)
    )
    assert response.status_code == 422
    assert said in response.content.decode()
    assert LetterText.objects.count() == 1


def test_org_prints_as_the_organization_name_in_every_paragraph(client):
    """From a QA pass: {org} was replaced only in "how the determination was made"; in the
    binding notice (or any other paragraph) it printed as typed."""
    login(client, Role.SYSTEM_ADMIN)
    client.post(
        reverse("letters:organization_settings"),
        _paragraphs(client, binding_notice="{org} issues this binding determination."),
    )
    html = letter_html(approved_determination(), public=False)
    assert f"{organization_current().name} issues this binding determination." in html
    assert "{org}" not in html


def test_an_organization_name_that_prints_nothing_is_refused(client):
    login(client, Role.SYSTEM_ADMIN)
    before = Organization.objects.get().short_name if Organization.objects.exists() else None
    response = client.post(
        reverse("letters:organization_settings"),
        {
            "part": "organization",
            "org-name": "California Independent Review Organization",
            "org-short_name": "\u200b\u200b",
            "org-address": "1 Capitol Mall\nSacramento, CA 95814",
            "org-signatory_name": "Dana Chief, MD",
            "org-signatory_title": "Medical Director",
        },
    )
    assert response.status_code == 422
    assert Organization.objects.filter(short_name="").count() == 0
    if before is not None:
        assert Organization.objects.get().short_name == before


def test_a_save_refused_for_a_field_still_catches_the_version_saved_meanwhile(client):
    """From the review: after a refusal of another kind (here a paragraph left without {org}),
    the page came back based on the newer version saved meanwhile, so correcting the field and
    saving again silently undid the other administrator's change."""
    login(client, Role.SYSTEM_ADMIN)
    url = reverse("letters:organization_settings")
    page = client.get(url)
    data = {f"text-{name}": value for name, value in page.context["text_form"].initial.items()}
    data.update(part="paragraphs", based_on="1")
    assert (
        client.post(url, {**data, "text-issues_lead_in": "The first's words."}).status_code == 302
    )

    mine = {**data, "text-summary_lead_in": "The second's words."}
    # The conflict is told first, whatever else the save would be refused for.
    refused = client.post(url, {**mine, "text-how_made": "No placeholder here."})
    assert refused.status_code == 422
    assert "Version 2 was saved while you were editing version 1" in refused.content.decode()

    # A refusal of another kind keeps the version the editor started from.
    details = {
        f"org-{name}": value
        for name, value in page.context["organization_form"].initial.items()
        if value is not None
    }
    details.update(part="organization", based_on=page.context["organization_fingerprint"])
    client.post(url, {**details, "org-signatory_name": "Dana Chief, MD"})
    blank = client.post(url, {**details, "org-name": "", "org-phone": "916-555-0199"})
    assert blank.status_code == 422
    assert blank.context["organization_fingerprint"] == details["based_on"]
    again = {**details, "org-phone": "916-555-0199", "based_on": details["based_on"]}
    assert "saved by someone else" in client.post(url, again).content.decode()


def test_the_letter_panel_opened_as_a_page_is_the_case_page_at_its_letters(client, delivered):
    login(client, Role.CASE_ADMIN)
    case_number = delivered.case.case_number
    response = client.get(reverse("letters:case_letters", args=[case_number]))
    assert response.status_code == 302
    assert response.url == reverse("casefile:case_detail", args=[case_number]) + "#letters"
    # A case the visitor may not see is still not found, not redirected.
    assert client.get(reverse("letters:case_letters", args=["CM26-9999999"])).status_code == 404


def test_a_refused_paragraphs_save_names_every_paragraphs_problem_in_one_summary(client):
    """From QA: a mistyped placeholder was told only once a blank paragraph was fixed and the
    form sent again, and the one error sat seven boxes down with nothing at the form's top."""
    login(client, Role.SYSTEM_ADMIN)
    response = client.post(
        reverse("letters:organization_settings"),
        _paragraphs(
            client,
            summary_lead_in="",
            binding_notice="{Org} issues this binding determination.",
            how_made="The organization's reviewer decided.",
        ),
    )
    assert response.status_code == 422
    html = response.content.decode()
    summary = html[html.index('<div class="form-error" role="alert" tabindex="-1" autofocus>') :]
    summary = summary[: summary.index("</div>")]
    assert 'href="#id_text-summary_lead_in">Clinical case summary lead-in</a>: This paragraph' in (
        summary
    )
    assert "“{Org}” would print as it is" in summary
    assert "Keep {org} where the organization" in summary
    assert LetterText.objects.count() == 1


def test_a_paragraph_the_letter_needs_is_not_labelled_optional(client):
    # From QA: every paragraph read "(optional)" while a blank one is refused (the form leaves
    # the refusal to the service, so that every paragraph's problem is told at once).
    login(client, Role.SYSTEM_ADMIN)
    html = client.get(reverse("letters:organization_settings")).content.decode()
    paragraphs = html[html.index('id="paragraphs"') :]
    paragraphs = paragraphs[: paragraphs.index("</form>")]
    assert "(optional)" not in paragraphs
    assert 'aria-required="true"' in paragraphs
