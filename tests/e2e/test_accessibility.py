"""Issue 14, item 3: an axe-core scan of every page at WCAG 2.1 AA, for every role, in Indonesian and English.

Each role logs in and walks the app from its home page through the links the pages show (the demo data gives
real ids), opening one URL per route; axe-core (npm, read from node_modules, never served to users) scans each
page. No serious or critical violation is allowed. The routes walked are checked against the authorisation
policy, so a new HTML page that nobody links to, or that the walk misses, fails here instead of going
unscanned.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select
from werkzeug.exceptions import HTTPException
from werkzeug.routing import MapAdapter, RequestRedirect

from outreach.extensions import db
from outreach.jobs import exports as export_jobs
from outreach.models import User
from tests.security.policy import ADMIN, COMMANDER, PAGE, POLICY, PR, STAFF
from tests.support.app import make_app
from tests.support.browser import PHONE, Problems, choose_language, login, new_context

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = {"serious", "critical"}
#: GET routes that answer something other than a whole HTML page (files, JSON, htmx fragments): the policy
#: says what each route serves, and tests/security/test_matrix.py checks it against the response.
NOT_PAGES = {endpoint for endpoint, rule in POLICY.items() if rule.serves != PAGE}
USERS = {STAFF: "staf.blora", COMMANDER: "kasat.blora", PR: "humas.blora", ADMIN: "admin"}
MAX_PAGES = 120


@pytest.fixture(scope="module")
def routes(tmp_path_factory: pytest.TempPathFactory) -> MapAdapter:
    """The app's URL map, to tell which route a link leads to."""
    tmp = tmp_path_factory.mktemp("routes")
    app: Flask = make_app(tmp, f"sqlite:///{tmp / 'routes.db'}")
    return app.url_map.bind("127.0.0.1")


def pages_of(role: str) -> set[str]:
    """The HTML pages ``role`` may open (GET routes of the policy that serve a page, minus the API)."""
    return {
        endpoint
        for endpoint, rule in POLICY.items()
        if "GET" in rule.ok
        and endpoint not in NOT_PAGES
        and not endpoint.startswith(("api.", "ops."))
        and not rule.public
        and (role == ADMIN or role in rule.roles)
    }


def _endpoint(routes: MapAdapter, url: str, base: str) -> str | None:
    if not url.startswith(base):
        return None
    parts = urlsplit(url)
    try:
        endpoint, _args = routes.match(parts.path, method="GET", query_args=parts.query)
    except (HTTPException, RequestRedirect):
        return None
    return str(endpoint)


def scan(page: Page) -> list[dict[str, Any]]:
    """axe-core's violations on the page as it is now."""
    result = page.evaluate(
        """async (tags) => {
            const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
            return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' — ' + n.failureSummary)}));
        }""",
        TAGS,
    )
    return list(result)


#: Links, the URLs the page's GET forms lead to as they are filled (a filter form, a button's formaction), and
#: where a section loaded after the page comes from (``data-src``: the dashboard's map and gaps, a page of their
#: own when opened directly).
LINKS = """() => {
    const urls = Array.from(document.querySelectorAll('a[href]'), a => a.href);
    urls.push(...Array.from(document.querySelectorAll('[data-src]'),
                            e => new URL(e.getAttribute('data-src'), document.baseURI).href));
    for (const form of document.querySelectorAll('form')) {
        if ((form.getAttribute('method') || 'get').toLowerCase() !== 'get') continue;
        const query = new URLSearchParams(new FormData(form)).toString();
        const buttons = Array.from(form.elements).filter(e => e.hasAttribute('formaction'));
        const targets = [form.action, ...buttons.map(b => b.formAction)];
        urls.push(...targets.map(t => t + (query ? '?' + query : '')));
    }
    return urls.map(u => u.split('#')[0]);
}"""


def walk(page: Page, base: str, routes: MapAdapter, start: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Open every route reachable from ``start`` once; axe's findings per route (with the URL scanned), once any
    section loaded after the page is in. A route that redirects (the dashboard adds its filters) counts as opened
    with the page it leads to."""
    found: dict[str, list[dict[str, Any]]] = {}
    queue = deque(base + path for path in start)
    seen_urls: set[str] = set()
    while queue and len(found) < MAX_PAGES:
        url = queue.popleft()
        if url in seen_urls:
            continue
        seen_urls.add(url)
        endpoint = _endpoint(routes, url, base)
        if endpoint is None or endpoint in found or endpoint in NOT_PAGES or endpoint.startswith("api."):
            continue
        response = page.goto(url)
        assert response is not None
        assert response.status < 400, f"{response.status} {url}"
        # A section the page loads afterwards (aria-busy until it is in: the dashboard's map and gaps) is scanned
        # with the page. (A selector, not wait_for_function: that polls through eval, which the CSP forbids.)
        page.wait_for_selector("[aria-busy=true]", state="detached")
        landed = _endpoint(routes, page.url, base) or endpoint
        if landed not in found:
            found[landed] = [{**v, "url": page.url.replace(base, "")} for v in scan(page)]
        found[endpoint] = found[landed]
        queue.extend(link for link in page.evaluate(LINKS) if link.startswith(base) and link not in seen_urls)
    return found


def _report(found: dict[str, list[dict[str, Any]]]) -> tuple[list[str], list[str]]:
    blocking: list[str] = []
    other: list[str] = []
    reported: set[int] = set()
    for endpoint, violations in sorted(found.items()):
        if id(violations) in reported:  # a redirect's page, reported under its own route
            continue
        reported.add(id(violations))
        for v in violations:
            line = f"{endpoint} {v['url']}: [{v['impact']}] {v['id']} ({v['help']}) {v['nodes']}"
            (blocking if v["impact"] in BLOCKING else other).append(line)
    return blocking, other


@pytest.fixture(scope="module")
def a_plan(browser: Browser, live_server: str) -> None:
    """The demo data has no activity plan: the staff files one, so the plan pages are scanned too."""
    problems = Problems()
    context = new_context(browser, problems)
    page = context.new_page()
    login(page, live_server, USERS[STAFF], "id")
    page.goto(f"{live_server}/activities/plans/")
    links = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    if not any(re.fullmatch(r"/activities/plans/\d+", link) for link in links):
        page.goto(f"{live_server}/activities/plans/new")
        page.select_option("#programme_id", label="Cooling System Pemilu 2024")
        page.fill("#planned_on", "2024-01-15")  # inside the programme's period
        page.fill("#title", "Sambang pondok pesantren")
        for select in ("#unit_code", "#kind"):  # the first choice where none is made
            if not page.locator(select).input_value():
                page.locator(select).select_option(index=1)
        page.click("form[data-testid=plan-form] button[type=submit]")
        assert "/activities/plans/new" not in page.url, page.locator(".invalid-feedback").all_inner_texts()
    context.close()
    assert not problems.seen, problems.seen


@pytest.fixture(scope="module")
def recaps_and_a_job(browser: Browser, live_server: str, live_app: Flask) -> None:
    """The demo data has no notification channel, recap subscription or export job: the admin adds a channel,
    the commander and the admin subscribe to a recap, and an export job of the commander is stored (no page makes one
    below the size threshold), so the channel, subscription and "My exports" pages are scanned with content."""
    problems = Problems()
    # One browser context per user: clearing the cookies of a context whose page is still loading is a race
    # (a late response of the previous user's page sets the session cookie again, and /login redirects).
    for role in (ADMIN, COMMANDER):  # a subscription is its subscriber's own: nobody else opens it
        context = new_context(browser, problems)
        context.set_default_timeout(60_000)  # the first channel loads Apprise's plugins in the server
        page = context.new_page()
        login(page, live_server, USERS[role], "id")
        if role == ADMIN:
            page.goto(f"{live_server}/admin/channels")
            if not page.locator("a[href*='/admin/channels/'][href$='/edit']").count():
                page.fill("#name", "Ntfy Binmas")
                page.fill("#url", "ntfy://ntfy.polri.local/binmas-rekap")
                page.click("form[data-testid=channel-form] button[type=submit]")
                expect(page.locator("a[href*='/admin/channels/'][href$='/edit']").first).to_be_attached()
        page.goto(f"{live_server}/reports/recaps")
        if not page.locator("a[href*='/reports/recaps/'][href$='/edit']").count():
            page.goto(f"{live_server}/reports/recaps/new")
            page.locator("#channel_id").select_option(index=0)
            page.click("form[data-testid=recap-subscription-form] button[type=submit]")
            expect(page.locator("a[href*='/reports/recaps/'][href$='/edit']").first).to_be_attached()
        context.close()
    assert not problems.seen, problems.seen
    with live_app.app_context():
        commander = db.session.scalar(select(User).where(User.username == USERS[COMMANDER]))
        assert commander is not None
        export_jobs.create(commander, "activities", "xlsx", {}, {}, channel="web")


@pytest.fixture
def axe_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[tuple[Page, Problems]]:
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make assets` (npm ci installs axe-core, a devDependency)")
    problems = Problems()
    context = new_context(browser, problems)
    # An init script runs through the DevTools protocol, outside the page's Content-Security-Policy.
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    if "phone" in request.node.name:
        page.set_viewport_size(PHONE)
    yield page, problems
    context.close()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_login_page_has_no_serious_violation(
    axe_page: Any, live_server: str, routes: MapAdapter, lang: str
) -> None:
    page, problems = axe_page
    page.goto(f"{live_server}/login")
    choose_language(page, lang)
    found = {"auth.login": [{**v, "url": "/login"} for v in scan(page)]}
    blocking, other = _report(found)
    print("\n".join(other))
    assert blocking == []
    assert not problems.seen, problems.seen


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("role", [STAFF, COMMANDER, PR, ADMIN])
def test_every_page_of_every_role_has_no_serious_violation(
    a_plan: None,
    recaps_and_a_job: None,
    axe_page: Any,
    live_server: str,
    routes: MapAdapter,
    role: str,
    lang: str,
) -> None:
    page, problems = axe_page
    login(page, live_server, USERS[role], lang)
    # Drafts first: the first activity opened is then one its writer may still edit (the edit form).
    found = walk(page, live_server, routes, ["/activities/?status=draft", "/", "/password"])
    blocking, other = _report(found)
    print(f"\n{role}/{lang}: {len(found)} pages scanned; not blocking:\n" + "\n".join(other))
    assert blocking == [], "\n".join(blocking)
    missing = pages_of(role) - set(found)
    assert missing == set(), f"pages of {role} the walk did not reach: {sorted(missing)}"
    assert not problems.seen, problems.seen


def test_staff_pages_on_a_phone_have_no_serious_violation(
    a_plan: None, recaps_and_a_job: None, axe_page: Any, live_server: str, routes: MapAdapter
) -> None:
    """On a phone the wide tables scroll sideways in their own box: each must be reachable by keyboard."""
    page, problems = axe_page
    login(page, live_server, USERS[STAFF], "id")
    found = walk(page, live_server, routes, ["/activities/?status=draft", "/", "/password"])
    blocking, other = _report(found)
    print(f"\nstaff on a phone: {len(found)} pages scanned; not blocking:\n" + "\n".join(other))
    assert blocking == [], "\n".join(blocking)
    assert not problems.seen, problems.seen
