"""Prometheus metrics at /metrics: django-prometheus's request metrics (latency by view and
method, responses by status) and ours, computed from the database and the broker when the
page is scraped, so they are the same whichever process answers: queue depths (the health
check's function), letters issued and by status, issued determinations by outcome.

Never public: the page answers the addresses of METRICS_ALLOWED_IPS (addresses or networks,
asked directly: a request relayed by a proxy is not trusted by its address) or a request with
`Authorization: Bearer <METRICS_TOKEN>`."""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Q
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from cases.lifecycle.models import Outcome
from ops.health import broker_transport, queue_depths
from reviews.determination.models import Determination, DeterminationStatus, ItemDecision
from reviews.letters.models import Letter, LetterStatus

logger = logging.getLogger(__name__)

# The headers a proxy adds when it relays a request: such a request's address is the proxy's.
_RELAYED = ("HTTP_X_FORWARDED_FOR", "HTTP_X_REAL_IP", "HTTP_FORWARDED")


def metrics_allowed(request) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    relayed = any(key in request.META for key in _RELAYED)
    if token and header.startswith("Bearer "):
        if relayed and settings.SECURE_SSL_REDIRECT and not request.is_secure():
            # /metrics is exempt from the HTTPS redirect for the direct scrape; through the
            # public proxy the token must not be taken over plain HTTP (it crossed the network
            # in the clear): refused, so a scrape set up that way fails loudly.
            return False
        return hmac.compare_digest(header.removeprefix("Bearer ").encode(), token.encode())
    if relayed:
        return False
    try:
        address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    for allowed in settings.METRICS_ALLOWED_IPS:
        try:
            if address in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            logger.warning("METRICS_ALLOWED_IPS holds %r, which is no address or network", allowed)
    return False


class SiteCollector:
    """Our metrics, read when scraped: two queries and one broker round trip."""

    def collect(self):
        broker_up = GaugeMetricFamily(
            "imr_broker_up", "1 when the Celery broker answered this scrape.", labels=["transport"]
        )
        depth = GaugeMetricFamily(
            "imr_queue_depth", "Messages waiting in a Celery queue.", labels=["queue"]
        )
        try:
            depths = queue_depths()
        except Exception as error:
            logger.warning("Metrics: the broker did not answer: %r", error)
            broker_up.add_metric([broker_transport()], 0)
        else:
            broker_up.add_metric([broker_transport()], 1)
            for queue, messages in (depths or {}).items():
                depth.add_metric([queue], messages)
        yield broker_up
        yield depth

        letters = Letter.objects.aggregate(
            issued=Count("pk", filter=Q(signed_at__isnull=False)),
            **{status: Count("pk", filter=Q(status=status)) for status in LetterStatus.values},
        )
        issued = CounterMetricFamily(
            "imr_letters_issued", "Determination letters signed (every version)."
        )
        issued.add_metric([], letters.pop("issued"))
        yield issued
        by_status = GaugeMetricFamily(
            "imr_letters",
            "Determination letters by production status (delivered: out of production, each "
            "copy e-mailed, queued for the post or held for an address; not every party served).",
            labels=["status"],
        )
        for status, number in letters.items():
            by_status.add_metric([status], number)
        yield by_status

        outcomes = GaugeMetricFamily(
            "imr_determinations_issued",
            "Issued determinations by outcome (derived from their item decisions), those "
            "imported from an earlier system too.",
            labels=["outcome"],
        )
        for outcome, number in _determination_outcomes().items():
            outcomes.add_metric([outcome], number)
        yield outcomes


def _determination_outcomes() -> dict[str, int]:
    """Upheld (every item upheld), overturned (every item overturned) or partially overturned,
    as Determination.outcome derives it, counted in one query."""
    decisions = ItemDecision.objects.filter(determination=OuterRef("pk"))
    per_determination = Determination.objects.filter(status=DeterminationStatus.ISSUED).annotate(
        any_upheld=Exists(decisions.filter(outcome=Outcome.UPHELD)),
        any_overturned=Exists(decisions.filter(outcome=Outcome.OVERTURNED)),
    )
    return per_determination.aggregate(
        upheld=Count("pk", filter=Q(any_upheld=True, any_overturned=False)),
        overturned=Count("pk", filter=Q(any_upheld=False, any_overturned=True)),
        partially_overturned=Count("pk", filter=Q(any_upheld=True, any_overturned=True)),
    )


_site_registry = CollectorRegistry(auto_describe=False)
_site_registry.register(SiteCollector())


def metrics_text() -> bytes:
    """The exposition: the request metrics of this process (or, with PROMETHEUS_MULTIPROC_DIR
    set, of every gunicorn worker together), then ours."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry) + generate_latest(_site_registry)
