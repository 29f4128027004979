import pytest

from fangkong.core.testing import make_people, make_tree


@pytest.fixture(autouse=True)
def test_settings(settings):
    """Tests do not run collectstatic, and need no slow password hashing."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_cache():
    """The login throttle counts in the cache: each test starts from zero."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def tree(db):
    return make_tree()


@pytest.fixture
def people(tree):
    return make_people(tree)


@pytest.fixture
def run_jobs(monkeypatch):
    """Background jobs run at once, inside the test's transaction, instead of on a worker after the commit."""
    from django.db import transaction

    from fangkong.core import jobs

    monkeypatch.setattr(transaction, "on_commit", lambda function, using=None, robust=False: function())
    monkeypatch.setattr(jobs, "submit", jobs.execute)
