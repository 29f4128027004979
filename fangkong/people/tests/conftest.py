import pytest

from fangkong.core.testing import ScopedAPIClient


@pytest.fixture
def api():
    """An API client that asks for English: messages are asserted as their msgids."""
    client = ScopedAPIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
