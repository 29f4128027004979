"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against pytest-django's live server.

The fixtures are named ``chromium`` and ``tab`` rather than pytest-playwright's ``browser`` and
``page``: that plugin is installed too, and its names would pull in its own browser download and
parametrisation.
"""

import datetime
import os
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fangkong.core.testing import make_people, make_tree, reload_reference_data

from .screens import DESKTOP, PHONE

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[3] / "test-results"
INSTALL_HINT = "/usr/bin/chromium not found (apt-get install chromium fonts-wqy-microhei)"
TIMEOUT_MS = 10_000  # generous: a loaded CI machine renders slowly, and waiting ends as soon as the page is ready

expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="package", autouse=True)
def allow_async_unsafe_django():
    """While Playwright's sync API runs, its event loop is the test thread's running loop, and Django
    refuses database access from there as "async unsafe" unless DJANGO_ALLOW_ASYNC_UNSAFE is set.

    Set for this package only: set at import time it would leak into the rest of the session, and into
    subprocesses such as fangkong/tests/test_settings.py's ``manage.py check --deploy`` (async.E001).
    """
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    yield
    if previous is None:
        del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="package")
def chromium(allow_async_unsafe_django):
    """One Chromium for the package; package-scoped so that Playwright (and its event loop) stops
    before the same xdist worker goes on with the database tests of other packages."""
    if not CHROMIUM.exists():
        if os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}:
            pytest.fail(f"browser tests cannot run in CI: {INSTALL_HINT}", pytrace=False)
        pytest.skip(f"browser tests skipped: {INSTALL_HINT}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(params=[PHONE, DESKTOP], ids=lambda viewport: viewport.name)
def viewport(request):
    return request.param


@pytest.fixture
def open_tab(chromium, viewport, live_server, clock):
    """Opens a fresh browser tab (own cookies: one person's phone) at the test's viewport; a scenario
    with several users opens one each.

    The browser asks for Chinese (Accept-Language: zh-CN), as our users' browsers do; Django's
    LocaleMiddleware would otherwise answer Chromium's default en-US in English.

    Any Content-Security-Policy violation on any page the test opens fails it: Chromium reports
    each refused inline script, style or handler as a console error."""
    contexts, violations = [], []

    def open_(locale="zh-CN"):
        context = chromium.new_context(viewport=viewport.size, locale=locale, base_url=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: csp_violation(message) and violations.append(f"{page.url}: {message.text}"))
        clock.watch(page)
        return page

    yield open_
    for context in contexts:
        context.close()
    assert not violations, "\n".join(violations)



@pytest.fixture
def tab(open_tab):
    """One browser tab; see ``open_tab``."""
    return open_tab()


class Clock:
    """The time of the live server and of the test's tabs, set together.

    The live server runs in the test's process, so patching ``django.utils.timezone.now`` moves its
    clock (and ``timezone.localdate()``, which reads it): "today", the check windows and the day of
    an observation follow. Each tab's own clock (Playwright's) is set to the same moment, because the
    phone dates the checks it queues offline. Until ``set`` is called, both run on the real time."""

    def __init__(self, monkeypatch):
        self.monkeypatch, self.now, self.pages = monkeypatch, None, []

    def set(self, moment):
        self.now = moment
        self.monkeypatch.setattr(timezone, "now", lambda: moment)
        for page in self.pages:
            page.clock.set_fixed_time(moment)

    def set_local(self, day, hour, minute=0):
        """Sets the clocks to the local time ``hour:minute`` of ``day``, and returns that moment."""
        moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))
        self.set(moment)
        return moment

    def watch(self, page):
        self.pages.append(page)
        if self.now is not None:
            page.clock.set_fixed_time(self.now)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def csp_violation(message):
    return message.type == "error" and "Content Security Policy" in message.text


@pytest.fixture(autouse=True)
def deliveries_in_browser_tests(deliveries_in_the_committing_thread):
    """Pages are served while the test writes: see the fixture this one switches on."""


@pytest.fixture
def tree(transactional_db):
    reload_reference_data()
    return make_tree()


@pytest.fixture
def people(tree):
    return make_people(tree)


@pytest.fixture
def screenshot(request, viewport):
    """Saves a full-page screenshot to test-results/<test>-<name>.png for a human to look at."""

    def take(page, name):
        SCREENSHOTS.mkdir(exist_ok=True)
        test = re.sub(r"[^\w-]+", "-", request.node.originalname).strip("-")
        page.screenshot(path=SCREENSHOTS / f"{test}-{viewport.name}-{name}.png", full_page=True)

    return take
