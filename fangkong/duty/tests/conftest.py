import pytest
from django.utils import translation

from fangkong.core.testing import ScopedAPIClient


@pytest.fixture(autouse=True)
def english():
    """Messages are asserted as their msgids, whatever catalogue is installed."""
    with translation.override("en"):
        yield


@pytest.fixture
def api():
    client = ScopedAPIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
