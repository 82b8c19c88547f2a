"""The category-to-specialties table page (SPEC section 4, rule 2)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods

from accounts.row_ids import row_id
from cases.access import Ability, access_required
from cases.lifecycle.models import ItemCategory
from reviews.roster.selectors import specialty_table_rows
from reviews.roster.services import category_specialties_set, specialty_add


@access_required(Ability.MANAGE_CASES)
@require_http_methods(["GET", "POST"])
def specialty_table(request):
    errors = {}
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add_specialty":
                specialty = specialty_add(name=request.POST.get("name", ""), actor=request.user)
                messages.success(request, f"'{specialty.name}' added to the specialties.")
            else:
                category = request.POST.get("category", "")
                posted = (row_id(pk) for pk in request.POST.getlist("specialties"))
                ids = [pk for pk in posted if pk is not None]
                names = category_specialties_set(
                    category=category, specialty_ids=ids, actor=request.user
                )
                messages.success(
                    request,
                    f"{ItemCategory(category).label}: {', '.join(names)}.",
                )
                if request.htmx:
                    return _category_row(request, category)
        except ValidationError as exc:
            if request.htmx and action != "add_specialty":
                return _category_row(
                    request, request.POST.get("category", ""), error=" ".join(exc.messages)
                )
            errors[action or "category"] = " ".join(exc.messages)
            messages.error(request, " ".join(exc.messages))
        else:
            return redirect("roster:specialty_table")
    specialties, rows = specialty_table_rows()
    return TemplateResponse(
        request,
        "reviews/specialty_table.html",
        {
            "rows": rows,
            "specialties": specialties,
            "errors": errors,
            # A refused name stays in its field, to be corrected rather than typed again.
            "typed_name": request.POST.get("name", ""),
        },
    )


def _category_row(request, category, error=""):
    if category not in ItemCategory.values:
        raise Http404("No such category.")
    specialties, (row,) = specialty_table_rows(category=category)
    row["error"] = error
    return TemplateResponse(
        request,
        "reviews/specialty_table.html#category-row",
        {"row": row, "specialties": specialties},
    )


@access_required(Ability.MANAGE_CASES)
def specialty_row(request, category):
    return _category_row(request, category)
