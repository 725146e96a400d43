"""Fixtures shared by the integration tests (the databases and clients: tests/conftest.py)."""

import pytest

from exam_app.models import Role
from tests.factories import person


@pytest.fixture
def lead(app, make_client):
    """A training lead signed in through the login form: the bank's pages and imports.
    A module where `lead` is the person rather than their browser defines its own."""
    person("lead", Role.LEAD)
    web = make_client()
    web.login("lead")
    return web
