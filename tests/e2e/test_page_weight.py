"""Issue 14, item 3: each main page's bytes on the wire, first and repeat visit, on a phone in chromium.

Prints the table of docs/PAGE-WEIGHT.md (``pytest tests/e2e/test_page_weight.py -s``; with
``OUTREACH_PAGE_WEIGHT_REPORT=<file>`` it is also written there) and holds the bounds the issue asks for:
pages compressed, static files fingerprinted and cached, so a repeat visit fetches the page itself only.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from playwright.sync_api import Browser

from tests.support.browser import PHONE, Problems, login
from tests.support.page_weight import Weight, kb, table, weigh

#: (who, [(page name, path)]): the main page of each role; "None" is a visitor not logged in.
PAGES: list[tuple[str | None, list[tuple[str, str]]]] = [
    (None, [("Login", "/login")]),
    (
        "staf.blora",
        [
            ("Activities (staff home)", "/activities/"),
            ("New activity form", "/activities/new"),
            ("My drafts", "/activities/mine"),
            ("Activity detail", "{detail}"),
        ],
    ),
    ("kasat.blora", [("Dashboard", "/dashboard/"), ("Waiting for verification", "/activities/waiting")]),
    ("humas.blora", [("Reports", "/reports/")]),
]
#: A first visit (empty cache) stays under this (about 76 KB measured; 310–430 KB before issue 14); the
#: dashboard, with Chart.js and Leaflet, under its own (211 KB; 818 KB before); the activity form too (102 KB:
#: its own scripts for the steps, the photo resizing and the outbox, 12 requests). A repeat visit fetches only
#: the page itself (the dashboard also its map and gaps): every static file comes from the browser's cache
#: without a request.
FIRST_VISIT_MAX = 100 * 1024
FIRST_VISIT_MAX_BY_PAGE = {"Dashboard": 260 * 1024, "New activity form": 130 * 1024}
REPEAT_VISIT_MAX = 30 * 1024
#: What a repeat visit fetches: the page itself, and for the dashboard its map and gaps, which it loads after its
#: figures (``dashboard.deferred``, decision 82). Never a static file.
REPEAT_REQUESTS = {"Dashboard": 2}


def _measure(browser: Browser, base: str) -> list[Weight]:
    weights: list[Weight] = []
    for username, pages in PAGES:
        problems = Problems()
        # Without the service worker: it answers the pages it keeps and the static files from its own cache,
        # out of the page's sight (a "first visit" would weigh 0 KB), and fetches the shell itself in the
        # background. The measure is what the pages and the HTTP caching cost on the wire.
        context = problems.watch(
            browser.new_context(
                locale="id-ID", timezone_id="Asia/Jakarta", viewport=PHONE, service_workers="block"
            )
        )
        context.set_default_timeout(15_000)
        page = context.new_page()
        if username:
            login(page, base, username, "id")
            # A reader lands on the dashboard, which fetches its map and gaps after the figures: let that
            # finish here, not inside the first page measured.
            page.wait_for_load_state("networkidle")
        resolved = []
        for name, path in pages:
            if path == "{detail}":
                page.goto(f"{base}/activities/")
                href = page.locator("a[href*='/activities/']").evaluate_all(
                    "links => links.map(a => a.getAttribute('href'))"
                )
                path = next(h for h in href if re.fullmatch(r"/activities/\d+", h))
            resolved.append((name, path))
        weights += weigh(context, page, base, resolved)
        context.close()
    return weights


def test_page_weight_first_and_repeat_visit(browser: Browser, live_server: str) -> None:
    weights = _measure(browser, live_server)
    report = table(weights)
    print("\n" + report)
    for w in weights:  # the heaviest responses of each visit, for the curious reader of -s output
        top = sorted(w.first.by_url.items(), key=lambda kv: -kv[1])[:4]
        print(w.name, ", ".join(f"{url.replace(live_server, '')} {kb(n)} KB" for url, n in top))
    if target := os.environ.get("OUTREACH_PAGE_WEIGHT_REPORT"):
        Path(target).write_text(report + "\n", encoding="utf-8")
    heavy = [
        (w.name, w.first.transferred)
        for w in weights
        if w.first.transferred > FIRST_VISIT_MAX_BY_PAGE.get(w.name, FIRST_VISIT_MAX)
    ]
    assert heavy == []
    refetching = [(w.name, w.repeat.transferred) for w in weights if w.repeat.transferred > REPEAT_VISIT_MAX]
    assert refetching == []
    static_refetched = [
        (w.name, w.repeat.by_url) for w in weights if w.repeat.requests > REPEAT_REQUESTS.get(w.name, 1)
    ]
    assert static_refetched == []  # the page itself only (and the dashboard's map and gaps)
    assert [(w.name, u) for w in weights for u in w.repeat.by_url if "/static/" in u] == []
