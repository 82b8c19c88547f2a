"""The Final Determination Letter's words and rendering (SPEC section 6): one template for the
preview and both PDFs, WeasyPrint with a fetcher that serves only our static files."""

from __future__ import annotations

import atexit
import datetime as dt
import mimetypes
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db.models import F, prefetch_related_objects
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils import timezone

from cases.clock.calculator import Facts, compute
from cases.lifecycle.delivery import delivery_method_for, service_problem
from cases.lifecycle.models import (
    Case,
    CaseOutcome,
    DeliveryMethod,
    EventType,
    Outcome,
    PartyRole,
    SentBy,
)
from cases.records.selectors import records_in_file
from cases.states import licensure_display
from reviews.determination.citations import CLAIMS_ADMINISTRATOR, EXPERT_REVIEWER, citation_render
from reviews.determination.models import Determination
from reviews.letters.defaults import DEFAULT_LETTER_TEXT, LETTER_TEXT_FIELDS
from reviews.letters.models import Letter, LetterText
from reviews.letters.selectors import letter_amends, letter_service_facts
from reviews.organization.models import Organization
from reviews.organization.services import organization_current


def letter_text_current() -> LetterText:
    """The newest version of the organization's paragraphs (version 1 from the defaults)."""
    text = LetterText.objects.order_by("-version").first()
    if text is None:
        text = LetterText.objects.create(version=1, **DEFAULT_LETTER_TEXT)
    return text


def with_org(paragraph: str, organization: Organization) -> str:
    """An organization's paragraph as printed: {org} is its name, in every paragraph of the
    letter and the notices. Plain replacement, not str.format: an administrator's braces must
    not be code."""
    return paragraph.replace("{org}", organization.name)


def paragraphs_printed(text: LetterText, organization: Organization) -> dict[str, str]:
    """Every paragraph of a LetterText version as the letter prints it (with_org)."""
    return {name: with_org(getattr(text, name), organization) for name in LETTER_TEXT_FIELDS}


def letter_date(value: dt.date | None) -> str:
    """Dates print MM/DD/YYYY (SPEC section 6)."""
    return value.strftime("%m/%d/%Y") if value else ""


def item_line(item, outcome_label: str) -> str:
    """The disputed item's line, in the published letters' forms (SPEC section 6): a request
    UR modified names what was asked and what the claims administrator authorized, a portion
    (the remaining portion is decided) or a substitute (the original request is decided). The
    workspace and quality review describe the item with the same words
    (`DisputedItem.authorization_note`, `decided_part`)."""
    if item.was_modified:
        part = item.decided_part
        return f"{item.authorization_note} {part[0].upper()}{part[1:]} is: {outcome_label}"
    return f"{item.description.strip()}: {outcome_label}"


RECIPIENT_ROLE_LABELS = {
    "injured_worker": "Injured Worker",
    PartyRole.ATTORNEY: "Attorney for the Injured Worker",
    PartyRole.REQUESTING_PROVIDER: "Requesting Provider",
    PartyRole.CLAIMS_ADMINISTRATOR: "Claims Administrator",
    PartyRole.EMPLOYER: "Employer",
}


@dataclass(frozen=True)
class Recipient:
    role: str
    role_label: str
    name: str
    address: str = ""
    email: str = ""
    delivery_method: str = ""  # as chosen; blank: e-mail with consent, else mail
    e_service_consent: bool = False

    @property
    def method(self) -> str:
        """How this recipient is served (cases.lifecycle.delivery)."""
        return delivery_method_for(
            chosen=self.delivery_method, email=self.email, consent=self.e_service_consent
        )

    @property
    def problem(self) -> str:
        """What is missing to serve this recipient at all ("" when nothing)."""
        return service_problem(
            method=self.method,
            email=self.email,
            address=self.address,
            consent=self.e_service_consent,
        )


def letter_recipients(case: Case) -> tuple[list[Recipient], list[Recipient]]:
    """Addressees (the worker, or their attorney when represented; the requesting provider; the
    claims administrator) and the cc list (the employer; the worker when the attorney is
    addressed)."""
    # Each party is looked up by role: the case's parties are read once from SQL.
    prefetch_related_objects([case], "parties")
    attorney = case.party(PartyRole.ATTORNEY)
    worker = Recipient(
        role="injured_worker",
        role_label=RECIPIENT_ROLE_LABELS["injured_worker"],
        name=case.worker_name,
        address=case.worker_address,
        email=case.worker_email,
        delivery_method=case.worker_delivery_method,
        e_service_consent=case.worker_e_service_consent,
    )
    addressees: list[Recipient] = []
    cc: list[Recipient] = []
    if attorney is not None:
        addressees.append(
            Recipient(
                role=PartyRole.ATTORNEY,
                role_label=RECIPIENT_ROLE_LABELS[PartyRole.ATTORNEY],
                name=attorney.name,
                address=attorney.address,
                email=attorney.email,
                delivery_method=attorney.delivery_method,
                e_service_consent=attorney.e_service_consent,
            )
        )
        cc.append(worker)
    else:
        addressees.append(worker)
    for role, into in (
        (PartyRole.REQUESTING_PROVIDER, addressees),
        (PartyRole.CLAIMS_ADMINISTRATOR, addressees),
        (PartyRole.EMPLOYER, cc),
    ):
        party = case.party(role)
        if party is not None:
            into.append(
                Recipient(
                    role=role,
                    role_label=RECIPIENT_ROLE_LABELS[role],
                    name=party.name,
                    address=party.address,
                    email=party.email,
                    delivery_method=party.delivery_method,
                    e_service_consent=party.e_service_consent,
                )
            )
    return addressees, cc


def _outcome_label(choices: type[Outcome] | type[CaseOutcome], outcome: str | None) -> str:
    """An item's or the case's outcome as the letter prints it."""
    return choices(outcome).label if outcome else "Not yet decided"


def letter_context(
    determination: Determination, *, public: bool, letter: Letter | None = None
) -> dict:
    """Everything the letter template prints, from the determination's current data. For a
    preview (no letter yet) the mailing date reads "Not yet mailed" and the dates the notices
    count from are today's. The reviewer's name is deliberately not in it."""
    case = determination.case
    organization = organization_current()
    text = letter.letter_text if letter is not None else letter_text_current()
    today = timezone.localdate()
    mailing_date = letter.mailing_date if letter is not None else None
    decision_date = determination.decision_date or mailing_date or today
    decisions = list(determination.decisions.select_related("item").order_by("item__position"))
    items = []
    for decision in decisions:
        outcome_label = _outcome_label(Outcome, decision.outcome)
        items.append(
            {
                "line": item_line(decision.item, outcome_label),
                "description": decision.item.description.strip(),
                "outcome_label": outcome_label,
                # Lab. Code 4610.6(d): what the decision means, in terms a worker understands.
                "plain": {
                    Outcome.OVERTURNED: with_org(text.item_overturned_plain, organization),
                    Outcome.UPHELD: with_org(text.item_upheld_plain, organization),
                }.get(decision.outcome, ""),
                "ur_citation": citation_render(
                    decision.item.ur_citation_kind,
                    decision.item.ur_citation_text,
                    by=CLAIMS_ADMINISTRATOR,
                ),
                "reviewer_citation": citation_render(
                    decision.citation_kind, decision.citation_text, by=EXPERT_REVIEWER
                ),
                "rationale": decision.rationale.strip(),
            }
        )
    context = {
        "public": public,
        # No letter yet: the reviewer's preview, which marks what is left to complete.
        "preview": letter is None,
        "title": f"Final Determination Letter {case.case_number}",
        "org": organization,
        "text": paragraphs_printed(text, organization),
        "how_made": with_org(text.how_made, organization),
        "case": case,
        "facts": {
            "date_assigned": letter_date(case.date_assigned),
            "date_of_injury": letter_date(case.date_of_injury),
            "decision_date": letter_date(decision_date),
            "ur_denial_date": letter_date(case.ur_decision_date),
            "priority": case.get_priority_display(),
            "application_received": letter_date(case.application_received),
        },
        "licensure": licensure_display(determination.reviewer_licensure),
        "certifications": ", ".join(determination.reviewer_certifications),
        "summary": determination.clinical_summary.strip(),
        "items": items,
        "amendment": _amendment(letter),
    }
    if public:
        return context
    addressees, cc = letter_recipients(case)
    employer = case.party(PartyRole.EMPLOYER)
    context.update(
        {
            "mailing_date_text": letter_date(mailing_date) if mailing_date else "Not yet mailed",
            "addressees": addressees,
            "cc": cc,
            "employer_name": employer.name if employer else "",
            "outcome_label": _outcome_label(CaseOutcome, determination.outcome),
            "documents": [
                {
                    "title": record.title,
                    "date": letter_date(record.document_date) or "undated",
                    "pages": record.pages,
                    "source": record.source,
                    "received": letter_date(timezone.localdate(record.received_at)),
                }
                for record in records_in_file(case).order_by(
                    F("document_date").asc(nulls_last=True), "id"
                )
            ],
            "records_incomplete": records_went_on_incomplete(case),
            "overturned": any(d.outcome == Outcome.OVERTURNED for d in decisions),
        }
    )
    # The duties are the claims administrator's, from its own receipt (8 CCR 9792.10.7(a)):
    # before service, counted by the way its copy is to go, e-mailed (received when sent) or
    # by post; once served, as the letter's service was recorded.
    claims = next((r for r in addressees if r.role == PartyRole.CLAIMS_ADMINISTRATOR), None)
    duties_by = (
        SentBy.ELECTRONIC
        if (letter is None or letter.served_on is None)
        and claims is not None
        and not claims.problem
        and claims.method == DeliveryMethod.EMAIL
        else ""
    )
    context.update(letter_dates(letter, today=today, duties_sent_by=duties_by))
    return context


def _amendment(letter: Letter | None) -> dict | None:
    """An amended version prints what it amends and why (issue 10): "This letter amends the
    letter of <date>: <reason>"."""
    amends = letter_amends(letter) if letter is not None else None
    if amends is None:
        return None
    return {
        "date": letter_date(amends.mailing_date) or "an earlier date",
        "version": amends.version,
        "reason": letter.correction_note,
    }


def records_went_on_incomplete(case: Case) -> bool:
    """Whether the review went on without complete records (the last time records were
    marked complete, it was by proceeding past their due date)."""
    last = (
        case.events.filter(type=EventType.RECORDS_COMPLETED)
        .order_by("-created_at", "-id")
        .values_list("details", flat=True)
        .first()
    )
    return bool(last) and last.get("complete") is False


def letter_dates(
    letter: Letter | None, *, today: dt.date, duties_sent_by: str = ""
) -> dict[str, str]:
    """The notices' dates, by the calculator the case page uses: the appeal 30 days after
    service, +5 for service other than personal within California (Lab. Code 4610.6(h);
    8 CCR 10605(a); Matute v. LAUSD, WCAB 2015), the longer periods for an address outside
    California stated beside the date; the
    duties from receipt (8 CCR 9792.10.7(a)(2) 5 working days, (a)(1) 20 days). Before service
    the mailing date (today for a preview) and the settings for an unknown method apply.
    `duties_sent_by`: how the claims administrator's own copy goes ("electronic" when it is
    e-mailed), whose receipt the duties count from; else as the letter's service."""
    if letter is None:
        served_on, sent_by = today, ""
    else:
        served_on, sent_by = letter_service_facts(letter, today=today)
    clocks = compute(Facts(letter_mailed_on=served_on, letter_sent_by=sent_by))
    duties_by = duties_sent_by or sent_by
    duties = compute(Facts(letter_mailed_on=served_on, letter_sent_by=duties_by))
    received = duties.determination_received_on
    by_mail = (sent_by or settings.CLOCK_UNKNOWN_LETTER_SERVICE) == "mail"
    duties_by_mail = (duties_by or settings.CLOCK_UNKNOWN_LETTER_SERVICE) == "mail"
    return {
        "authorization_due": letter_date(duties.authorization_due_on.on),
        "reimbursement_due": letter_date(duties.reimbursement_due_on.on),
        "appeal_due": letter_date(clocks.appeal_deadline.on),
        # The service the printed dates assume: the letter is signed once, and a copy posted
        # in a later batch or held for an address is served later (its proof says when), so
        # its party must not read a last day that passed before their time ran out.
        "served_on": letter_date(served_on),
        # The holiday-calendar version each printed date used; the letter stores them.
        "duties_printed": {
            "authorization_due_on": duties.authorization_due_on.on.isoformat(),
            "reimbursement_due_on": duties.reimbursement_due_on.on.isoformat(),
        },
        "calendar_versions": {
            key: deadline.calendar
            for key, deadline in (
                ("appeal_deadline", clocks.appeal_deadline),
                ("authorization_due_on", duties.authorization_due_on),
                ("reimbursement_due_on", duties.reimbursement_due_on),
            )
            if deadline.calendar
        },
        "duties_from": (
            f"Counted from receipt of this letter (taken as {letter_date(received)}, "
            f"{settings.CLOCK_MAIL_RECEIPT_DAYS} days after mailing)"
            if duties_by_mail
            else "Counted from receipt of this letter (by e-mail, the day it is sent)"
        ),
        # 8 CCR 10605(a): service by mail, e-mail or any way but personal service adds 5 days
        # within California, 10 elsewhere in the United States, 20 outside it ((a)(1)-(3)). One
        # date is printed, for an address in California (the setting); the longer periods are
        # said beside it, so a party served out of state is never told too early a date.
        "appeal_from": (
            "Counted from the date of service of this letter, with "
            f"{settings.CLOCK_APPEAL_SERVICE_EXTENSION_DAYS} days added for service other than "
            "personal service to an address in California (10 days to an address elsewhere in "
            "the United States, 20 outside it: 8 CCR 10605(a)"
            + ("; Code Civ. Proc. 1013(a))" if by_mail else ")")
        ),
    }


def letter_html(
    determination: Determination, *, public: bool = False, letter: Letter | None = None
) -> str:
    """The letter as an HTML page for the browser (the reviewer's preview), from the same
    template as the PDF; its stylesheet is linked from the static files."""
    context = letter_context(determination, public=public, letter=letter)
    context["stylesheet_href"] = static("letters/letter.css")
    context["phone_stylesheet_href"] = static("letters/letter-phone.css")
    return render_to_string("letters/letter.html", context)


def _letter_html_for_pdf(determination: Determination, *, public: bool, letter: Letter) -> str:
    # The renderer applies the stylesheet itself (parsed once per process).
    return render_to_string(
        "letters/letter.html", letter_context(determination, public=public, letter=letter)
    )


def _letter_html_both(
    determination: Determination, *, letter: Letter
) -> tuple[str, str, Organization, dict[str, str], dict[str, str]]:
    """The party and the public HTML from one reading of the data (the public letter prints
    a subset of the party letter's context), the organization they print, the calendar
    versions of the dates they print and the duty dates they print (Letter.duties_printed)."""
    context = letter_context(determination, public=False, letter=letter)
    party = render_to_string("letters/letter.html", context)
    public = render_to_string("letters/letter.html", {**context, "public": True})
    return party, public, context["org"], context["calendar_versions"], context["duties_printed"]


# --- The PDF (WeasyPrint) -------------------------------------------------------------------

# The only static folders the letter may read from: its stylesheet and the bundled fonts.
LETTER_STATIC_FOLDERS = ("letters", "fonts")


class URLRefused(ValueError):
    """The letter asked for something other than its own static files."""


def _letter_stylesheet_path() -> Path:
    found = finders.find("letters/letter.css")
    if not found:
        raise FileNotFoundError("static/letters/letter.css is missing")
    return Path(found).resolve()


def _static_roots() -> list[Path]:
    roots = []
    for base in settings.STATICFILES_DIRS:
        base_path = Path(base[1] if isinstance(base, tuple) else base)
        roots.extend((base_path / folder).resolve() for folder in LETTER_STATIC_FOLDERS)
    return roots


def _fetcher_class():
    # WeasyPrint is imported only where a PDF is made (about 0.35 s): the web process rarely
    # renders, the worker imports it once (NOTES.md).
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticFileFetcher(URLFetcher):
        """Serves the letter's stylesheet and fonts from disk; refuses every other URL, so no
        text in a letter can make the server fetch anything."""

        def __init__(self):
            super().__init__(allowed_protocols={"file"}, allow_redirects=False)
            self.roots = _static_roots()

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
                raise URLRefused(f"The letter fetches nothing from {url[:120]!r}.")
            path = Path(url2pathname(parts.path)).resolve()
            if not path.is_file() or not any(path.is_relative_to(root) for root in self.roots):
                raise URLRefused(f"The letter may not read {url[:120]!r}.")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(
                url, body=path.read_bytes(), headers={"Content-Type": content_type}
            )

    return StaticFileFetcher


def static_file_fetcher():
    """A new URL fetcher that serves only the letter's static files."""
    return _fetcher_class()()


class _Renderer:
    """WeasyPrint with the letter's stylesheet and fonts parsed once and reused by every
    render in this process (the stylesheet is the main per-render cost after layout)."""

    def __init__(self, url_fetcher):
        # WeasyPrint imported lazily: see _fetcher_class.
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        stylesheet = _letter_stylesheet_path()
        self.url_fetcher = url_fetcher
        self.base_url = stylesheet.parent.as_uri() + "/"
        self.font_config = FontConfiguration()
        self.stylesheet = CSS(
            filename=str(stylesheet), url_fetcher=url_fetcher, font_config=self.font_config
        )

    def pdf(self, html: str) -> bytes:
        # WeasyPrint imported lazily: see _fetcher_class.
        from weasyprint import HTML

        document = HTML(string=html, base_url=self.base_url, url_fetcher=self.url_fetcher)
        return document.write_pdf(stylesheets=[self.stylesheet], font_config=self.font_config)


_renderer_lock = threading.Lock()
_renderer: _Renderer | None = None


@atexit.register
def _renderer_drop() -> None:
    # Release WeasyPrint's font configuration while its libraries are still loaded (at
    # interpreter teardown its finalizer would fail noisily).
    global _renderer
    _renderer = None


def letter_pdf(html: str, *, url_fetcher=None) -> bytes:
    """The letter's HTML as unsigned PDF bytes (US Letter, bundled fonts, page numbers). With
    `url_fetcher`, a fresh renderer that fetches through it (tests watch what is fetched)."""
    global _renderer
    with _renderer_lock:
        if url_fetcher is not None:
            return _Renderer(url_fetcher).pdf(html)
        if _renderer is None:
            _renderer = _Renderer(static_file_fetcher())
        return _renderer.pdf(html)
