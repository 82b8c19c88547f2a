"""The deadline calculator (case administrators) and the holiday tables (read by case
administrators, edited by system administrators). Thin: parse the form, call the calculator, a
selector or one service, render."""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from cases.access import Ability, access_required, may
from cases.clock.calculator import Clocks, FactsError, compute, parse_facts
from cases.clock.deadlines import Deadline
from cases.clock.models import CalendarName
from cases.clock.seed import FIRST_YEAR, RULES_LAST_YEAR
from cases.clockpages.forms import CalculatorForm, HolidayEditForm
from cases.clockpages.selectors import calendar_tables
from cases.clockpages.services import holiday_add, holiday_remove, holiday_rename

# The calculator's dates in the order the work meets them, as the page names them.
DATE_LABELS = (
    ("application_deadline", "Application deadline"),
    ("notice_due_on", "Eligibility finding and notice of assignment due"),
    ("records_due_on", "Medical records due"),
    ("determination_due_on", "Determination due"),
    ("appeal_deadline", "Appeal deadline (petition to the WCAB)"),
    ("authorization_due_on", "Authorization due (overturned service not yet given)"),
    ("reimbursement_due_on", "Reimbursement due (overturned service already given)"),
)


@dataclass
class ResultRow:
    key: str
    label: str
    deadline: Deadline
    note: str = ""
    item: bool = False


def _rows(clocks: Clocks, facts: dict) -> list[ResultRow]:
    rows = []
    formulary = [item["formulary_dispute"] for item in facts.get("items", [])]
    for key, label in DATE_LABELS:
        deadline = getattr(clocks, key)
        if deadline is None:
            continue
        note = ""
        if key == "application_deadline" and clocks.filed_late is not None:
            note = "Filed late" if clocks.filed_late else "Filed in time"
        if key == "determination_due_on" and clocks.items_due_first:
            first = [f"Item {index + 1}" for index in clocks.items_due_first]
            note = f"{' and '.join(first)} {'is' if len(first) == 1 else 'are'} due first"
        rows.append(ResultRow(key, label, deadline, note))
        if key == "determination_due_on":
            for index, item in enumerate(clocks.items):
                if item is not None:
                    # An expedited review counts every item in 3 days (Lab. Code 4610.6(d)),
                    # a drug-formulary dispute too.
                    if facts.get("priority") == "expedited":
                        kind = "expedited"
                        if formulary[index]:
                            kind += ", drug-formulary dispute"
                    else:
                        kind = "drug-formulary dispute" if formulary[index] else "standard"
                    rows.append(
                        ResultRow(
                            f"items[{index}].determination_due_on",
                            f"Item {index + 1} ({kind})",
                            item,
                            item=True,
                        )
                    )
    return rows


@access_required(Ability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def calculator(request):
    form = CalculatorForm(request.POST if request.method == "POST" else None)
    context: dict = {"form": form, "rows": None}
    status = 200
    if request.method == "POST":
        if form.is_valid():
            facts = form.facts()
            try:
                clocks = compute(parse_facts(facts))
            except FactsError as error:
                key = error.path.removeprefix("$.")
                form.add_error(key if key in form.fields else None, str(error))
            else:
                context["rows"] = _rows(clocks, facts)
                context["versions"] = sorted(
                    {row.deadline.calendar for row in context["rows"] if row.deadline.calendar}
                )
                context["facts_json"] = json.dumps(facts, indent=2)
        if context["rows"] is None:
            # A plain POST says 422; htmx swaps only 2xx answers, so it gets the errors as 200.
            status = 200 if request.htmx else 422
    template = "clockpages/calculator.html"
    if request.htmx:
        template += "#calculator"
    return TemplateResponse(request, template, context, status=status)


def _year(value: str | None) -> int:
    """The year asked for, or this year; the tables hold FIRST_YEAR on, and a year past their
    last shows (and on its first edit stores) what the seed rules give."""
    try:
        year = int(value or "")
    except ValueError:
        year = timezone.localdate().year
    return min(max(year, FIRST_YEAR), RULES_LAST_YEAR)


SERVICES = {"add": holiday_add, "rename": holiday_rename, "remove": holiday_remove}


@access_required(Ability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def holidays(request):
    year = _year(request.GET.get("year") or request.POST.get("year"))
    editing: dict[str, HolidayEditForm] = {}
    status = 200
    if request.method == "POST":
        if not may(request.user, Ability.EDIT_ORGANIZATION):
            raise PermissionDenied("Only a system administrator edits the holiday tables.")
        calendar = request.POST.get("edit", "")
        if calendar not in CalendarName.values:
            return HttpResponseBadRequest("No such calendar.")
        form = HolidayEditForm(request.POST, prefix=calendar)
        if form.is_valid():
            data = form.cleaned_data
            arguments = {
                "calendar": data["calendar"],
                "date": data["date"],
                "note": data["note"],
                "actor": request.user,
            }
            if data["action"] in ("add", "rename"):
                arguments["name"] = data["name"]
            if data["action"] == "add":
                arguments["source"] = data["source"]
            try:
                version = SERVICES[data["action"]](**arguments)
            except ValidationError as exc:
                for field_name, errors in exc.message_dict.items():
                    form.add_error(field_name if field_name in form.fields else None, errors)
            else:
                day = data["date"]
                # The version's note ends as a sentence before the next one (from QA: "…QA
                # test note Deadlines computed…").
                note = version.note.rstrip()
                note += "" if note.endswith((".", "!", "?")) else "."
                if data["action"] == "add" and day.weekday() >= 5:
                    # From QA: saved without a word, though it moves no deadline: neither
                    # calendar counts a Saturday or a Sunday as a working day.
                    messages.warning(
                        request,
                        f"Saved as version {version.number}: {note} {day:%m/%d/%Y} is "
                        f"a {day:%A}, which no deadline counts as a working day already, so this "
                        "holiday moves no date. If it is observed on a weekday (the Friday "
                        "before or the Monday after), add that day as well.",
                        extra_tags="focus",
                    )
                else:
                    messages.success(
                        request,
                        f"Saved as version {version.number}: {note} Deadlines computed "
                        "from now on use it; those computed before keep the version they "
                        "named. Open cases' due dates are being recounted; the case list shows "
                        "the new dates when that is done.",
                        extra_tags="focus",
                    )
                # Each message takes the focus (from QA: it stayed on the page itself); the
                # page opens at the calendar's fragment, where session.js gives it.
                url = reverse("clock:holidays")
                return redirect(f"{url}?year={data['date'].year}#{calendar}")
        editing[calendar] = form
        status = 422
    sections = [
        (
            table,
            editing.get(table.name)
            or HolidayEditForm(prefix=table.name, initial={"calendar": table.name}),
        )
        for table in calendar_tables(year)
    ]
    return TemplateResponse(
        request,
        "clockpages/holidays.html",
        {
            "sections": sections,
            "year": year,
            "years": range(FIRST_YEAR, max(year, timezone.localdate().year) + 12),
            "may_edit": may(request.user, Ability.EDIT_ORGANIZATION),
        },
        status=status,
    )
