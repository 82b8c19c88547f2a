"""The main navigation ({% nav_links %}, imrsite/navigation.py): each role sees the links of
what it may do, in both menus (the wide row with "More", and the phone's "Menu"), with the page
shown marked for screen readers, and no link to a page it would be refused."""

import re

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import clear_script_prefix, reverse, set_script_prefix

from accounts.models import Role
from imrsite.navigation import NAV_LINKS
from tests.factories import PASSWORD, UserFactory, case_in_review, determination_fill, login

pytestmark = pytest.mark.django_db

MAIN = {
    Role.CASE_ADMIN: ["Dashboard", "Cases", "New application", "Print queue", "Batch assignment"],
    Role.REVIEWER: ["Cases", "My cases"],
    Role.QUALITY_REVIEWER: ["Dashboard", "Cases", "Quality review"],
    Role.SYSTEM_ADMIN: [
        "Dashboard",
        "Cases",
        "New application",
        "Print queue",
        "Batch assignment",
    ],
}
MORE = {
    Role.CASE_ADMIN: ["Import applications", "Precedents", "Specialties", "Deadline calculator"],
    Role.REVIEWER: ["Precedents"],
    Role.QUALITY_REVIEWER: ["Precedents"],
    Role.SYSTEM_ADMIN: [
        "Import applications",
        "Precedents",
        "Specialties",
        "Deadline calculator",
        "Holidays",
        "API tokens",
        "Letter settings",
        "Admin",
        "Audit log",
        "File integrity",
    ],
}
# A page each role may open, and the link that page marks as the current one.
HOME = {
    Role.CASE_ADMIN: ("casefile:case_list", "Cases"),
    Role.REVIEWER: ("determination:reviewer_dashboard", "My cases"),
    Role.QUALITY_REVIEWER: ("quality:quality_queue", "Quality review"),
    Role.SYSTEM_ADMIN: ("clock:holidays", "Holidays"),
}
LINK = re.compile(r'<li><a href="([^"]+)"( aria-current="page")?>([^<]+)</a></li>')


def _menus(html: str) -> tuple[str, str]:
    wide = html[html.index('site-nav--wide"') : html.index('site-nav--narrow"')]
    narrow = html[html.index('site-nav--narrow"') : html.index('class="site-menu__account"')]
    return wide, narrow


@pytest.mark.parametrize("role", list(MAIN))
def test_each_role_sees_the_links_of_what_it_may_do_in_both_menus(role):
    viewname, current = HOME[role]
    client = login(Client(), UserFactory(role=role))
    page = client.get(reverse(viewname))
    assert page.status_code == 200
    wide, narrow = _menus(page.content.decode())
    more_at = wide.index('class="nav-more__list"')
    assert [label for _href, _mark, label in LINK.findall(wide[:more_at])] == MAIN[role]
    assert [label for _href, _mark, label in LINK.findall(wide[more_at:])] == MORE[role]
    narrow_links = LINK.findall(narrow)
    assert [label for _href, _mark, label in narrow_links] == MAIN[role] + MORE[role]
    # The page shown is marked in each menu, and only it.
    for menu in (wide, narrow):
        assert [label for _href, mark, label in LINK.findall(menu) if mark] == [current]
    # Every link leads somewhere this role may go.
    for href, _mark, label in narrow_links:
        if label != "Admin":
            assert client.get(href).status_code == 200, label


def test_more_is_there_only_when_it_holds_a_link():
    source = Template('{% load navigation %}{% if may|nav_group_shown:"more" %}More{% endif %}')
    assert source.render(Context({"may": {"search_precedents": True}})) == "More"
    assert source.render(Context({"may": {"review": True, "quality_review": True}})) == ""
    assert source.render(Context({})) == ""


def test_the_links_follow_the_script_prefix():
    # Under a path prefix (a proxy's /imr/), each link is reversed under it, not served from
    # the paths kept for another prefix.
    source = Template('{% load navigation %}{% nav_links "main" %}')
    context = Context({"may": {"manage_cases": True}, "request": None})
    assert 'href="/cases/"' in source.render(context)
    set_script_prefix("/imr/")
    try:
        assert 'href="/imr/cases/"' in source.render(context)
    finally:
        clear_script_prefix()
    assert 'href="/cases/"' in source.render(context)


def test_a_refused_signing_keeps_my_cases_marked(client):
    """From QA: a wrong signing password drew the step at the form's own address, and "My
    cases" was no longer marked as the page shown."""
    case, reviewer, determination = case_in_review()
    determination_fill(determination)
    login(client, reviewer)
    response = client.post(
        reverse("determination:determination_submit", args=[case.case_number]),
        {"password": PASSWORD + "-not"},
    )
    wide, _narrow = _menus(response.content.decode())
    marked = [name for _href, current, name in LINK.findall(wide) if current]
    assert marked == ["My cases"]


def test_a_link_marks_only_the_pages_of_its_own_namespace():
    """From a review: "draft_save" named the intake's page as well as the workspace's."""
    my_cases = next(link for link in NAV_LINKS if link.label == "My cases")
    assert my_cases.marks("determination:draft_save")
    assert not my_cases.marks("intake:draft_save")
    assert not my_cases.marks(None)
