import pytest
from rest_framework.test import APIClient

from fangkong.accounts.models import User


class ScopedAPIClient(APIClient):
    """Authenticates a fresh copy of the user, so memberships cached on a test's object do not leak in."""

    def force_authenticate(self, user=None, token=None):
        super().force_authenticate(User.objects.get(pk=user.pk) if user else None, token)

    def login_as(self, user):
        self.force_authenticate(user)
        return self


@pytest.fixture
def api():
    """An API client that asks for English: messages are asserted as their msgids."""
    client = ScopedAPIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
