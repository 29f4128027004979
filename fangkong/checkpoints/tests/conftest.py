import pytest

from fangkong.core.roles import Role
from fangkong.core.testing import ScopedAPIClient, make_user

from .factories import make_checkpoint


@pytest.fixture
def checkpoint(tree):
    """华阳收费站, run by 竹林关镇."""
    return make_checkpoint(tree.town)


@pytest.fixture
def staff(tree):
    """Checkpoint staff of 竹林关镇."""
    return make_user("staff", Role.CHECKPOINT, tree.town)


@pytest.fixture
def api():
    client = ScopedAPIClient()
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def web(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
