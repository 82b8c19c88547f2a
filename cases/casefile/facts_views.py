"""The case page's "Edit the facts" page: a case administrator corrects the parties, dates,
items (edited, added, removed), diagnoses, other names in the case file and, within the law,
the priority before the letter is issued. Thin: each section's form is read into an
intake-shaped change and handed to `case_facts_edit`, which applies intake's rules."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect, reselect, reswap, retarget

from cases.access import Ability, access_required, case_get_for
from cases.eligibility.services import RECORDS_COMPLETE_DAY
from cases.intake.corrections import (
    CASE_FIELDS,
    PARTY_FIELDS,
    case_facts_edit,
    standard_correctable,
)
from cases.intake.forms import EligibilityFactsForm
from cases.intake.validation.keys import PARTY_KEYS
from cases.jsoncheck import visible_strip
from cases.lifecycle.models import (
    AuthorizationKind,
    CaseStatus,
    CitationKind,
    DrugClass,
    ItemCategory,
    PartyRole,
    SentBy,
    ServedBy,
    Sex,
)
from cases.lifecycle.status_table import Action, allowed_actions
from cases.lifecycle.statuses import SCREEN_WAITING_STATUSES

WORKER_FORM_KEYS = ("first_name", "last_name", "date_of_birth", "sex", "email", "address")
ITEM_FORM_KEYS = ("description", "category", "original_request", "authorized_portion")
# The roles whose party has a specialty (intake's PARTY_KEYS give it to the physicians).
SPECIALTY_ROLES = tuple(role for role in PartyRole.values if "specialty" in PARTY_KEYS[role])


def _item(post) -> dict:
    """An item form as an intake item."""
    item = {key: post[key].strip() for key in ITEM_FORM_KEYS if key in post}
    item["authorization_kind"] = (
        AuthorizationKind.SUBSTITUTE
        if post.get("authorization_kind") == AuthorizationKind.SUBSTITUTE
        else AuthorizationKind.PORTION
    )
    if "ur_citation_kind" in post:
        item["ur_citation"] = {
            "kind": post["ur_citation_kind"].strip(),
            "text": visible_strip(post.get("ur_citation_text", "")),
        }
    item["formulary_dispute"] = post.get("formulary_dispute") == "on"
    item["drug_class"] = post.get("drug_class", "").strip() or None
    return item


def _index(post) -> int:
    try:
        return int(post.get("index", ""))
    except ValueError as error:
        raise Http404("No such item.") from error


def _item_shown(post) -> dict:
    """The item the page showed at that index (its id), so that a page opened before another
    item was added or removed never edits or removes the item now in that place."""
    try:
        return {"items_shown": {_index(post): int(post["item"])}}
    except (KeyError, ValueError):
        return {}


def _changes(post) -> dict:
    """The posted section as intake-shaped changes; an empty box clears an optional fact."""
    section = post.get("section")
    if section == "case":
        changes = {key: post[key].strip() for key in CASE_FIELDS if key in post}
        if "records_complete_on" in post:
            changes["records_complete_on"] = post["records_complete_on"].strip()
        return changes
    if section == "application":
        return {key: post[key].strip() for key in EligibilityFactsForm.base_fields if key in post}
    if section == "priority":
        return {"priority": post.get("priority", "").strip()}
    if section == "worker":
        return {"injured_worker": {k: post[k].strip() for k in WORKER_FORM_KEYS if k in post}}
    if section == "party":
        role = post.get("role")
        if role not in PartyRole.values:
            raise Http404("No such party.")
        return {role: {key: post[key].strip() for key in PARTY_FIELDS if key in post}}
    if section == "diagnoses":
        lines = [line.strip() for line in post.get("diagnoses", "").splitlines()]
        return {"diagnoses": [line for line in lines if line]}
    if section == "other_names":
        return {"other_names": post.get("other_names", "").splitlines()}
    if section == "item":
        return {"items": {_index(post): _item(post)}, **_item_shown(post)}
    if section == "item_add":
        return {"items_add": [_item(post)]}
    if section == "item_remove":
        return {"items_remove": [_index(post)], **_item_shown(post)}
    raise Http404("No such section.")


def _refusal_slot(post) -> str:
    """The id of the place beside the form posted where its refusal is said
    (cases/partials/facts_refusal.html): each party's and item's form has its own; an item's
    removal is said at the item."""
    section = post.get("section", "")
    if section == "party":
        return f"refusal-party-{post.get('role', '')}"
    if section in ("item", "item_remove"):
        return f"refusal-item-{_index(post)}"
    return f"refusal-{section}"


def _records_complete_refusal(post, error: ValidationError) -> dict:
    """The day records were complete as posted, with its own refusals, for the page to say
    beside it (and in the form's summary, as every refusal); {} when it was not posted."""
    if "records_complete_on" not in post:
        return {}
    # A refusal of several facts at once (a model's full_clean) has no list of its own.
    refusals = getattr(error, "error_list", ())
    return {
        "records_complete_typed": post["records_complete_on"].strip(),
        "records_complete_errors": [
            message
            for each in refusals
            if each.code == RECORDS_COMPLETE_DAY
            for message in each.messages
        ],
    }


def _eligibility_form(case) -> EligibilityFactsForm:
    """The application's eligibility facts as the case holds them (from QA: one left "Not
    stated" at intake could only be overridden at the screen, never corrected)."""
    return EligibilityFactsForm(
        initial={key: getattr(case, key) for key in EligibilityFactsForm.base_fields}
    )


def _context(case, *, errors=(), **refused) -> dict:
    actions = allowed_actions(case)
    parties = {party.role: party for party in case.parties.all()}
    return {
        "case": case,
        # Every role, so a party left out at intake can be added; the empty ones last.
        "party_forms": sorted(
            (
                (role, label, parties.get(role), role in SPECIALTY_ROLES)
                for role, label in PartyRole.choices
            ),
            key=lambda row: row[2] is None,
        ),
        "items": list(case.items.all()),
        # Until the finding is made: the screen checks the corrected facts again. After it a
        # correction would change nothing that was decided (from a review).
        "eligibility_form": (
            _eligibility_form(case)
            if case.status == CaseStatus.RECEIVED or case.status in SCREEN_WAITING_STATUSES
            else None
        ),
        "served_by": ServedBy.choices,
        "sent_by": SentBy.choices,
        "item_categories": ItemCategory.choices,
        "drug_classes": DrugClass.choices,
        "citation_kinds": CitationKind.choices,
        "sexes": Sex.choices,
        "errors": list(errors),
        "editable": Action.EDIT_FACTS in actions or Action.CORRECT_FOR_AMENDMENT in actions,
        # The letter is issued: only what it prints about the people and the claim, for an
        # amended version (cases.intake.corrections.AFTER_ISSUE_CASE_KEYS).
        "after_issue": Action.EDIT_FACTS not in actions and Action.CORRECT_FOR_AMENDMENT in actions,
        "items_changeable": Action.CHANGE_ITEMS in actions,
        "convertible": Action.CONVERT_TO_EXPEDITED in actions,
        "standard_correctable": standard_correctable(case),
        **refused,
    }


@access_required(Ability.MANAGE_CASES)
def case_facts_edit_page(request, case_number: str):
    case = case_get_for(request.user, case_number)
    if request.method != "POST":
        return render(request, "cases/case_facts.html", _context(case))
    try:
        result = case_facts_edit(case=case, actor=request.user, changes=_changes(request.POST))
    except ValidationError as error:
        said_beside = _records_complete_refusal(request.POST, error)
        if request.htmx:
            # Only the refusal, swapped in beside the form posted: the page is not drawn again,
            # so every value typed stays as typed to be put right (htmx swaps a 2xx answer).
            # The date of records complete is drawn again out of band, as typed, with its own
            # refusal beside it or none.
            slot = _refusal_slot(request.POST)
            context = {"slot": slot, "refusal_slot": slot, "errors": error.messages}
            if said_beside:
                context.update(said_beside, case=case, records_complete_oob=True)
            response = render(request, "cases/partials/facts_refusal.html", context)
            return reselect(retarget(reswap(response, "outerHTML"), f"#{slot}"), f"#{slot}")
        context = _context(case, errors=error.messages, **said_beside)
        return render(request, "cases/case_facts.html", context, status=422)
    messages.success(request, result.message)
    if result.changes and case.status == CaseStatus.ISSUED:
        messages.info(
            request,
            "The issued letter stays as it was signed. To send the parties the corrected "
            "facts, use “Issue an amended letter” in the letters panel, saying what it corrects.",
        )
    case_url = reverse("casefile:case_detail", args=[case.case_number])
    if request.htmx:
        return HttpResponseClientRedirect(case_url)
    return redirect(case_url)
