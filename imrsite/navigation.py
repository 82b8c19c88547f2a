"""`{% nav_links group %}`: the main navigation's links, in one place for base.html's two menus
(the wide row with "More", and the phone's "Menu"). Group "main" is the daily work, group
"more" the less-used settings and records. Each link shows when the user may do one of its
abilities (`may`, cases.access.abilities); the page shown is marked `aria-current="page"`.

Written in Python, not as an included template: base.html draws the links four times on every
page, and as template markup with a `{% url %}` each they cost about half a millisecond a page
(issue 12). Each path is reversed once per URLconf and script prefix. Registered for every
template as the library `navigation` (settings.TEMPLATES); tests/test_navigation.py checks
who sees which link."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe

from accounts.session_timeout import ACTIVITY_PRECISION

register = template.Library()


class NavLink(NamedTuple):
    group: str
    abilities: tuple[str, ...]  # shown to a user who may do any of these
    viewname: str
    label: str
    # The url names of the pages it marks as current, in its own view's namespace (a bare name
    # alone matched any namespace's page of that name: "search", "draft_save").
    current_on: tuple[str, ...]

    def marks(self, view_name: str | None) -> bool:
        namespace = self.viewname.rpartition(":")[0]
        return any(view_name == f"{namespace}:{name}" for name in self.current_on)


NAV_LINKS = (
    NavLink("main", ("see_dashboard",), "reports:dashboard", "Dashboard", ("dashboard",)),
    NavLink(
        "main",
        ("manage_cases", "review", "quality_review"),
        "casefile:case_list",
        "Cases",
        ("case_list", "case_detail"),
    ),
    NavLink("main", ("manage_cases",), "intake:case_new", "New application", ("case_new",)),
    NavLink("main", ("manage_cases",), "letters:print_queue", "Print queue", ("print_queue",)),
    NavLink(
        "main",
        ("manage_cases",),
        "assignment:assignments_batch",
        "Batch assignment",
        ("assignments_batch",),
    ),
    NavLink(
        "main",
        ("review",),
        "determination:reviewer_dashboard",
        "My cases",
        # Also the pages a refused form draws at its own address (a wrong signing password).
        (
            "reviewer_dashboard",
            "workspace_step",
            "workspace_accept",
            "workspace_decline",
            "draft_save",
            "warnings_confirm",
            "determination_submit",
        ),
    ),
    NavLink(
        "main",
        ("quality_review",),
        "quality:quality_queue",
        "Quality review",
        ("quality_queue", "quality_review", "quality_approve", "quality_return"),
    ),
    # From QA: the import was reached only from the case list's "Import a file" button.
    NavLink(
        "more",
        ("manage_cases",),
        "intake:import_new",
        "Import applications",
        ("import_new", "import_run"),
    ),
    NavLink(
        "more",
        ("search_precedents",),
        "precedents:precedent_search",
        "Precedents",
        ("precedent_search",),
    ),
    NavLink(
        "more", ("manage_cases",), "roster:specialty_table", "Specialties", ("specialty_table",)
    ),
    NavLink("more", ("manage_cases",), "clock:calculator", "Deadline calculator", ("calculator",)),
    NavLink("more", ("edit_organization",), "clock:holidays", "Holidays", ("holidays",)),
    NavLink("more", ("edit_organization",), "api_tokens:api_tokens", "API tokens", ("api_tokens",)),
    NavLink(
        "more",
        ("edit_organization",),
        "letters:organization_settings",
        "Letter settings",
        ("organization_settings",),
    ),
    # Django's admin is a site of its own: no page of it is "current" here.
    NavLink("more", ("edit_organization",), "admin:index", "Admin", ()),
    NavLink("more", ("search_audit_log",), "auditlog:search", "Audit log", ("search",)),
    NavLink("more", ("see_integrity",), "integrity:integrity", "File integrity", ("integrity",)),
)


@lru_cache(maxsize=128)
def _path(viewname: str, script_prefix: str, urlconf) -> str:
    return reverse(viewname, urlconf=urlconf)


def nav_links_shown(may: dict, group: str) -> list[NavLink]:
    """The group's links this user may follow, in menu order."""
    return [
        link
        for link in NAV_LINKS
        if link.group == group and any(may.get(ability) for ability in link.abilities)
    ]


@register.filter
def nav_group_shown(may: dict, group: str) -> bool:
    """Whether the user has any link of the group (base.html shows "More" only then)."""
    return bool(nav_links_shown(may or {}, group))


@register.simple_tag(takes_context=True)
def nav_links(context, group: str) -> SafeString:
    """The group's links as list items (labels and paths are ours: nothing to escape)."""
    may = context.get("may") or {}
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    current = match.view_name if match else None
    prefix, urlconf = get_script_prefix(), get_urlconf()
    items = []
    for link in nav_links_shown(may, group):
        marked = ' aria-current="page"' if link.marks(current) else ""
        href = _path(link.viewname, prefix, urlconf)
        items.append(f'<li><a href="{href}"{marked}>{link.label}</a></li>')
    return mark_safe("\n".join(items))


@register.simple_tag
def session_idle_seconds() -> int:
    """How long the session surely holds after the page's last request: the inactivity
    sign-out (accounts.session_timeout), less the time its record of activity may lag. The
    page warns before it (static/js/session.js)."""
    return settings.IMR_SESSION_IDLE_MINUTES * 60 - ACTIVITY_PRECISION
