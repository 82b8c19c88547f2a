"""/health/, /health/live/ and /metrics: for load balancers, container checks and Prometheus.
None of them needs a sign-in or shows anything of a case."""

from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.templatetags.static import static
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe
from prometheus_client import CONTENT_TYPE_LATEST

from ops.health import health_report
from ops.metrics import metrics_allowed, metrics_text


# The probes: a load balancer may ask with HEAD; any other method is answered 405 (never the
# CSRF page, which is for people: HealthProbeMiddleware answers before CSRF is checked).
@never_cache
@require_safe
def health(request):
    """200 when the database, the broker, the private store and the queues all answer; 503
    naming the part that failed otherwise. Each check with its time in milliseconds."""
    healthy, checks = health_report()
    body = {"status": "ok" if healthy else "fail", "checks": checks}
    return JsonResponse(body, status=200 if healthy else 503)


@never_cache
@require_safe
def live(request):
    """The process answers: nothing else is checked (a container's liveness probe)."""
    return JsonResponse({"status": "ok"})


@never_cache
@require_GET
def metrics(request):
    if not metrics_allowed(request):
        return HttpResponse(
            "Metrics are served to the addresses of METRICS_ALLOWED_IPS or with the bearer token.",
            status=403,
            content_type="text/plain",
        )
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)


@require_GET
def favicon(request):
    """Browsers (and pages with no <link rel="icon">: the API's, the admin's) ask for
    /favicon.ico; it is the SVG every page of ours links, so no page logs a 404 for it."""
    return HttpResponseRedirect(static("favicon.svg"))
