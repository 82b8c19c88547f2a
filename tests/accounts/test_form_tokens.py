"""One-use form tokens (accounts.form_tokens): a form that makes something shown once is made
once, even by two posts at once."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.test import RequestFactory

from accounts.form_tokens import FIELD, form_token_issue, form_token_use

pytestmark = pytest.mark.django_db(transaction=True)


def _request(session_data: dict, token: str):
    request = RequestFactory().post("/", {FIELD: token})
    request.session = SessionStore()
    request.session.update(session_data)
    return request


def test_two_posts_that_read_the_session_before_either_saved_use_the_token_once():
    """From a review: the token was only taken out of the session, so two posts at once (each
    with the session as it was before the other saved) each used it."""
    issuing = _request({}, "")
    token = form_token_issue(issuing, "api_tokens")
    session = dict(issuing.session.items())
    first, second = _request(session, token), _request(session, token)
    assert form_token_use(first, "api_tokens") is True
    assert form_token_use(second, "api_tokens") is False
    # A token never issued to the session is refused too.
    assert form_token_use(_request(session, "made-up"), "api_tokens") is False
