"""The site as bench/load.py serves it: imrsite's WSGI application plus one trivial page,
/bench/floor/, behind the same middleware (a signed-in user, no query of ours), the floor
every page is measured against. Only the load benchmark's gunicorn imports this module."""

import os

import django
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import clear_url_caches, path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrsite.settings")
django.setup()

from imrsite import urls  # noqa: E402


@login_required
def floor(request):
    return HttpResponse("floor", content_type="text/plain")


urls.urlpatterns.append(path("bench/floor/", floor))
clear_url_caches()

from imrsite.wsgi import application  # noqa: E402, F401
