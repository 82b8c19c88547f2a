"""The intake form keeps its work: the draft saved while typing, the files kept with it, the
draft back after an ended session, and our page for an out-of-date form."""

import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cases.intake.models import IntakeDraft, IntakeDraftFile
from cases.lifecycle.models import Case
from tests.cases.helpers import HTMX
from tests.cases.intake.test_views import intake_post
from tests.factories import PASSWORD, UserFactory, pdf_upload

pytestmark = pytest.mark.django_db

NEW = reverse("intake:case_new")
SAVE = reverse("intake:draft_save")
FILE_ADD = reverse("intake:draft_file_add")


def typed(**fields):
    """What the form's script sends: some fields, as typed so far."""
    return {
        "draft": "",
        "version": "",
        "items-TOTAL_FORMS": "1",
        "items-INITIAL_FORMS": "0",
        "records-TOTAL_FORMS": "1",
        "records-INITIAL_FORMS": "0",
        **fields,
    }


def without_files(data: dict) -> dict:
    return {key: value for key, value in data.items() if not key.endswith("-file")}


def test_autosave_keeps_the_typing_and_the_page_resumes_it(admin_client, case_admin):
    response = admin_client.post(
        SAVE, typed(**{"worker-last_name": "Ruiz", "diagnoses-diagnoses": "rotator cuff"}), **HTMX
    )

    draft = IntakeDraft.objects.get()
    assert response.status_code == 200
    assert "Saved" in response.content.decode()
    assert f'value="{draft.pk}"' in response.content.decode()  # the page learns its draft
    assert draft.owner == case_admin and draft.values["worker-last_name"] == "Ruiz"
    page = admin_client.get(NEW).content.decode()
    assert 'value="Ruiz"' in page and "rotator cuff" in page
    assert "Start over" in page


def test_a_window_behind_another_merges_only_its_changed_fields(admin_client):
    admin_client.post(SAVE, typed(**{"worker-first_name": "Ana", "worker-last_name": ""}), **HTMX)
    draft = IntakeDraft.objects.get()
    # Another window (same version 1) saves the last name, then this one the first name.
    other = typed(**{"worker-first_name": "", "worker-last_name": "Ruiz"})
    admin_client.post(
        SAVE, {**other, "draft": draft.pk, "version": 1, "changed": "worker-last_name"}, **HTMX
    )
    mine = typed(**{"worker-first_name": "Anna", "worker-last_name": ""})
    response = admin_client.post(
        SAVE, {**mine, "draft": draft.pk, "version": 1, "changed": "worker-first_name"}, **HTMX
    )

    draft.refresh_from_db()
    assert (draft.values["worker-first_name"], draft.values["worker-last_name"]) == (
        "Anna",
        "Ruiz",
    )
    assert draft.version == 3
    assert "also changed in another window" in response.content.decode()


def test_plain_save_draft_button_works_without_javascript(admin_client):
    response = admin_client.post(SAVE, typed(**{"application-claim_number": "05-1"}))

    draft = IntakeDraft.objects.get()
    assert response.status_code == 302 and response["Location"] == f"{NEW}?draft={draft.pk}"
    assert 'value="05-1"' in admin_client.get(response["Location"]).content.decode()


def test_save_draft_says_so_in_a_message_that_takes_the_focus(admin_client):
    """From QA: "Save draft" at the foot of the long form reloaded the page at its top with the
    focus on the page itself; "Draft saved at …" was not announced."""
    response = admin_client.post(SAVE, typed(**{"worker-last_name": "Ruiz"}), follow=True)

    assert re.search(
        r'<div class="message message--success" tabindex="-1" autofocus>\s*<p>Draft saved at ',
        response.content.decode(),
    )


def test_files_are_kept_across_a_validation_error_and_used_on_submit(
    admin_client, django_capture_on_commit_callbacks
):
    data = intake_post(**{"application-claim_number": ""})

    response = admin_client.post(NEW, data)

    assert response.status_code == 200 and not Case.objects.exists()
    page = response.content.decode()
    assert "Claim number" in page and "ur-decision.pdf" in page and "kept with this" in page
    draft = IntakeDraft.objects.get()
    kept = draft.files.get()
    assert (kept.row, kept.original_filename) == ("records-0", "ur-decision.pdf")
    assert draft.values["worker-last_name"] == "Ruiz"

    # Fixed and sent again: the browser has no file to send, the draft has it.
    fixed = without_files(intake_post())
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(NEW, {**fixed, "draft": draft.pk})

    case = Case.objects.get()
    assert response.status_code == 302
    record = case.records.get()
    assert (record.title, record.original_filename) == ("UR decision", "ur-decision.pdf")
    assert not IntakeDraft.objects.exists() and not IntakeDraftFile.objects.exists()
    assert not (settings.PRIVATE_MEDIA_ROOT / kept.file.name).exists()


def test_a_file_uploaded_when_chosen_is_listed_and_used(admin_client):
    response = admin_client.post(
        FILE_ADD, {"draft": "", "records-0-file": pdf_upload("pr2.pdf")}, **HTMX
    )

    kept = IntakeDraftFile.objects.get()
    page = response.content.decode()
    assert "pr2.pdf" in page and "Remove" in page and f'value="{kept.draft.pk}"' in page
    data = without_files(intake_post(**{"records-0-title": "PR-2", "records-0-kind": "medical"}))
    admin_client.post(NEW, {**data, "draft": kept.draft.pk})
    assert Case.objects.get().records.get().original_filename == "pr2.pdf"
    assert not IntakeDraft.objects.exists()


def test_a_kept_file_left_untitled_is_titled_by_its_name(admin_client):
    admin_client.post(
        FILE_ADD, {"draft": "", "records-0-file": pdf_upload("PR-2_progress_report.pdf")}, **HTMX
    )
    draft = IntakeDraft.objects.get()

    data = without_files(intake_post(**{"records-0-title": "", "records-0-kind": "medical"}))
    response = admin_client.post(NEW, {**data, "draft": draft.pk})

    assert response.status_code == 302
    assert Case.objects.get().records.get().title == "PR-2 progress report"


def test_a_file_that_is_not_a_pdf_is_refused_with_a_message(admin_client):
    text = SimpleUploadedFile("notes.txt", b"just text", content_type="application/pdf")

    response = admin_client.post(FILE_ADD, {"draft": "", "records-0-file": text}, **HTMX)

    assert "notes.txt: this is not a PDF file" in response.content.decode()
    assert not IntakeDraftFile.objects.exists()


def test_a_record_whose_file_was_not_kept_asks_for_a_pdf_in_the_forms_words(admin_client):
    """From a QA pass: the file slot said "Not kept: not a PDF", then Create case said
    "needs file (a PDF path relative to the JSON file) or content (the PDF in base64)"."""
    text = SimpleUploadedFile("notes.txt", b"just text", content_type="application/pdf")
    admin_client.post(FILE_ADD, {"draft": "", "records-0-file": text}, **HTMX)  # not kept
    data = intake_post(**{"records-0-title": "PR-2", "records-0-kind": "medical"})
    response = admin_client.post(NEW, without_files(data))
    page = response.content.decode()
    assert response.status_code == 200 and not Case.objects.exists()
    assert "Choose the record&#x27;s PDF file (only a PDF is kept)." in page
    assert "JSON" not in page and "base64" not in page


def test_create_case_names_the_refused_file_and_says_it_is_not_a_pdf(admin_client):
    """From a QA pass: Record 1 with a text file (renamed .pdf or not) gave "PDF file: choose
    the record's PDF file (only a PDF is kept)"; it says what the case page's uploader says."""
    text = SimpleUploadedFile("notapdf.pdf", b"just text", content_type="application/pdf")
    slot = admin_client.post(FILE_ADD, {"draft": "", "records-0-file": text}, **HTMX)
    refused = re.search(r'name="records-0-refused" value="([^"]+)"', slot.content.decode())
    data = intake_post(**{"records-0-title": "PR-2", "records-0-kind": "medical"})

    response = admin_client.post(NEW, {**without_files(data), "records-0-refused": refused[1]})

    page = response.content.decode()
    assert not Case.objects.exists()
    assert "notapdf.pdf: this is not a PDF file (a PDF begins with “%PDF-”" in page
    assert "Choose the record&#x27;s PDF file" not in page


def test_a_text_file_sent_with_the_form_is_named_as_not_a_pdf(admin_client):
    """Without JavaScript the file comes with the form: the same words, not after a label."""
    text = SimpleUploadedFile("notapdf.txt", b"just text", content_type="text/plain")
    data = intake_post(
        **{"records-0-title": "PR-2", "records-0-kind": "medical", "records-0-file": text}
    )

    page = admin_client.post(NEW, data).content.decode()

    assert "</span>notapdf.txt: this is not a PDF file (a PDF begins with" in page
    assert "PDF file: notapdf.txt" not in page


def test_a_forged_refusal_is_not_shown(admin_client):
    data = intake_post(**{"records-0-title": "PR-2", "records-0-kind": "medical"})
    page = admin_client.post(
        NEW, {**without_files(data), "records-0-refused": "anything I like"}
    ).content.decode()
    assert "anything I like" not in page
    assert "Choose the record&#x27;s PDF file (only a PDF is kept)." in page


def test_the_form_names_a_missing_category_without_the_json_codes(admin_client):
    data = intake_post(**{"items-0-category": ""})
    page = admin_client.post(NEW, data).content.decode()
    assert "is required; choose one from the list" in page
    assert "use one of" not in page


def test_a_kept_file_can_be_removed(admin_client, django_capture_on_commit_callbacks):
    admin_client.post(FILE_ADD, {"draft": "", "records-0-file": pdf_upload("pr2.pdf")}, **HTMX)
    kept = IntakeDraftFile.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(reverse("intake:draft_file_remove", args=[kept.pk]), **HTMX)

    assert 'type="file"' in response.content.decode()
    assert not IntakeDraftFile.objects.exists()
    assert not (settings.PRIVATE_MEDIA_ROOT / kept.file.name).exists()


def test_start_over_discards_the_draft(admin_client):
    admin_client.post(SAVE, typed(**{"worker-last_name": "Ruiz"}), **HTMX)
    draft = IntakeDraft.objects.get()

    response = admin_client.post(reverse("intake:draft_discard", args=[draft.pk]))

    assert response["Location"] == f"{NEW}?new=1"
    assert not IntakeDraft.objects.exists()
    page = admin_client.get(response["Location"]).content.decode()
    # Said where the focus lands (from QA: it was left on the page itself).
    assert re.search(
        r'tabindex="-1" autofocus>\s*<p>The draft was discarded. The form is empty.', page
    )
    assert 'value="Ruiz"' not in admin_client.get(NEW).content.decode()


def test_start_over_asks_first_and_says_what_it_deletes(admin_client):
    """From a QA pass: "Start over" beside "Start another application" deleted the draft and
    its files at one click. The deleting button now sits behind a disclosure saying so."""
    admin_client.post(SAVE, typed(**{"worker-last_name": "Ruiz"}), **HTMX)
    draft = IntakeDraft.objects.get()
    kept = {"draft": draft.pk, "records-0-file": pdf_upload("pr2.pdf")}
    admin_client.post(FILE_ADD, kept, **HTMX)

    page = admin_client.get(f"{NEW}?draft={draft.pk}").content.decode()

    zone = page.split('<details class="danger-zone">', 1)[1].split("</details>", 1)[0]
    assert "<summary>Start over…</summary>" in zone
    assert reverse("intake:draft_discard", args=[draft.pk]) in zone
    assert "and the 1 file kept with it. It cannot be undone." in zone
    assert "Delete this application and start over</button>" in zone
    banner = page.split('class="message message--info draft-banner"', 1)[1].split("<details", 1)[0]
    assert "draft_discard" not in banner and "/discard/" not in banner


def test_an_autosave_arriving_after_its_draft_is_gone_makes_no_stray_copy(admin_client):
    """The form was submitted (its draft became the case) while an autosave was on its way:
    the late autosave must not bring the submitted application back as a new draft."""
    admin_client.post(SAVE, typed(**{"worker-last_name": "Ruiz"}), **HTMX)
    draft = IntakeDraft.objects.get()
    admin_client.post(reverse("intake:draft_discard", args=[draft.pk]))

    late = typed(**{"worker-last_name": "Ruiz"}) | {"draft": str(draft.pk), "version": "1"}
    response = admin_client.post(SAVE, late, **HTMX)

    assert response.status_code == 200
    assert not IntakeDraft.objects.exists()
    page = response.content.decode()
    assert "starts a new draft" in page
    assert 'id="draft-id" value=""' in page  # the page forgets the old draft
    # What the user types next starts a new draft.
    admin_client.post(SAVE, typed(**{"worker-last_name": "Ruiz"}), **HTMX)
    assert IntakeDraft.objects.count() == 1


def test_several_drafts_are_listed_to_continue(admin_client, case_admin):
    for name in ("Ruiz", "Delgado"):
        admin_client.post(
            SAVE, typed(**{"worker-first_name": "Ana", "worker-last_name": name}), **HTMX
        )

    page = admin_client.get(NEW).content.decode()

    assert "Continue the application of Ana Ruiz started" in page
    assert 'value="Delgado"' in page  # the latest is open


def test_drafts_of_workers_not_named_yet_are_told_apart(admin_client, case_admin):
    """From QA: two "a worker not named yet" started the same minute read the same."""
    admin_client.post(SAVE, typed(**{"application-application_id": "A-77"}), **HTMX)
    admin_client.get(f"{NEW}?new=1")
    admin_client.post(SAVE, typed(**{"application-claim_number": "C-1"}), **HTMX)
    admin_client.get(f"{NEW}?new=1")
    admin_client.post(SAVE, typed(**{"worker-sex": "female"}), **HTMX)
    admin_client.get(f"{NEW}?new=1")
    admin_client.post(SAVE, typed(**{"application-priority": "expedited"}), **HTMX)
    page = admin_client.get(NEW).content.decode()
    listed = page.split('id="h-drafts"', 1)[1].split("</ul>", 1)[0]
    assert "(application A-77)" in listed and "(claim C-1)" in listed
    assert "(last saved " in listed


def test_another_users_draft_is_never_visible(admin_client, client):
    owner = UserFactory()
    theirs = IntakeDraft.objects.create(owner=owner, values={"worker-last_name": "Secret"})
    kept = IntakeDraftFile.objects.create(
        draft=theirs, row="records-0", file="intake-drafts/x.pdf", original_filename="x.pdf"
    )

    # Its address leads to a new application, told as a discarded draft's is.
    response = admin_client.get(f"{NEW}?draft={theirs.pk}", follow=True)
    page = response.content.decode()
    assert response.redirect_chain == [(f"{NEW}?new=1", 302)]
    assert "That draft is no longer there: it was discarded, or it is not one of yours." in page
    assert "Secret" not in page and "x.pdf" not in page
    assert "Secret" not in admin_client.get(NEW).content.decode()
    remove = reverse("intake:draft_file_remove", args=[kept.pk])
    assert admin_client.post(remove).status_code == 404
    assert admin_client.post(reverse("intake:draft_discard", args=[theirs.pk])).status_code == 404
    # Saving "into" it writes nothing there (answered as a draft that is gone); the next
    # change starts a draft of one's own.
    answer = admin_client.post(
        SAVE, typed(draft=theirs.pk, **{"worker-last_name": "Mine"}), **HTMX
    ).content.decode()
    assert "Secret" not in answer and 'id="draft-id" value=""' in answer
    admin_client.post(SAVE, typed(**{"worker-last_name": "Mine"}), **HTMX)
    theirs.refresh_from_db()
    assert theirs.values == {"worker-last_name": "Secret"} and theirs.files.exists()
    assert IntakeDraft.objects.count() == 2


def test_an_autosave_after_the_session_ended_gets_401(client):
    response = client.post(SAVE, typed(**{"worker-last_name": "Ruiz"}), **HTMX)

    assert response.status_code == 401
    assert "session has ended" in response.content.decode()
    assert not IntakeDraft.objects.exists()


def test_an_out_of_date_form_gets_our_page_not_djangos(case_admin):
    browser = Client(enforce_csrf_checks=True)
    assert browser.login(username=case_admin.username, password=PASSWORD)
    browser.get(NEW)  # the page sets the token cookie

    response = browser.post(
        NEW,
        without_files(intake_post(csrfmiddlewaretoken="from-before-signing-in-again")),
        HTTP_REFERER=f"http://testserver{NEW}?draft=7",
    )

    page = response.content.decode()
    assert response.status_code == 403
    assert "The page was out of date" in page and "another tab" in page
    assert f'href="http://testserver{NEW}?draft=7"' in page and "Reload the page" in page
    assert "CSRF verification failed" not in page
    assert not Case.objects.exists()


def test_create_case_pressed_twice_makes_one_case_and_no_stray_draft(admin_client):
    """From a QA pass: a double click on Create case sent the form twice. The first made the
    case and dropped its draft; the second was told the application is on file and kept the
    application as a new draft, which the next New application opened again."""
    admin_client.post(SAVE, typed(**{"worker-last_name": "Ruiz"}), **HTMX)
    draft = IntakeDraft.objects.get()
    form = without_files(intake_post()) | {"draft": str(draft.pk), "records-TOTAL_FORMS": "0"}

    first = admin_client.post(NEW, form)
    second = admin_client.post(NEW, form)

    case = Case.objects.get(application_id="A-2026-000500")
    assert first.status_code == 302
    assert f"already on file as case {case.case_number}" in second.content.decode()
    assert Case.objects.count() == 1
    assert not IntakeDraft.objects.exists()
    # The next New application starts empty, not with the application just made.
    page = admin_client.get(NEW).content.decode()
    assert "A-2026-000500" not in page
    assert "Start over" not in page


def test_back_to_a_draft_that_became_a_case_leads_to_the_case(admin_client, client):
    """From QA: Back after Create case showed "Page not found" for the draft's address (the
    draft is dropped with the case made from it)."""
    admin_client.post(SAVE, typed(**{"worker-last_name": "Ruiz"}), **HTMX)
    draft = IntakeDraft.objects.get()
    form = without_files(intake_post()) | {"draft": str(draft.pk), "records-TOTAL_FORMS": "0"}
    assert admin_client.post(NEW, form).status_code == 302
    case = Case.objects.get(application_id="A-2026-000500")

    back = admin_client.get(f"{NEW}?draft={draft.pk}")
    assert back.status_code == 302
    assert back["Location"] == reverse("casefile:case_detail", args=[case.case_number])
    page = admin_client.get(back["Location"]).content.decode()
    assert f"That draft became case {case.case_number}." in page
    # Another administrator's browser at that address learns nothing of it.
    other = UserFactory(role=case.created_by.role)
    client.force_login(other)
    response = client.get(f"{NEW}?draft={draft.pk}", follow=True)
    assert response.redirect_chain == [(f"{NEW}?new=1", 302)]
    page = response.content.decode()
    assert "That draft is no longer there" in page and case.case_number not in page


def test_back_to_a_discarded_draft_offers_a_new_application(admin_client):
    """From QA: a discarded draft's address showed "Page not found", while a draft that became
    a case leads to it."""
    admin_client.post(SAVE, typed(**{"worker-last_name": "Ruiz"}), **HTMX)
    draft = IntakeDraft.objects.get()
    admin_client.post(reverse("intake:draft_discard", args=[draft.pk]))
    admin_client.post(SAVE, typed(**{"worker-last_name": "Delgado"}), **HTMX)  # another draft

    response = admin_client.get(f"{NEW}?draft={draft.pk}", follow=True)

    assert response.redirect_chain == [(f"{NEW}?new=1", 302)]
    page = response.content.decode()
    assert re.search(
        r'tabindex="-1" autofocus>\s*<p>That draft is no longer there: it was discarded, or it '
        r"is not one of yours. This is a new application.",
        page,
    )
    assert 'name="worker-last_name"' in page and 'value="Delgado"' not in page  # a fresh form
    assert "Continue the application of" in page  # the other draft is offered


def test_a_field_too_long_for_a_draft_is_named_and_nothing_typed_is_lost(admin_client):
    """From QA: a 25,000-character field was a server error on "Create case", the typing lost;
    "Save draft" said "reload the page" without naming the field. The draft keeps the rest
    (and the files chosen), the page shows the field as typed, to be shortened."""
    long_text = "x" * 30_001
    said = (
        "“Diagnoses” holds 30,001 characters, more than a draft keeps (30,000): the draft "
        "keeps the rest; shorten it and it is kept too."
    )
    data = intake_post(**{"diagnoses-diagnoses": long_text})

    created = admin_client.post(NEW, data)

    assert created.status_code == 200 and not Case.objects.exists()
    page = created.content.decode()
    assert said in page
    assert long_text in page  # still in its field, to be shortened
    draft = IntakeDraft.objects.get()
    assert "diagnoses-diagnoses" not in draft.values
    assert draft.values["worker-last_name"] == "Ruiz"
    assert draft.files.count() == 1  # the record chosen with the post is kept

    saved = admin_client.post(SAVE, {**without_files(data), "draft": draft.pk})
    assert saved.status_code == 200 and said in saved.content.decode()
    assert long_text in saved.content.decode()

    autosaved = admin_client.post(
        SAVE,
        typed(**{"draft": draft.pk, "items-0-description": long_text, "worker-first_name": "Eva"}),
        **HTMX,
    )
    assert "“Treatment requested (item 1)” holds 30,001 characters" in autosaved.content.decode()
    draft.refresh_from_db()
    assert draft.values["worker-first_name"] == "Eva"  # the rest was saved
    # The field too long keeps what the draft held for it.
    assert draft.values["items-0-description"] == data["items-0-description"]


def test_removing_a_file_without_javascript_keeps_a_field_too_long_on_the_page(admin_client):
    """From a review: the file was removed and the page went back to the draft as kept, the
    typing of that post lost."""
    data = intake_post()
    admin_client.post(NEW, {**data, "application-claim_number": ""})
    draft = IntakeDraft.objects.get()
    kept = draft.files.get()
    long_text = "y" * 30_001

    response = admin_client.post(
        reverse("intake:draft_file_remove", args=[kept.pk]),
        {**without_files(data), "draft": draft.pk, "diagnoses-diagnoses": long_text},
    )

    assert response.status_code == 200
    assert long_text in response.content.decode()
    assert "“Diagnoses” holds 30,001 characters" in response.content.decode()
    assert not draft.files.exists()


def test_the_longest_diagnoses_intake_takes_fit_in_a_draft(admin_client):
    """50 diagnoses of 500 characters, one a line (cases.intake.validation.keys)."""
    diagnoses = "\n".join("d" * 500 for _ in range(50))
    admin_client.post(SAVE, typed(**{"diagnoses-diagnoses": diagnoses}), **HTMX)
    assert IntakeDraft.objects.get().values["diagnoses-diagnoses"] == diagnoses


def test_a_drafts_worker_is_named_without_hidden_controls(admin_client):
    """From QA: a first name holding U+202E showed reversed ("live" for "evil") in the banner
    of the application in progress; intake refuses it, the draft keeps it as typed."""
    admin_client.post(
        SAVE, typed(**{"worker-first_name": "\u202eevil\u202c", "worker-last_name": "Ruiz"}), **HTMX
    )
    assert IntakeDraft.objects.get().worker_name == "evil Ruiz"
    assert "Your application in progress for evil Ruiz" in admin_client.get(NEW).content.decode()
