"""Every URL of the site says whether it reads or changes medical information (audit.routes):
a new view cannot forget the audit log."""

from django.urls import URLResolver, get_resolver

from audit.routes import NAMESPACES, ROUTES, UNKNOWN, route_rule


def route_names(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = pattern.namespace
            if namespace in NAMESPACES:
                continue  # the whole namespace is audited
            yield from route_names(pattern, f"{prefix}{namespace}:" if namespace else prefix)
        elif pattern.name:
            yield prefix + pattern.name


def test_every_route_of_the_urlconf_is_classified():
    names = set(route_names())
    unclassified = sorted(names - set(ROUTES))
    assert not unclassified, f"Routes the audit log does not know: {unclassified}"
    # And nothing in the table names a route that is gone.
    assert not set(ROUTES) - names


def test_an_unknown_route_is_still_audited_and_admin_pages_are():
    assert route_rule("nowhere:new_page") is UNKNOWN
    assert route_rule("admin:cases_case_change") == NAMESPACES["admin"]
