"""{% url %} and {% static %} (imrsite/fixed_links.py): every template's links are Django's,
a link of literals is worked out once, a link with a variable at each use, and a test that
moves the URLs or the static files gets the new ones."""

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from django.urls import NoReverseMatch, path, reverse
from django.views.generic import View

from imrsite import fixed_links

pytestmark = pytest.mark.django_db


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_every_template_draws_the_same_links_as_django():
    assert render("{% url 'casefile:case_list' %}") == reverse("casefile:case_list")
    assert render("{% url 'casefile:case_detail' 'CM26-0000001' %}") == reverse(
        "casefile:case_detail", args=["CM26-0000001"]
    )
    assert render("{% url 'casefile:case_detail' case_number=number %}", number="CM26-0000002") == (
        reverse("casefile:case_detail", kwargs={"case_number": "CM26-0000002"})
    )
    assert render("{% url 'casefile:case_list' as href %}[{{ href }}]") == (
        f"[{reverse('casefile:case_list')}]"
    )
    # A link that does not exist: an error, or nothing with "as", as Django's tag does.
    with pytest.raises(NoReverseMatch):
        render("{% url 'casefile:no_such_page' %}")
    assert render("{% url 'casefile:no_such_page' as href %}[{{ href }}]") == "[]"
    with pytest.raises(TemplateSyntaxError):
        render("{% url %}")


def test_a_static_path_is_the_manifests_with_or_without_load():
    expected = render("{% load static %}{% static 'css/base.css' %}")
    assert expected.endswith("css/base.css")
    assert render("{% static 'css/base.css' %}") == expected
    assert render("{% static name %}", name="css/base.css") == expected
    assert render("{% load static %}{% get_static_prefix %}") == "/static/"


def test_only_links_of_literals_are_kept_between_uses():
    fixed_links._reversed.cache_clear()
    render("{% url 'casefile:case_list' %}")
    render("{% url 'casefile:case_list' %}")
    assert fixed_links._reversed.cache_info().hits == 1
    # A case's link is reversed at every use: no page is faster for having been seen before.
    render("{% url 'casefile:case_detail' number %}", number="CM26-0000003")
    assert fixed_links._reversed.cache_info().currsize == 1


def test_a_link_of_literals_follows_the_urlconf_a_test_sets():
    with override_settings(ROOT_URLCONF=__name__):
        assert render("{% url 'moved' %}") == "/moved/here/"
    with pytest.raises(NoReverseMatch):
        render("{% url 'moved' %}")


def test_static_follows_the_storage_a_test_sets():
    first = render("{% static 'css/base.css' %}")
    with override_settings(STATIC_URL="/elsewhere/"):
        assert render("{% static 'css/base.css' %}").startswith("/elsewhere/")
    assert render("{% static 'css/base.css' %}") == first


urlpatterns = [path("moved/here/", View.as_view(), name="moved")]
