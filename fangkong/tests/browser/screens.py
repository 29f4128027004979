"""The two screens every browser scenario runs on, and small page helpers shared by the tests."""

import re
from dataclasses import dataclass

from fangkong.core.testing import PASSWORD


@dataclass(frozen=True)
class Viewport:
    name: str
    width: int
    height: int

    @property
    def size(self):
        return {"width": self.width, "height": self.height}


PHONE = Viewport("phone", 375, 812)
DESKTOP = Viewport("desktop", 1280, 900)


def log_in(page, username, password=PASSWORD):
    """Logs in through the login form and waits for the redirect to the user's landing page."""
    page.goto("/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("#login-submit")


def html(page):
    """The <html> element, whose lang attribute tells the language the page was rendered in."""
    return page.locator("html")


def horizontal_overflow(page):
    """How many CSS pixels the page is wider than the window (0 or less: no sideways scrolling). Measured
    once the page has loaded: right after a click on a link the new document may not have an element yet."""
    page.wait_for_load_state()
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def messages(page):
    """The messages the last action left at the top of the page (saved, refused, warned)."""
    return page.locator("main > .alert[role=alert]")


def in_view(page, locator):
    """Asserts the element lies within the window's width: reachable without scrolling anything sideways
    (a button at the end of a wide table's row is not)."""
    box = locator.bounding_box()
    width = page.viewport_size["width"]
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, f"{locator} is off-screen: {box}"


def untranslated(page, allowed=()):
    """Latin words left in the main part of a page shown in Chinese (addresses and the export buttons'
    file formats aside): a string that missed its translation, or a code shown instead of its label."""
    text = re.sub(r"https?://\S+", "", page.locator("main").inner_text())
    allowed = {"Excel", "CSV", *allowed}
    return [word for word in re.findall(r"[A-Za-z]{3,}", text) if word not in allowed]
