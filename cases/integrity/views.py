"""The system administrators' integrity page: what the checks found, the last runs."""

from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from cases.access import Ability, access_required
from cases.integrity.selectors import integrity_overview


@access_required(Ability.SEE_INTEGRITY)
@require_GET
def integrity(request):
    return TemplateResponse(request, "integrity/integrity.html", integrity_overview())
