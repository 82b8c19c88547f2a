"""Pages of the letters room: the letter preview, the case page's letters panel, downloads,
retry and correction, the public verification page and the organization's letter settings."""

from __future__ import annotations

from dataclasses import dataclass

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import trigger_client_event

from accounts.reauth import ReauthForm
from accounts.responses import wants_fragment, with_messages
from accounts.row_ids import row_id
from cases.access import Ability, access_required, case_get_for, may
from cases.integrity.responses import stored_file_response
from cases.lifecycle.delivery import case_service_problems
from cases.lifecycle.status_table import Action, allowed_actions
from cases.outbox.models import follow_up_key
from cases.outbox.selectors import follow_ups_open_for
from reviews.determination.selectors import workspace_for
from reviews.letters import notices, services, tasks, verify
from reviews.letters.defaults import LETTER_TEXT_FIELDS
from reviews.letters.models import (
    DeliveryStatus,
    Letter,
    LetterStatus,
    LetterText,
    Notice,
    NoticeKind,
)
from reviews.letters.notice_service import notice_date_kept_why
from reviews.letters.proofs import (
    PROOF_LAW,
    document_label,
    proof_attachment_name,
    proof_of,
    proofs_for_case,
)
from reviews.letters.render import (
    RECIPIENT_ROLE_LABELS,
    letter_html,
    letter_text_current,
)
from reviews.letters.selectors import facts_stale_in_text, letter_pdf_for
from reviews.letters.service_status import copy_status, service_status
from reviews.letters.services import letter_text_update, letters_for_case
from reviews.organization.models import Organization
from reviews.organization.services import (
    ORGANIZATION_FIELDS,
    organization_current,
    organization_fingerprint,
    organization_update,
)
from reviews.quality.selectors import determination_for_quality


@access_required(Ability.REVIEW)
@require_GET
@never_cache
@xframe_options_sameorigin  # the workspace's preview frame; every other page is DENY
def workspace_preview(request, case_number):
    """The letter exactly as it will print (the template the PDF uses), for the preview frame."""
    ws = workspace_for(request.user, case_number)
    if ws.determination is None:
        raise Http404("No draft for this case.")
    return _letter_preview(ws.determination)


@access_required(Ability.QUALITY_REVIEW)
@require_GET
@never_cache
def quality_preview(request, case_number):
    """The submitted determination's party letter as it will print, for the medical director to
    read before approving it (the reviewer's preview, from the same template)."""
    return _letter_preview(determination_for_quality(request.user, case_number))


def _letter_preview(determination) -> HttpResponse:
    response = HttpResponse(letter_html(determination, public=False))
    # The letter carries user text: it may load our own styles and fonts, nothing else.
    response["Content-Security-Policy"] = (
        "default-src 'none'; style-src 'self' 'unsafe-inline'; font-src 'self'; "
        "img-src 'self' data:; frame-ancestors 'self'"
    )
    response["Cache-Control"] = "private, no-store"
    return response


PDF_MAGIC = b"%PDF-"


# --- The case page's letter panel --------------------------------------------------------


class CorrectionForm(ReauthForm):
    """An amended letter is signed and served again: the password every time, and the second
    factor when the user has one (accounts.reauth)."""

    reauth_always = True

    correction_note = forms.CharField(
        label="What the amended version corrects",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text="Printed in the parties' letter (“This letter amends the letter of …: …”) and "
        "told to them in the e-mail; the public version says only that it amends. The current "
        "version stays on file and retrievable.",
    )
    password = forms.CharField(
        label="Your password",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="An amended letter is signed and served again to every party: confirm it is you.",
    )
    # Shown once the reviewer's signed text is found to state a fact corrected since the last
    # letter (reviews.letters.selectors.facts_stale_in_text): issuing needs it ticked.
    stale_seen = forms.BooleanField(
        label="Issue it with the reviewer's text as signed",
        required=False,
    )

    STALE_UNSEEN = (
        "The reviewer's signed text still states a fact you corrected (listed above): tick "
        "this to issue the amended letter with it as signed."
    )

    def __init__(self, *args, stale_facts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.stale_facts = list(stale_facts)

    def clean(self):
        # Asked before the password and code are checked: a code taken by a refusal for the
        # tick left the user waiting for the next one (from QA).
        if self.stale_facts and not self.cleaned_data.get("stale_seen"):
            self.add_error("stale_seen", self.STALE_UNSEEN)
            return self.cleaned_data
        return super().clean()


def _delivery_rows(deliveries) -> list[dict]:
    return [
        {
            "name": delivery.recipient_name,
            "role_label": RECIPIENT_ROLE_LABELS.get(
                delivery.recipient_role, delivery.recipient_role
            ),
            "email": delivery.email,
            "address": delivery.address,
            "method": delivery.get_method_display(),
            "status": delivery.status,
            "status_label": copy_status(delivery),
            "served_on": delivery.served_on,
            "cc": delivery.cc,
            "sent_at": delivery.sent_at,
        }
        for delivery in deliveries
    ]


def _notice_rows(case) -> list[Notice]:
    """The case's notices, each with its deliveries (by e-mail or by mail, as the letter's) and
    the parties it waits on for an address: a visible problem, never silence."""
    rows = list(notices.notices_for_case(case))
    for notice in rows:
        notice.delivery_rows = _delivery_rows(notice.deliveries.all())
        notice.service = service_status(notice)
        notice.unreached = [
            row for row in notice.delivery_rows if row["status"] == DeliveryStatus.NO_ADDRESS
        ]
        notice.kept_why = (
            notice_date_kept_why(case, notice.served_on)
            if notice.kind == NoticeKind.NOTICE_OF_ASSIGNMENT
            else ""
        )
    return rows


def letters_panel_context(request, case, *, correction_form=None, stale_facts=()) -> dict:
    user = request.user
    versions = list(letters_for_case(case))
    notice_rows = _notice_rows(case)
    for letter in versions:
        letter.delivery_rows = _delivery_rows(letter.deliveries.all())
        letter.service = service_status(letter)
        letter.waiting_for_address = [
            row["name"] for row in letter.delivery_rows if row["status"] == "no_address"
        ]
    can_manage = may(user, Ability.MANAGE_CASES)
    # Each version's and notice's rendering as the outbox sees it: waiting for the task queue,
    # stuck (a worker stopped mid-render), failed; the retry is offered for each of those.
    follow_ups = (
        {row.key: row for row in follow_ups_open_for(case)} if versions or notice_rows else {}
    )
    for letter in versions:
        letter.follow_up = follow_ups.get(follow_up_key(tasks.letter_render.name, [letter.pk]))
        letter.retryable = services.letter_retryable(letter, letter.follow_up)
    for notice in notice_rows:
        notice.follow_up = follow_ups.get(follow_up_key(tasks.notice_render.name, [notice.pk]))
        notice.retryable = notices.notice_retryable(notice, notice.follow_up)
    latest = versions[0] if versions else None
    may_correct = (
        can_manage
        and latest is not None
        and latest.status in (LetterStatus.SIGNED, LetterStatus.DELIVERED)
        and Action.AMEND_LETTER in allowed_actions(case)
    )
    return {
        "case": case,
        "letters": versions,
        # A party who cannot be served is a visible problem, never silence.
        "service_problems": case_service_problems(case) if versions else [],
        "LetterStatus": LetterStatus,
        "can_manage": can_manage,
        "notices": notice_rows,
        # Each served copy's signed proof of service (CCP 1013a(3); CCP 1013b).
        "proofs": [
            {
                "proof": proof,
                "document": document_label(proof.delivery.document),
                "role_label": RECIPIENT_ROLE_LABELS.get(
                    proof.delivery.recipient_role, proof.delivery.recipient_role
                ),
                "law": PROOF_LAW.get(proof.method, ""),
            }
            for proof in (proofs_for_case(case) if versions or notice_rows else [])
        ],
        "in_progress": any(
            row.status in (LetterStatus.QUEUED, LetterStatus.RENDERING)
            for row in [*versions, *notice_rows]
        ),
        "correction_form": (correction_form or CorrectionForm(request=request))
        if may_correct
        else None,
        # Facts corrected since the last letter that the reviewer's signed text still states:
        # read when an amendment is asked for (letter_correct), not on every view of the case.
        "stale_facts": stale_facts,
    }


def _panel(request, case, *, correction_form=None, stale_facts=()):
    return TemplateResponse(
        request,
        "letters/partials/case_letters.html",
        letters_panel_context(
            request, case, correction_form=correction_form, stale_facts=stale_facts
        ),
    )


@access_required()
@require_GET
def case_letters(request, case_number):
    """The letter panel alone: loaded and polled by htmx while a version is being produced.
    Opened as a page (a copied link, a bookmark), it is the case page at its letters."""
    case = case_get_for(request.user, case_number)
    if not wants_fragment(request):
        return redirect(reverse("casefile:case_detail", args=[case.case_number]) + "#letters")
    response = _panel(request, case)
    # A redraw (the panel polls while a notice or version is in the works, and follows the
    # case's changes) keeps the amendment's box as it is on the page: open, with the reason
    # typed. The answer to the amendment's own request replaces it.
    response.context_data["keep_correction"] = True
    if request.GET.get("was") == "in_progress" and not response.context_data["in_progress"]:
        # The letter is out: the case's other panels (status, workflow, history) refresh.
        response["HX-Trigger"] = "case-changed"
    return response


def _letter_of(case, version: int) -> Letter:
    letter = Letter.objects.filter(case=case, version=version).select_related("case").first()
    if letter is None:
        raise Http404("No such letter version.")
    return letter


@access_required()
@require_GET
def letter_download(request, case_number, version, which):
    """A signed letter version as the parties got it, or as the state would publish it (checked
    against its SHA-256, cases.integrity)."""
    case = case_get_for(request.user, case_number)
    pdf = letter_pdf_for(case, int(version), public=which == "public")
    if pdf is None:
        raise Http404("No signed letter of that version.")
    return stored_file_response(request, pdf.letter, pdf.file_field, filename=pdf.filename)


def _notice_of(case, kind: str, version: int) -> Notice:
    notice = (
        Notice.objects.filter(case=case, kind=kind, version=version).select_related("case").first()
    )
    if notice is None or kind not in NoticeKind.values:
        raise Http404("No such notice.")
    return notice


@access_required()
@require_GET
def notice_download(request, case_number, kind, version):
    """A signed notice as the parties got it (checked against its SHA-256, cases.integrity)."""
    case = case_get_for(request.user, case_number)
    notice = _notice_of(case, kind, version)
    if not notice.sha256:
        raise Http404("This notice is not signed yet.")
    return stored_file_response(
        request, notice, "pdf", filename=notices.notice_attachment_name(notice)
    )


@access_required()
@require_GET
def proof_download(request, case_number, proof_id):
    """A copy's signed proof of service, its bytes checked against the SHA-256 recorded when it
    was signed: a file changed on disk is refused, never served."""
    case = case_get_for(request.user, case_number)
    proof = proof_of(case, proof_id)
    if proof is None:
        raise Http404("No such proof of service.")
    # Checked against the SHA-256 recorded when it was signed (cases.integrity).
    return stored_file_response(request, proof, "pdf", filename=proof_attachment_name(proof))


@access_required(Ability.MANAGE_CASES)
@require_POST
def notice_retry(request, case_number, kind, version):
    case = case_get_for(request.user, case_number)
    notice = _notice_of(case, kind, version)
    try:
        notices.notice_retry(notice=notice, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"The {notice.get_kind_display()} is handed to the worker again.")
    if request.htmx:
        return with_messages(request, _panel(request, case))
    return redirect("casefile:case_detail", case.case_number)


@access_required(Ability.MANAGE_CASES)
@require_POST
def letter_retry(request, case_number, version):
    case = case_get_for(request.user, case_number)
    letter = _letter_of(case, version)
    try:
        services.letter_retry(letter=letter, actor=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Letter version {letter.version} is handed to the worker again.")
    if request.htmx:
        return with_messages(request, _panel(request, case))
    return redirect("casefile:case_detail", case.case_number)


@access_required(Ability.MANAGE_CASES)
@require_POST
def letter_correct(request, case_number):
    case = case_get_for(request.user, case_number)
    latest = Letter.objects.filter(case=case).select_related("determination").first()
    stale_facts = facts_stale_in_text(case, latest.determination) if latest else []
    # In the panel (htmx) the box is shown to tick; without it the warning is only said.
    form = CorrectionForm(
        request.POST, request=request, stale_facts=stale_facts if request.htmx else ()
    )
    if form.is_valid():
        try:
            letter = services.letter_correct(
                case=case,
                actor=request.user,
                correction_note=form.cleaned_data["correction_note"],
                password=form.cleaned_data["password"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            for fact in stale_facts:
                messages.warning(
                    request,
                    f"The reviewer's text still says “{fact.written}” for the {fact.label.lower()}"
                    f" (corrected from {fact.old} to {fact.new}); the amended letter prints it "
                    "as signed.",
                )
            messages.success(
                request,
                f"Amended version {letter.version} is being rendered, signed and served on "
                f"every party; version {letter.version - 1} stays on file, and its copies not "
                "yet sent will not be.",
            )
            if request.htmx:
                # The other panels (status, the facts banner, history) refresh too.
                response = with_messages(request, _panel(request, case))
                return trigger_client_event(response, "case-changed", after="settle")
            return redirect("casefile:case_detail", case.case_number)
    if request.htmx:
        # The panel again with the refusal beside the fields and the reason as typed: htmx
        # swaps only a 2xx answer, so a 422 would leave the form without its message.
        return _panel(request, case, correction_form=form, stale_facts=stale_facts)
    messages.error(
        request, " ".join(message for errors in form.errors.values() for message in errors)
    )
    return redirect("casefile:case_detail", case.case_number)


# --- Verification (no login) ---------------------------------------------------------------


def _too_large_message(limit: int) -> str:
    return f"The file is larger than {limit // (1024 * 1024)} MB; a letter is far smaller."


class VerifyForm(forms.Form):
    file = forms.FileField(
        label="The letter (PDF)",
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > settings.LETTER_VERIFY_MAX_BYTES:
            raise ValidationError(_too_large_message(settings.LETTER_VERIFY_MAX_BYTES))
        head = upload.read(1024)
        upload.seek(0)
        if PDF_MAGIC not in head:
            raise ValidationError("This is not a PDF file.")
        return upload


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@require_http_methods(["GET", "POST"])
def letter_verify(request):
    """Anyone holding a letter can check it: signature valid, issued by us, not superseded."""
    result = None
    limit = settings.LETTER_VERIFY_MAX_BYTES
    if request.method == "POST" and _content_length(request) > limit + 64 * 1024:
        # Refused before the body is read: an anonymous page must not spool huge uploads.
        return TemplateResponse(
            request,
            "letters/verify.html",
            {
                "form": VerifyForm(),
                "result": None,
                "max_bytes": limit,
                "refused": _too_large_message(limit),
            },
            status=413,
        )
    if request.method == "POST":
        form = VerifyForm(request.POST, request.FILES)
        if form.is_valid():
            result = verify.letter_verify(form.cleaned_data["file"].read())
    else:
        form = VerifyForm()
    status = 400 if form.is_bound and not form.is_valid() else 200
    return TemplateResponse(
        request,
        "letters/verify.html",
        {"form": form, "result": result, "max_bytes": limit},
        status=status,
    )


# --- Organization settings (system administrators) ----------------------------------------


class OrganizationForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = list(ORGANIZATION_FIELDS)
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}
        labels = {
            "short_name": "Short name",
            "signatory_name": "Signatory name",
            "signatory_title": "Signatory title",
        }
        help_texts = {
            "short_name": 'Printed in each decision as "<short name> guideline:".',
            "signatory_name": "Signs for the organization. Never the expert reviewer.",
        }
        # Every letter and notice prints these: say which is missing, not "This field is
        # required." (from QA).
        error_messages = {
            name: {"required": "Every letter prints this: fill it in."}
            for name in ORGANIZATION_FIELDS
        }


@dataclass(frozen=True)
class Paragraph:
    """One of the organization's versioned paragraphs as the settings page edits and lists it."""

    name: str  # the LetterText field
    label: str
    rows: int
    help_text: str = ""


# Every paragraph of LetterText, in the order the settings page shows them: the form's fields and
# each version's listing are made from this table (a paragraph added to LETTER_TEXT_FIELDS
# without a row here fails at start-up, so none is left out of the page).
LETTER_PARAGRAPHS = (
    Paragraph(
        "how_made",
        "How the IMR Final Determination was made",
        8,
        "{org} is replaced by the organization's name.",
    ),
    Paragraph("summary_lead_in", "Clinical case summary lead-in", 2),
    Paragraph("issues_lead_in", "Issues, decisions and rationales lead-in", 2),
    Paragraph("item_overturned_plain", "What an overturned item means (Lab. Code 4610.6(d))", 2),
    Paragraph("item_upheld_plain", "What an upheld item means (Lab. Code 4610.6(d))", 2),
    Paragraph(
        "documents_not_listed",
        "Documents reviewed, when the case file lists none (a case carried over)",
        2,
    ),
    Paragraph(
        "records_incomplete",
        "Documents reviewed, when the review went on without complete records "
        "(8 CCR 9792.10.6(b)(2))",
        3,
    ),
    Paragraph("binding_notice", "Binding determination notice", 3),
    Paragraph(
        "appeal_notice",
        "Appeal rights notice: where and how to file (Lab. Code 4610.6(h); 8 CCR 10575)",
        4,
        "The letter adds the appeal's last day, counted by the method of service.",
    ),
    Paragraph(
        "appeal_grounds",
        "The five grounds for an appeal (Lab. Code 4610.6(h))",
        8,
        "One ground per line; line breaks print as written.",
    ),
    Paragraph("appeal_remedy", "The remedy on appeal (Lab. Code 4610.6(i))", 3),
    Paragraph(
        "overturned_notice",
        "Overturned items notice (printed when an item is overturned; 8 CCR 9792.10.7)",
        4,
        "The letter adds the due dates, counted from receipt.",
    ),
    Paragraph(
        "overturned_exception",
        "Exception: liability disputed on other grounds (8 CCR 9792.10.7(a))",
        2,
    ),
    Paragraph("overturned_penalty", "Penalty (8 CCR 9792.10.7(b); 8 CCR 9792.12)", 2),
    Paragraph(
        "assignment_notice",
        "Notice of assignment: opening paragraph (8 CCR 9792.10.4(b))",
        4,
        "{org} is replaced by the organization's name.",
    ),
    Paragraph(
        "records_request",
        "Notice of assignment: request for information (8 CCR 9792.10.5(a))",
        4,
        "Printed above the list of records the claims administrator must send and their due date.",
    ),
    Paragraph(
        "ineligibility_notice",
        "Notice of ineligibility: opening paragraph (8 CCR 9792.10.3(c))",
        4,
        "Printed above the finding's reasons, each with its citation, and its note.",
    ),
    Paragraph(
        "ineligibility_next",
        "Notice of ineligibility: what happens next, and the appeal (8 CCR 10575)",
        4,
    ),
)
if {paragraph.name for paragraph in LETTER_PARAGRAPHS} != set(LETTER_TEXT_FIELDS):
    raise ImproperlyConfigured("LETTER_PARAGRAPHS must name every field of LETTER_TEXT_FIELDS.")


class LetterTextForm(forms.Form):
    """One text box per row of LETTER_PARAGRAPHS. A blank paragraph is refused by
    letter_text_update, with every other paragraph's problem in the same answer (from QA: the
    form's own "required" answered first, and a mistyped placeholder was told only on the next
    save)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for paragraph in LETTER_PARAGRAPHS:
            self.fields[paragraph.name] = forms.CharField(
                label=paragraph.label,
                required=False,
                widget=forms.Textarea(
                    attrs={"rows": paragraph.rows, "required": True, "aria-required": "true"}
                ),
                help_text=paragraph.help_text,
            )
            # Required in fact (the service refuses a blank one): no "(optional)" beside it.
            self.fields[paragraph.name].looks_required = True


def letter_text_listing(version: LetterText) -> list[tuple[str, str]]:
    """A saved version's paragraphs as (label, text), in the page's order."""
    return [(paragraph.label, getattr(version, paragraph.name)) for paragraph in LETTER_PARAGRAPHS]


@access_required(Ability.EDIT_ORGANIZATION)
@require_http_methods(["GET", "POST"])
def organization_settings(request):
    organization = organization_current()
    # Before a bound form writes the posted values onto `organization` (ModelForm.is_valid).
    fingerprint = organization_fingerprint(organization)
    current_text = letter_text_current()
    organization_form = OrganizationForm(instance=organization, prefix="org")
    text_form = LetterTextForm(
        prefix="text",
        initial={name: getattr(current_text, name) for name in LETTER_TEXT_FIELDS},
    )
    # What each form started from (its hidden `based_on`). A refused save keeps the one it was
    # posted with, so a save over another's made meanwhile is still caught when the editor
    # corrects a field and saves again; only the refusal for that save itself (code
    # "conflict") offers the fresh one, and saving again is then a knowing choice.
    details_based_on, text_based_on = fingerprint, current_text.version
    status = 200
    if request.method == "POST":
        part = request.POST.get("part")
        conflict = False
        if part == "organization":
            details_based_on = request.POST.get("based_on", "")[:64] or None
            organization_form = OrganizationForm(request.POST, instance=organization, prefix="org")
            if organization_form.is_valid():
                try:
                    organization_update(
                        actor=request.user,
                        based_on=details_based_on,
                        **organization_form.cleaned_data,
                    )
                except ValidationError as exc:
                    # A value of characters that print nothing (stripped by the service) goes
                    # to its field; details saved meanwhile, above the form.
                    organization_form.add_error(None, exc)
                    conflict = getattr(exc, "code", None) == "conflict"
                else:
                    messages.success(request, "Organization details saved; new letters print them.")
                    return redirect("letters:organization_settings")
        elif part == "paragraphs":
            text_based_on = row_id(request.POST.get("based_on"))
            text_form = LetterTextForm(request.POST, prefix="text")
            if text_form.is_valid():
                try:
                    text = letter_text_update(
                        actor=request.user, based_on=text_based_on, **text_form.cleaned_data
                    )
                except ValidationError as exc:
                    # A paragraph's problem goes to its field; a newer version, above the form.
                    text_form.add_error(None, exc)
                    conflict = getattr(exc, "code", None) == "conflict"
                else:
                    if text.version == current_text.version:
                        messages.info(request, "Nothing changed; the paragraphs stay as they are.")
                    else:
                        messages.success(
                            request,
                            f"Saved as version {text.version}. New letters print it; letters "
                            "already issued keep the version they printed.",
                        )
                    return redirect(reverse("letters:organization_settings") + "#paragraphs")
        status = 422
        if conflict:
            details_based_on, text_based_on = fingerprint, current_text.version
    versions = [
        (version, letter_text_listing(version))
        for version in LetterText.objects.select_related("created_by").order_by("-version")
    ]
    return TemplateResponse(
        request,
        "letters/organization_settings.html",
        {
            "organization_form": organization_form,
            "text_form": text_form,
            "current_text": current_text,
            "text_based_on": text_based_on,
            "organization_fingerprint": details_based_on,
            "versions": versions,
        },
        status=status,
    )
