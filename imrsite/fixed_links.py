"""{% url %} and {% static %} as Django's, with the links that cannot change while the process
runs worked out once (issue 12).

A page draws ten to forty of them (the header alone: nine stylesheets and scripts, eight links),
and each reversal or manifest lookup cost 15-25 µs, about a tenth of what the case list spends
beyond the middleware. Here a tag whose view name and arguments are all quoted literals
(`{% url 'casefile:case_list' %}`, `{% static 'css/base.css' %}`) keeps its answer per URLconf,
script prefix and current app (the URL) or per path (the static file). A tag with a variable
(`{% url 'casefile:case_detail' case.case_number %}`) is Django's own, unchanged: it reverses
at every use, so no page is faster for having been seen before.

Registered as a template builtin (settings.TEMPLATES' "builtins", after Django's own), so every
template's {% url %} is this one, and {% static %} (with the rest of Django's static library)
needs no {% load static %}: a template that loads it gets Django's own tag, slower and the same.
What is kept is forgotten when a test changes the settings it depends on.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template import defaulttags
from django.template.base import FilterExpression
from django.templatetags import static as django_static
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

# Django's static library whole ({% get_static_prefix %}, {% get_media_prefix %}), with its
# {% static %} replaced below.
register.tags.update(django_static.register.tags)
register.filters.update(django_static.register.filters)


def _literal(expression: FilterExpression) -> bool:
    """A quoted string with no filter: what it names is known when the template is read."""
    return not expression.filters and isinstance(expression.var, str)


@lru_cache(maxsize=4096)
def _reversed(urlconf, script_prefix: str, current_app, view_name: str, args, kwargs) -> str:
    # urlconf and script_prefix are in the key only: reverse() reads both from the request.
    return reverse(view_name, args=args, kwargs=dict(kwargs), current_app=current_app)


class FixedURLNode(defaulttags.URLNode):
    """A {% url %} of literals only: reversed once per URLconf, script prefix and app."""

    def render(self, context):
        try:
            current_app = context.request.current_app
        except AttributeError:
            try:
                current_app = context.request.resolver_match.namespace
            except AttributeError:
                current_app = None
        url = ""
        try:
            url = _reversed(
                get_urlconf(),
                get_script_prefix(),
                current_app,
                self.view_name.var,
                tuple(arg.var for arg in self.args),
                tuple(sorted((key, value.var) for key, value in self.kwargs.items())),
            )
        except NoReverseMatch:
            if self.asvar is None:
                raise
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    node = defaulttags.url(parser, token)
    expressions = [node.view_name, *node.args, *node.kwargs.values()]
    if all(_literal(expression) for expression in expressions):
        node.__class__ = FixedURLNode
    return node


@lru_cache(maxsize=1024)
def _static_url(path: str) -> str:
    return django_static.StaticNode.handle_simple(path)


class FixedStaticNode(django_static.StaticNode):
    """A {% static %} of a quoted path: looked up once."""

    def url(self, context):
        return _static_url(self.path.var)


@register.tag
def static(parser, token):
    node = django_static.do_static(parser, token)
    if _literal(node.path):
        node.__class__ = FixedStaticNode
    return node


_URL_SETTINGS = frozenset({"ROOT_URLCONF", "FORCE_SCRIPT_NAME"})
_STATIC_SETTINGS = frozenset({"STATIC_URL", "STATIC_ROOT", "STATICFILES_DIRS", "STORAGES"})


@receiver(setting_changed)
def _forget(*, setting, **kwargs):
    """A test that changes where URLs or static files point gets answers worked out again."""
    if setting in _URL_SETTINGS:
        _reversed.cache_clear()
    if setting in _STATIC_SETTINGS or setting == "INSTALLED_APPS":
        _static_url.cache_clear()
