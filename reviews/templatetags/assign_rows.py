"""The rows of the Assign page's reviewers, eligible and excluded, written in Python for the same
reason as the case list's (cases/templatetags/case_rows.py): 25 a page, each with its score's
parts or every reason, about half the page's time as template markup (issue 12). The markup is
the one the template drew; tests/reviews/assignment/test_assignment_views.py checks what each
row shows and that it is escaped."""

from __future__ import annotations

from html import escape

from django import template
from django.template.defaulttags import CsrfTokenNode
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _csrf_input(context) -> str:
    """What {% csrf_token %} draws (Django's own tag): the form's token as a hidden field."""
    return CsrfTokenNode().render(context)


def _score_part(part) -> str:
    points = f"{part.points} of {part.out_of}" if part.out_of else "excluded if any"
    return f"<li><strong>{escape(part.label)}</strong>: {points} · {escape(part.why)}</li>"


@register.simple_tag(takes_context=True)
def eligible_reviewer_row(context, candidate, number: int, first: bool) -> SafeString:
    """An eligible reviewer (a Candidate evaluated in full): their place in the ranking
    (`number`), name, reviewer id and specialties, the score and how it is made, and, while
    the case waits for a reviewer, the button that assigns them (the first of the unsearched
    list's first page is the primary one)."""
    entry = candidate.entry
    name = escape(entry.name)
    parts = "".join(_score_part(part) for part in candidate.score_parts)
    action = ""
    url = context.get("assign_url")
    if context.get("waiting") and url:
        url = escape(url)
        page = context.get("eligible_page")
        first_page = page is None or page.number == 1
        primary = " button--primary" if first and first_page and not context.get("query") else ""
        action = (
            f'<form method="post" action="{url}" hx-post="{url}" hx-disabled-elt="find button">'
            f"{_csrf_input(context)}"
            f'<input type="hidden" name="reviewer" value="{entry.user_id}">'
            f'<button type="submit" class="button{primary}">Assign'
            f'<span class="visually-hidden"> {name}</span></button></form>'
        )
    return mark_safe(
        f'<tr><td data-label="#">{number}</td>'
        f'<td data-label="Reviewer"><strong>{name}</strong><br><span class="muted">'
        f"{escape(entry.external_id)} · {escape(', '.join(entry.specialty_names))}</span></td>"
        f'<td data-label="Score"><span class="score" aria-label="Match score '
        f'{candidate.score} of 100">{candidate.score}</span></td>'
        f'<td data-label="How the score is made"><ul class="score-parts">{parts}</ul></td>'
        f'<td data-label="">{action}</td></tr>'
    )


@register.simple_tag
def excluded_reviewer_row(candidate) -> SafeString:
    """An excluded reviewer: name, reviewer id and every reason they cannot be assigned."""
    entry = candidate.entry
    reasons = "".join(f"<li>{escape(reason)}</li>" for reason in candidate.reasons)
    return mark_safe(
        f'<tr><td data-label="Reviewer"><strong>{escape(entry.name)}</strong><br>'
        f'<span class="muted">{escape(entry.external_id)}</span></td>'
        f'<td data-label="Every reason"><ul class="reasons reasons--excluded">{reasons}</ul></td>'
        "</tr>"
    )
