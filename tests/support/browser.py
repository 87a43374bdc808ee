"""Browser-test helpers: a watched Indonesian browser context and a login through the real page."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from tests.e2e.conftest import DEMO_PASSWORD

DESK: ViewportSize = {"width": 1366, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}
PROGRAMME = "Cooling System Pemilu 2024"


@dataclass
class Problems:
    """Console errors (CSP violations included), uncaught exceptions, failed requests and HTTP errors."""

    seen: list[str] = field(default_factory=list)

    def watch(self, context: BrowserContext) -> BrowserContext:
        def console(message) -> None:  # noqa: ANN001 - playwright's ConsoleMessage
            if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
                self.seen.append(f"console: {message.text} @ {message.location.get('url')}")

        def response(r) -> None:  # noqa: ANN001 - playwright's Response
            if r.status >= 400 and not r.url.endswith("/favicon.ico"):
                self.seen.append(f"{r.status} {r.request.method} {r.url}")

        context.on("console", console)
        context.on("weberror", lambda e: self.seen.append(f"page error: {e.error}"))
        context.on("requestfailed", self._failed)
        context.on("response", response)
        return context

    def _failed(self, request: Any) -> None:
        # A request the browser itself cancels because the page navigated on (a click while a script was
        # still loading) is not a failure of the app; anything else is.
        if "ERR_ABORTED" not in (request.failure or ""):
            self.seen.append(f"failed: {request.method} {request.url} {request.failure}")


def new_context(browser: Browser, problems: Problems, **options: Any) -> BrowserContext:
    # An Indonesian browser: Accept-Language id, the clock of Blora.
    context = browser.new_context(locale="id-ID", timezone_id="Asia/Jakarta", viewport=DESK, **options)
    context.set_default_timeout(10_000)
    return problems.watch(context)


def login(page: Page, base: str, username: str, lang: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("form:has(#username) button[type=submit]")
    expect(page.locator("[data-testid=logout]")).to_be_attached()
    choose_language(page, lang)


def choose_language(page: Page, lang: str) -> None:
    """Press the language button (it posts /language, which remembers the choice and redirects back) and wait
    for the page it leads to: the page already in ``lang`` is still the old one until the redirect lands."""
    with page.expect_navigation():
        page.click(f"button[name=lang][value={lang}]")
    expect(page.locator("html")).to_have_attribute("lang", lang)


def pick_registered(page: Page, row: int, query: str, expected: str) -> None:
    """Type into the registry search of a visit row and choose the matching place."""
    page.fill(f"#visits-{row}-location_id-search", query)
    select = page.locator(f"#visits-{row}-location_id")
    expect(select.locator("option")).to_have_count(2)  # the "new location" option and the one match
    expect(select).not_to_have_value("")
    assert expected in select.locator("option:checked").inner_text()
