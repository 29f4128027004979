import pytest

# The generic record-type tests live outside test files: have pytest explain their failed asserts too.
pytest.register_assert_rewrite("fangkong.core.testing_cases")

from fangkong.core.testing import make_people, make_tree  # noqa: E402


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
    """Each test starts from an empty cache. A rolled-back test's ids come again in the next one, and the
    cache outlives the rollback: a job's progress or cancel request, or a user's cached memberships,
    would otherwise be read as those of the next test's job or user with the same id."""
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


@pytest.fixture
def deliveries_in_the_committing_thread(monkeypatch):
    """Alert deliveries go out in the thread whose commit queued them, not on a job thread.

    A job thread has a database connection of its own; on SQLite's shared in-memory test database,
    its reading of the alert while the test writes to the alerts table fails the write with "database
    table is locked" (a file database, as in production, waits for the lock instead)."""
    from fangkong.health.alerts import services

    monkeypatch.setattr(services, "dispatch", lambda ids: [services.deliver(pk) for pk in ids])


@pytest.fixture(autouse=True)
def background_threads_finish(request):
    """Jobs and alert deliveries run on threads of the test process. A transactional test's tables are
    emptied when it ends, which fails on SQLite's shared in-memory database while such a thread still
    uses it: the threads finish first (the database fixture is set up before this one, torn down after)."""
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        request.getfixturevalue("transactional_db")
    yield
    from fangkong.core import jobs

    jobs.threads.stop()
