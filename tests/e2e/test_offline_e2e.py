"""Issue 14 in a real browser (Debian's chromium, phone viewport): the form opens with the network cut, an
activity recorded offline (with a photo) survives a reload and reaches the server exactly once when the
network returns; a lost answer is retried and finds the activity stored the first time."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Route, expect
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.models import Activity, Photo
from tests import factories
from tests.support.app import served, small_world_app
from tests.support.browser import PHONE, Problems

#: How long the service worker may take to answer (installing itself first), on a busy CI machine
WORKER_MS = 15_000


@dataclass
class Copies:
    """What the server does with the service worker's own copies of a page (a fetch(), not a navigation): a
    ``held`` one is answered with its headers and half its body, the rest once ``release`` is set (a copy in
    flight); a ``refused`` one is answered 503."""

    held: set[str] = field(default_factory=set)
    refused: set[str] = field(default_factory=set)
    release: threading.Event = field(default_factory=threading.Event)
    #: the paths of the held or refused copies asked for so far
    asked: list[str] = field(default_factory=list)
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    def answer(self, environ: dict[str, Any], start_response: Callable[..., Any], wsgi: Any) -> Any:
        path = environ["PATH_INFO"]
        copy = environ["REQUEST_METHOD"] == "GET" and environ.get("HTTP_SEC_FETCH_MODE") != "navigate"
        if not copy or path not in self.held | self.refused:
            return wsgi(environ, start_response)
        with self._arrived:
            self.asked.append(path)
            self._arrived.notify_all()
        if path in self.refused:
            start_response("503 SERVICE UNAVAILABLE", [("Content-Type", "text/plain")])
            return [b"refused by the test"]
        return self._held_back(wsgi(environ, start_response), self.release)

    @staticmethod
    def _held_back(answer: Any, release: threading.Event) -> Iterator[bytes]:
        try:
            body = b"".join(answer)
        finally:
            if hasattr(answer, "close"):
                answer.close()
        half = len(body) // 2
        yield body[:half]  # the headers and half the page reach the browser (each write is flushed)
        release.wait(30)
        yield body[half:]

    def wait_for(self, path: str, times: int) -> bool:
        """Whether the worker has asked for ``path`` ``times`` times (the browser runs on while this waits)."""
        with self._arrived:
            return self._arrived.wait_for(lambda: self.asked.count(path) >= times, timeout=15)

    def reset(self) -> None:
        self.release.set()  # a held answer still waiting ends now
        self.held.clear()
        self.refused.clear()
        self.asked.clear()
        self.release = threading.Event()


@dataclass
class Server:
    url: str
    app: Flask
    programme_id: int
    location_id: int
    #: "METHOD /path" of every request that reached the app
    hits: list[str] = field(default_factory=list)
    copies: Copies = field(default_factory=Copies)

    def count(self, **where: Any) -> int:
        with self.app.app_context():
            query = select(func.count(Activity.id))
            for name, value in where.items():
                query = query.where(getattr(Activity, name) == value)
            return int(db.session.scalar(query) or 0)

    def photos_of(self, client_id: str) -> int:
        with self.app.app_context():
            return int(
                db.session.scalar(
                    select(func.count(Photo.id)).join(Activity).where(Activity.client_id == client_id)
                )
                or 0
            )


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """A small world (staff.a1x, one programme, one registered place) behind a live server that counts hits."""
    app, (programme_id, location_id) = small_world_app(
        tmp_path_factory.mktemp("offline"),
        "offline_e2e",
        lambda world: (world.programme.id, world.locations["POLSEK-A1X"].id),
    )
    hits: list[str] = []
    copies = Copies()
    wsgi = app.wsgi_app

    def counting(environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        hits.append(f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']}")
        return copies.answer(environ, start_response, wsgi)

    with served(app, counting) as base:
        yield Server(base, app, programme_id, location_id, hits, copies)
        copies.reset()


@pytest.fixture
def copies(server: Server) -> Iterator[Copies]:
    """The server's handling of the worker's copies, for one test: nothing held or refused after it."""
    server.copies.reset()
    yield server.copies
    server.copies.reset()


def _phone(browser: Browser, problems: Problems, **options: Any) -> tuple[BrowserContext, Page]:
    context = browser.new_context(locale="id-ID", timezone_id="Asia/Jakarta", viewport=PHONE, **options)
    context.set_default_timeout(15_000)
    problems.watch(context)
    return context, context.new_page()


def _login(page: Page, base: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#username", "staff.a1x")
    page.fill("#password", factories.PASSWORD)
    page.click("form:has(#username) button[type=submit]")
    expect(page.locator("[data-testid=logout]")).to_be_attached()


def _shown(page: Page, selector: str) -> Locator:
    """The form's field ``selector``, after tapping "Next" through the phone steps until its step shows."""
    target = page.locator(selector)
    for _ in range(8):
        if target.is_visible():
            return target
        page.get_by_test_id("step-next").click()
    raise AssertionError(f"{selector} never showed")


def _record(
    page: Page, server: Server, title: str, photo: Path | None = None, date: str = "2023-11-30"
) -> str:
    """Fill the form's required fields step by step and save; returns the record's client_id."""
    _shown(page, "#programme_id").select_option(str(server.programme_id))
    _shown(page, "#kind").select_option("bakti_sosial")
    _shown(page, "#occurred_on").fill(date)
    _shown(page, "#title").fill(title)
    _shown(page, "#leader_rank").fill("AKP")
    _shown(page, "#leader_name").fill("Lilik Widiastuti")
    _shown(page, "#visits-0-location_id").select_option(str(server.location_id))
    _shown(page, "#visits-0-parcels").fill("10")
    if photo is not None:
        _shown(page, "#photos").set_input_files(str(photo))
    client_id = page.locator("input[name=client_id]").input_value()
    assert len(client_id) == 36
    _shown(page, "[data-testid=save]").click()
    return client_id


def _record_item(page: Page, client_id: str) -> Any:
    return page.locator(f"[data-testid=outbox-record][data-client-id='{client_id}']")


def _offline_problem(entry: str) -> bool:
    """What the test's network cut and lost answer cause in the browser (failed requests), not the app's fault."""
    return any(code in entry for code in ("ERR_INTERNET_DISCONNECTED", "ERR_FAILED", "ERR_CONNECTION_RESET"))


def test_recorded_offline_survives_a_reload_and_syncs_once(browser: Browser, server: Server, tmp_path: Path):
    photo = tmp_path / "bakti.jpg"
    Image.new("RGB", (800, 600), "orange").save(photo, "JPEG")
    problems = Problems()
    context, page = _phone(browser, problems)
    _login(page, server.url)
    page.goto(f"{server.url}/activities/new")  # the one online visit
    # "1": the worker's copy of the form is written (asked for by this page or the landing page), so the network
    # may go now; a copy the landing page asked for may still be in flight, and cut, it is dropped whole.
    expect(page.locator("#offline-config")).to_have_attribute("data-shell-kept", "1", timeout=WORKER_MS)
    assert page.evaluate("() => caches.match('/activities/new').then(Boolean)")
    manifest = page.locator("link[rel=manifest]").get_attribute("href")
    assert manifest == "/manifest.webmanifest"

    context.set_offline(True)
    before = len(server.hits)
    page.reload()  # the app opens from the service worker's cache
    expect(page.get_by_test_id("activity-form")).to_be_visible()
    client_id = _record(page, server, "Bakti sosial tanpa sinyal", photo)
    record = _record_item(page, client_id)
    expect(record).to_have_attribute("data-state", "waiting")
    expect(record).to_contain_text("Menunggu dikirim")
    assert page.locator("input[name=client_id]").input_value() != client_id  # the next activity's own id

    page.reload()  # still offline: the form and the outbox are still there
    expect(page.get_by_test_id("activity-form")).to_be_visible()
    expect(_record_item(page, client_id)).to_contain_text("Menunggu dikirim")
    # No page, list or form reached the server while offline. (Chromium's own update check of the service
    # worker — /sw.js and the scripts it imports — is not subject to the emulated network cut.)
    reached = [hit for hit in server.hits[before:] if not hit.startswith(("GET /sw.js", "GET /static/"))]
    assert reached == [], reached
    assert server.count(client_id=client_id) == 0

    context.set_offline(False)  # the browser's "online" event sends the outbox
    record = _record_item(page, client_id)
    expect(record).to_have_attribute("data-state", "sent")
    expect(record).to_contain_text("Terkirim")
    assert server.count(client_id=client_id) == 1
    assert server.photos_of(client_id) == 1
    page.get_by_test_id("outbox-send").click()  # sending again sends nothing twice
    page.reload()
    expect(_record_item(page, client_id)).to_contain_text("Terkirim")
    assert server.count(client_id=client_id) == 1
    context.close()
    assert [p for p in problems.seen if not _offline_problem(p)] == []


def _form_kept(page: Page) -> bool:
    return bool(page.evaluate("() => caches.match('/activities/new').then(Boolean)"))


def _kept_at(page: Page) -> Any:
    return page.evaluate("() => localStorage.getItem('outreach-kept-at')")


def test_the_shell_is_kept_only_once_the_workers_copy_is_written(
    browser: Browser, server: Server, copies: Copies
):
    problems = Problems()
    context, page = _phone(browser, problems)
    config = page.locator("#offline-config")
    copies.held.add("/activities/new")
    _login(page, server.url)  # the landing page asks the worker to keep the form; the server holds the copy
    assert copies.wait_for("/activities/new", 1), copies.asked
    page.reload()  # the officer moves on while the copy is in flight: the next page asks for it again …
    assert copies.wait_for("/activities/new", 2), "the next page took a copy still in flight for kept"
    assert config.get_attribute("data-shell-kept") is None  # … and does not say "kept" yet
    assert not _form_kept(page)
    assert _kept_at(page) is None

    copies.release.set()
    expect(config).to_have_attribute("data-shell-kept", "1", timeout=WORKER_MS)
    assert _form_kept(page)  # "kept" means written: the network may go now
    assert _kept_at(page) is not None
    context.close()
    assert [p for p in problems.seen if not _offline_problem(p)] == []


def test_a_failed_copy_is_not_taken_for_kept_and_is_asked_for_again(
    browser: Browser, server: Server, copies: Copies
):
    problems = Problems()
    context, page = _phone(browser, problems)
    config = page.locator("#offline-config")
    copies.refused.add("/activities/new")
    _login(page, server.url)  # the landing page asks the worker to keep the form; the server refuses the copy
    expect(config).to_have_attribute("data-shell-kept", "0", timeout=WORKER_MS)
    assert not _form_kept(page)
    assert _kept_at(page) is None  # not recorded: the next page asks again

    copies.refused.clear()
    page.reload()
    expect(config).to_have_attribute("data-shell-kept", "1", timeout=WORKER_MS)
    assert _form_kept(page)
    assert _kept_at(page) is not None
    assert copies.asked == ["/activities/new"]  # the one refused copy
    context.close()
    refused = f"503 GET {server.url}/activities/new"
    assert [p for p in problems.seen if not _offline_problem(p) and p != refused] == []


def test_a_lost_answer_is_retried_and_returns_the_same_activity(browser: Browser, server: Server):
    problems = Problems()
    # The page's own requests (no service worker in between), so the route below sees the outbox's POST.
    context, page = _phone(browser, problems, service_workers="block")
    _login(page, server.url)
    page.goto(f"{server.url}/activities/new")
    expect(page.get_by_test_id("activity-form")).to_be_visible()
    context.set_offline(True)
    client_id = _record(page, server, "Jawaban hilang")
    expect(_record_item(page, client_id)).to_have_attribute("data-state", "waiting")

    reached: list[int] = []

    def lose_the_answer(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        response = route.fetch()  # the server stores the activity …
        reached.append(response.status)
        route.abort("connectionreset")  # … and the phone never hears back

    page.route("**/activities/new", lose_the_answer)
    context.set_offline(False)
    record = _record_item(page, client_id)
    expect(record).to_contain_text("Server tidak menjawab")
    expect(record).to_have_attribute("data-state", "waiting")
    assert reached == [201]
    assert server.count(client_id=client_id) == 1

    page.unroute("**/activities/new")
    page.get_by_test_id("outbox-send").click()
    expect(record).to_have_attribute("data-state", "sent")
    expect(record).to_contain_text("Terkirim")
    assert server.count(client_id=client_id) == 1
    with server.app.app_context():
        stored = db.session.scalar(select(Activity.id).where(Activity.client_id == client_id))
    assert record.get_by_role("link").get_attribute("href") == f"/activities/{stored}"
    context.close()
    assert [p for p in problems.seen if not _offline_problem(p)] == []


def test_logout_deletes_the_phones_outbox_and_kept_pages(browser: Browser, server: Server):
    problems = Problems()
    context, page = _phone(browser, problems)
    _login(page, server.url)
    page.goto(f"{server.url}/activities/new")
    page.wait_for_function("() => caches.match('/activities/new').then(Boolean)")
    context.set_offline(True)
    client_id = _record(page, server, "Belum terkirim")
    expect(_record_item(page, client_id)).to_have_attribute("data-state", "waiting")
    # the outbox's sends are lost, so the record is still waiting at logout
    page.route(
        "**/activities/new",
        lambda route: route.abort() if route.request.method == "POST" else route.continue_(),
    )
    context.set_offline(False)
    asked: list[str] = []

    def accept(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    page.locator(".navbar-toggler").click()
    expect(page.locator(".navbar-collapse.show")).to_be_visible()  # the menu has finished opening
    account = page.locator(".dropdown-toggle").last
    account.click()
    expect(account).to_have_attribute("aria-expanded", "true")
    page.get_by_test_id("logout").click()
    expect(page.locator("#username")).to_be_visible()
    assert asked and "belum terkirim" in asked[0]  # warned first: 1 activity not sent yet
    expect(page.locator("#offline-config")).to_have_attribute("data-purged", "1")
    assert page.evaluate("() => caches.keys()") == []
    names = page.evaluate("() => indexedDB.databases().then((dbs) => dbs.map((db) => db.name))")
    assert "outreach-offline" not in names
    context.close()
    assert [p for p in problems.seen if not _offline_problem(p)] == []


def test_a_refusal_shows_on_the_record_with_its_reason(browser: Browser, server: Server):
    problems = Problems()
    context, page = _phone(browser, problems, service_workers="block")
    _login(page, server.url)
    page.goto(f"{server.url}/activities/new")
    expect(page.get_by_test_id("activity-form")).to_be_visible()
    context.set_offline(True)
    # a date after the programme's end: kept offline, refused by the server once sent
    client_id = _record(page, server, "Di luar program", date="2031-01-02")
    expect(_record_item(page, client_id)).to_have_attribute("data-state", "waiting")
    context.set_offline(False)
    record = _record_item(page, client_id)
    expect(record).to_have_attribute("data-state", "failed")
    expect(record).to_contain_text("Gagal — ")
    reason = record.locator("[data-outbox-state]").inner_text()
    assert len(reason) > len("Gagal — ") + 5, reason
    assert server.count(client_id=client_id) == 0
    record.get_by_test_id("outbox-retry").click()  # refused again: the record keeps its fields and reason
    expect(record).to_have_attribute("data-state", "failed")
    assert server.count(client_id=client_id) == 0
    context.close()
    # the refusal itself (a 422 to the outbox) is the expected answer here
    assert [p for p in problems.seen if not _offline_problem(p) and "422" not in p] == []
