"""Lets the outbox tell the user, on the page answering their action, that its follow-up waits
for the task queue (cases.outbox.services.follow_up_publish)."""

from cases.outbox.services import current_request


class FollowUpDelayMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)
