"""The site's URLconf with a view that fails, to see the 500 page (pytest.mark.urls)."""

from django.urls import path

from imrsite.urls import handler400, handler403, handler404, handler500  # noqa: F401
from imrsite.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("a fault in a view")


urlpatterns = [
    path("boom/", boom),
    path("api/v1/boom/", boom),
    *site_urlpatterns,
]
