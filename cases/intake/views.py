"""The case administrators' pages. Views parse input, call one selector or service, and render;
with htmx they render only the fragment that changed (template partials)."""

from __future__ import annotations

import contextlib
import re

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.row_ids import row_id
from cases.access import Ability, access_required
from cases.formatting import us_time
from cases.intake.forms import (
    IntakeForms,
    ItemFormSet,
    RecordFormSet,
    draft_changed,
    draft_field_label,
    draft_form_data,
    draft_values,
    formset_row,
    refused_upload_token,
)
from cases.intake.models import IntakeDraft
from cases.intake.selectors import (
    case_made_from_draft,
    intake_draft_file_get_for,
    intake_draft_get_for,
    intake_drafts_of,
)
from cases.intake.services import (
    DRAFT_MAX_VALUE,
    DRAFT_RECORD_ROW,
    case_create_from_form,
    intake_draft_discard,
    intake_draft_file_add,
    intake_draft_file_remove,
    intake_draft_save,
)
from cases.intake.validation import IntakeInvalid
from cases.lifecycle.models import Case
from cases.registry import reviewer_side

# A record row's file in a form post: "records-0-file".
RECORD_FILE_KEY = re.compile(r"^(records-\d+)-file$")

# --- New application (intake) -----------------------------------------------------------------


def specialty_names() -> list[str]:
    """The specialty vocabulary, offered as suggestions for the requesting provider."""
    return reviewer_side().specialty_names()


def _intake_render(
    request,
    intake: IntakeForms,
    *,
    draft: IntakeDraft | None,
    submitted: bool,
    drafts: list[IntakeDraft] | None = None,
    status: int = 200,
):
    dropped = intake.dropped_files()
    for form in intake.records.forms:
        form.dropped_file_name = dropped.get(form.prefix, "")
        form.draft_file = intake.draft_files.get(form.prefix)
    if drafts is None:
        drafts = list(intake_drafts_of(request.user))
    context = {
        "intake": intake,
        "draft": draft,
        "other_drafts": [other for other in drafts if draft is None or other.pk != draft.pk],
        "draft_ids": ",".join(str(other.pk) for other in drafts),
        "error_summary": intake.error_summary() if submitted else [],
        "specialty_names": specialty_names(),
        "record_max_bytes": settings.RECORD_MAX_UPLOAD_BYTES,
    }
    return render(request, "cases/case_new.html", context, status=status)


def _draft_files(draft: IntakeDraft | None) -> dict:
    return {kept.row: kept for kept in draft.files.all()} if draft is not None else {}


def _posted_draft(request) -> IntakeDraft | None:
    """The draft a form post belongs to. One that is gone (its case was created in another
    tab) or not the user's starts a new draft: nobody writes to another's."""
    wanted = row_id(request.POST.get("draft"))
    if wanted is None:
        return None
    return intake_drafts_of(request.user).filter(pk=wanted).first()


def _fresh_uploads(request) -> list[tuple[str, object]]:
    """Record files chosen and sent with this post: (row, file)."""
    found = []
    for key, uploaded in request.FILES.items():
        match = RECORD_FILE_KEY.match(key)
        if match:
            found.append((match[1], uploaded))
    return found


def _too_long_said(too_long) -> str:
    """The fields a draft did not keep for their length, named as the page labels them."""
    return " ".join(
        f"“{draft_field_label(key)}” holds {length:,} characters, more than a draft keeps "
        f"({DRAFT_MAX_VALUE:,}): the draft keeps the rest; shorten it and it is kept too."
        for key, length in too_long
    )


def _draft_keep(request, draft: IntakeDraft | None, data) -> IntakeDraft:
    """A plain post of the form keeps it all in the draft: the values and every chosen file
    that is a record (one that is not says why next to its field). A field too long for a
    draft is named; the rest is kept, and the page still shows what was typed (from QA: a
    25,000-character field was a server error, and the typing lost)."""
    result = intake_draft_save(owner=request.user, draft=draft, values=draft_values(data))
    draft = result.draft
    if result.too_long:
        messages.error(request, _too_long_said(result.too_long))
    for row, uploaded in _fresh_uploads(request):
        # A file that is not a record is refused; is_valid already said why next to it.
        with contextlib.suppress(ValidationError):
            intake_draft_file_add(draft=draft, row=row, uploaded=uploaded)
    return draft


def _intake_save(intake: IntakeForms, actor, draft: IntakeDraft | None) -> Case | None:
    """Create the case with its records (one service, one transaction) and drop its draft; a
    problem found while writing goes next to its field, like every other intake problem."""
    try:
        return case_create_from_form(data=intake.case_data(), actor=actor, draft=draft)
    except IntakeInvalid as invalid:
        intake.errors_place(invalid.errors)
        return None


def _draft_url(draft: IntakeDraft | None) -> str:
    url = reverse("intake:case_new")
    return f"{url}?draft={draft.pk}" if draft is not None else url


@access_required(Ability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def case_new(request):
    if request.method == "GET":
        return _case_new_page(request)
    draft = _posted_draft(request)
    adding = next((kind for kind in ("items", "records") if f"add_{kind}" in request.POST), None)
    if adding:
        # Without JavaScript, "Add another" comes back with one more empty row, keeping
        # everything typed and every chosen file (kept with the draft).
        data = request.POST.copy()
        total_key = f"{adding}-TOTAL_FORMS"
        try:
            data[total_key] = str(int(data.get(total_key, "0")) + 1)
        except ValueError:
            return HttpResponseBadRequest("The form is damaged; reload the page.")
        draft = _draft_keep(request, draft, data)
        intake = IntakeForms(data, request.FILES, draft_files=_draft_files(draft))
        intake.hold_errors()
        return _intake_render(request, intake, draft=draft, submitted=False)
    intake = IntakeForms(request.POST, request.FILES, draft_files=_draft_files(draft))
    try:
        if intake.is_valid():
            case = _intake_save(intake, request.user, draft)
            if case is not None:
                messages.success(
                    request,
                    f"Case {case.case_number} created for {case.worker_name}.",
                    # The page it lands on drops this browser's copy of the form (session.js),
                    # and focuses the message: the button is at the foot of a long form.
                    extra_tags="intake-created focus",
                )
                return redirect("casefile:case_detail", case_number=case.case_number)
    finally:
        intake.files_close()
    # Nothing was created: keep what was typed and chosen, so fixing it loses nothing. Unless
    # the draft this page posted is gone: its case was made by this form a moment ago (Create
    # case pressed twice) or it was discarded in another window. A new draft would be a stray
    # copy of a submitted application, opened by the next "New application"; the page shows
    # what was typed, and its next autosave starts a draft if there is more to keep.
    if draft is not None or row_id(request.POST.get("draft")) is None:
        draft = _draft_keep(request, draft, request.POST)
    intake.draft_files = _draft_files(draft)
    return _intake_render(request, intake, draft=draft, submitted=True)


def _case_new_page(request):
    """The intake form: the draft asked for, else a blank form when starting over, else the
    user's latest draft (the others are listed to continue). A draft asked for that is gone
    leads to the case made from it, else to a blank form."""
    drafts = list(intake_drafts_of(request.user))
    wanted = request.GET.get("draft")
    if wanted and not any(draft.pk == row_id(wanted) for draft in drafts):
        # From QA: Back after "Create case" showed "Page not found" (the draft is dropped with
        # the case made from it). Its case is shown instead.
        case = case_made_from_draft(request.user, wanted)
        if case is None:
            # From QA: a discarded draft's address was "Page not found". A new application
            # instead, saying the same for a draft discarded and another's (nothing of it shown).
            messages.info(
                request,
                "That draft is no longer there: it was discarded, or it is not one of yours. "
                "This is a new application.",
                extra_tags="focus",
            )
            return redirect(reverse("intake:case_new") + "?new=1")
        messages.info(request, f"That draft became case {case.case_number}.")
        return redirect("casefile:case_detail", case_number=case.case_number)
    if wanted:
        draft = intake_draft_get_for(request.user, wanted)
    elif "new" in request.GET:
        draft = None
    else:
        draft = drafts[0] if drafts else None
    if draft is None:
        return _intake_render(request, IntakeForms(), draft=None, submitted=False, drafts=drafts)
    intake = IntakeForms(draft_form_data(draft.values), draft_files=_draft_files(draft))
    intake.hold_errors()
    return _intake_render(request, intake, draft=draft, submitted=False, drafts=drafts)


# --- The draft: autosave, files, start over ---------------------------------------------------


def _saved_at_text(draft: IntakeDraft) -> str:
    return us_time(draft.updated_at)


@access_required(Ability.MANAGE_CASES)
@require_POST
def draft_save(request):
    """Autosave (htmx, debounced as the user types) and the plain "Save draft" button: one
    endpoint, one service. A window that saves after another merges field by field."""
    draft = _posted_draft(request)
    if draft is None and request.htmx and row_id(request.POST.get("draft")) is not None:
        # The draft this page saved to is gone: its case was just created (an autosave still
        # on its way as the form was submitted) or it was discarded in another window. Making
        # a new draft here would leave a stray copy of a submitted application; the page
        # forgets the old id instead, and the next change it sends starts a new draft.
        context = {"draft": None, "gone": True}
        return render(request, "cases/case_new.html#draft-state", context)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = None
    try:
        result = intake_draft_save(
            owner=request.user,
            draft=draft,
            values=draft_values(request.POST),
            changed=draft_changed(request.POST),
            version=version,
        )
    except ValidationError as error:
        if request.htmx:
            context = {"draft": draft, "error": " ".join(error.messages)}
            return render(request, "cases/case_new.html#draft-state", context)
        messages.error(request, " ".join(error.messages), extra_tags="focus")
        return redirect(_draft_url(draft))
    draft = result.draft
    if request.htmx:
        context = {"draft": draft, "saved_at": _saved_at_text(draft), "merged": result.merged}
        if result.too_long:
            context["error"] = _too_long_said(result.too_long)
        return render(request, "cases/case_new.html#draft-state", context)
    for row, uploaded in _fresh_uploads(request):
        try:
            intake_draft_file_add(draft=draft, row=row, uploaded=uploaded)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    if result.too_long:
        messages.error(request, _too_long_said(result.too_long))
        return _form_as_posted(request, draft)
    # Focused on the page it leads to: the button sits at the form's foot, the page reloads at
    # its top (from QA: the focus was left on the page itself).
    messages.success(request, f"Draft saved at {_saved_at_text(draft)}.", extra_tags="focus")
    return redirect(_draft_url(draft))


def _form_as_posted(request, draft: IntakeDraft):
    """The form as posted, not the draft as kept: a field too long for the draft stays on the
    page as typed, to be shortened (the files chosen are kept with the draft)."""
    intake = IntakeForms(request.POST, draft_files=_draft_files(draft))
    intake.hold_errors()
    return _intake_render(request, intake, draft=draft, submitted=False)


def _record_row(row: str):
    """An empty record row of the form, numbered as `row` ("records-3")."""
    match = DRAFT_RECORD_ROW.match(row)
    if match is None or int(match[1]) >= RecordFormSet.max_num:
        raise Http404("No such part of the form.")
    return formset_row(RecordFormSet, prefix="records", index=int(match[1]))


@access_required(Ability.MANAGE_CASES)
@require_POST
def draft_file_add(request):
    """A record file chosen in the form, uploaded at once and kept with the draft (a draft
    begins here if none has yet). The row shows it, or says why it is refused."""
    uploads = _fresh_uploads(request)
    if len(uploads) != 1:
        return HttpResponseBadRequest("Choose one PDF file.")
    row, uploaded = uploads[0]
    form = _record_row(row)
    draft = _posted_draft(request)
    if draft is None:
        draft = intake_draft_save(owner=request.user, draft=None, values={}).draft
    kept, upload_error = None, ""
    try:
        kept = intake_draft_file_add(draft=draft, row=row, uploaded=uploaded)
    except ValidationError as error:
        upload_error = " ".join(error.messages)
    if not request.htmx:
        if upload_error:
            messages.error(request, upload_error)
        return redirect(_draft_url(draft))
    form.draft_file = kept
    context = {
        "form": form,
        "draft": draft,
        "upload_error": upload_error,
        "upload_refused": refused_upload_token(upload_error) if upload_error else "",
        "oob_draft": True,
        # The file input the focus was on is replaced: the row's answer takes it, if the focus
        # has not gone elsewhere meanwhile (from QA it went to the page, or to another row's
        # field, where typing changed that field). session.js: data-focus-if-lost.
        "focus_slot": True,
    }
    if upload_error:
        form.fields["file"].widget.attrs["data-focus-if-lost"] = ""
    return render(request, "cases/case_new.html#record-file", context)


@access_required(Ability.MANAGE_CASES)
@require_POST
def draft_file_remove(request, pk: int):
    """Remove a kept record file from the draft; the row offers the file input again. Without
    JavaScript the button posts the whole form: what was typed is kept too."""
    kept = intake_draft_file_get_for(request.user, pk)
    draft = kept.draft
    row = kept.row
    too_long = ()
    if not request.htmx and draft_values(request.POST):
        result = intake_draft_save(
            owner=request.user, draft=draft, values=draft_values(request.POST)
        )
        draft, too_long = result.draft, result.too_long
    intake_draft_file_remove(draft_file=kept)
    if too_long:
        messages.error(request, _too_long_said(too_long))
        return _form_as_posted(request, draft)
    if not request.htmx:
        messages.success(request, f"Removed {kept.original_filename} from the application.")
        return redirect(_draft_url(draft))
    form = _record_row(row)
    form.draft_file = None
    # The Remove button pressed is gone: the file input drawn in its place takes the focus.
    form.fields["file"].widget.attrs["data-focus-if-lost"] = ""
    return render(request, "cases/case_new.html#record-file", {"form": form, "draft": draft})


@access_required(Ability.MANAGE_CASES)
@require_POST
def draft_discard(request, pk: int):
    """ "Start over": the draft and its files are dropped; a blank form follows."""
    draft = intake_draft_get_for(request.user, pk)
    intake_draft_discard(draft=draft)
    messages.success(
        request,
        "The draft was discarded. The form is empty.",
        extra_tags="focus",  # focused on the page it leads to (from QA: lost)
    )
    return redirect(reverse("intake:case_new") + "?new=1")


@access_required(Ability.MANAGE_CASES)
@require_GET
def case_new_row(request, kind: str):
    """One more empty disputed item or record row for the intake form (htmx)."""
    formset_class = {"items": ItemFormSet, "records": RecordFormSet}.get(kind)
    if formset_class is None:
        raise Http404("No such part of the form.")
    if not request.htmx:
        return redirect("intake:case_new")
    try:
        index = int(request.GET.get(f"{kind}-TOTAL_FORMS", ""))
    except ValueError:
        return HttpResponseBadRequest("The form is damaged; reload the page.")
    if not 0 <= index < formset_class.max_num:
        return HttpResponseBadRequest(f"At most {formset_class.max_num} rows.")
    form = formset_row(formset_class, prefix=kind, index=index)
    first_field = "description" if kind == "items" else "file"
    form.fields[first_field].widget.attrs["autofocus"] = True
    context = {"form": form, "number": index + 1, "kind": kind, "total_forms": index + 1}
    partial = "item-row" if kind == "items" else "record-row"
    return render(request, f"cases/case_new.html#{partial}", context)
