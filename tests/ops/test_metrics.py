"""/metrics: Prometheus's text for the addresses of METRICS_ALLOWED_IPS or a bearer token,
refused to everyone else (also when relayed by a proxy on an allowed address)."""

import pytest
from django.urls import reverse

from tests.test_query_budgets import issued_case

pytestmark = pytest.mark.django_db

FAR = "203.0.113.9"


def metric_lines(response) -> list[str]:
    return [line for line in response.content.decode().splitlines() if not line.startswith("#")]


def test_loopback_reads_the_metrics(client, settings, tmp_path):
    issued_case(2)  # two letter versions, one issued determination, every item upheld
    client.get(reverse("login"))  # a page for the latency histogram to count
    response = client.get(reverse("ops:metrics"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = metric_lines(response)
    assert "imr_letters_issued_total 2.0" in lines
    assert 'imr_letters{status="delivered"} 2.0' in lines
    assert 'imr_determinations_issued{outcome="upheld"} 1.0' in lines
    assert 'imr_determinations_issued{outcome="overturned"} 0.0' in lines
    assert any(line.startswith('imr_queue_depth{queue="letters"}') for line in lines)
    assert any(
        line.startswith("django_http_requests_latency_seconds_by_view_method_count")
        and 'view="login"' in line
        for line in lines
    )


def test_the_broker_down_is_a_metric_not_an_error(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/11"
    settings.HEALTH_BROKER_TIMEOUT = 0.5
    response = client.get(reverse("ops:metrics"))
    assert response.status_code == 200
    assert 'imr_broker_up{transport="redis"} 0.0' in metric_lines(response)


def test_an_address_outside_the_list_is_refused(client):
    response = client.get(reverse("ops:metrics"), REMOTE_ADDR=FAR)
    assert response.status_code == 403
    assert b"imr_" not in response.content


def test_a_network_in_the_list_is_allowed(client, settings):
    settings.METRICS_ALLOWED_IPS = ["127.0.0.1", "203.0.113.0/24"]
    assert client.get(reverse("ops:metrics"), REMOTE_ADDR=FAR).status_code == 200


def test_a_request_relayed_by_a_proxy_is_not_trusted_by_its_address(client):
    # A proxy on the same host makes every visitor look like loopback.
    response = client.get(reverse("ops:metrics"), HTTP_X_FORWARDED_FOR=FAR)
    assert response.status_code == 403


def test_the_bearer_token_opens_the_metrics_from_anywhere(client, settings):
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    url = reverse("ops:metrics")
    bearer = "Bearer s3cret-scrape-token"
    allowed = client.get(url, REMOTE_ADDR=FAR, HTTP_X_FORWARDED_FOR=FAR, HTTP_AUTHORIZATION=bearer)
    assert allowed.status_code == 200
    wrong = client.get(url, HTTP_AUTHORIZATION="Bearer guess")
    assert wrong.status_code == 403  # a wrong token is refused even from an allowed address


def test_without_a_configured_token_no_bearer_opens_it(client, settings):
    settings.METRICS_TOKEN = ""
    response = client.get(reverse("ops:metrics"), REMOTE_ADDR=FAR, HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 403


def test_plain_http_reaches_the_metrics_and_probes_where_https_is_enforced(client, settings):
    # Production redirects plain HTTP to HTTPS, but Prometheus scrapes the web container
    # directly (no TLS there) and a container's health check asks it by plain HTTP too.
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("ops:metrics")).status_code == 200
    assert client.get(reverse("ops:live")).status_code == 200
    page = client.get(reverse("login"))
    assert page.status_code == 301 and page["Location"].startswith("https://")


def test_the_token_is_refused_over_plain_http_through_the_proxy(client, settings):
    """From the review: /metrics is exempt from the HTTPS redirect for the direct scrape, so a
    scrape of the public host over plain HTTP sent the token in the clear and was answered."""
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    url = reverse("ops:metrics")
    bearer = "Bearer s3cret-scrape-token"
    relayed = {"HTTP_X_FORWARDED_FOR": FAR, "HTTP_AUTHORIZATION": bearer}
    assert client.get(url, HTTP_X_FORWARDED_PROTO="http", **relayed).status_code == 403
    assert client.get(url, HTTP_X_FORWARDED_PROTO="https", **relayed).status_code == 200
    # Asked directly (no proxy), as the README's scrape of the web container does.
    assert client.get(url, HTTP_AUTHORIZATION=bearer).status_code == 200
