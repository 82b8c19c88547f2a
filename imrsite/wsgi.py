"""The WSGI application (gunicorn imrsite.wsgi).

After start-up every module, URL pattern, template and model class is in memory for good, yet
Python's full garbage collection walks all of them again: one every 14-15 requests, 88 ms each,
the p95 spikes of light pages (issue 12). gc.freeze() moves what exists now into a permanent
generation that collections skip; what requests allocate is collected as before."""

import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "imrsite.settings")
application = get_wsgi_application()
gc.freeze()
