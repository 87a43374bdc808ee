"""What a page costs on the wire, measured in the real browser (issue 14, item 3).

Chromium reports, through the DevTools protocol, every response's bytes as they travelled (headers and the
possibly compressed body: ``Network.loadingFinished.encodedDataLength``); a response served from the browser's
cache travelled 0 bytes. A page is measured twice in one browser context: on a *first visit* (the browser
cache cleared just before) and on a *repeat visit* (the same URL opened again, as a user coming back later in
the day). ``decoded`` is what the same resources weigh once unpacked (``performance`` entries), i.e. what the
page would cost without compression.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import BrowserContext, Page


@dataclass
class Visit:
    transferred: int = 0  # bytes on the wire: headers + (compressed) bodies
    decoded: int = 0  # the resources' bodies once decoded
    requests: int = 0  # responses that crossed the network (not served from the cache)
    cached: int = 0  # responses served from the browser's cache
    browser_own: int = 0  # fetches the browser makes for itself, not for the page (the manifest's icons)
    by_url: dict[str, int] = field(default_factory=dict)


@dataclass
class Weight:
    name: str
    path: str
    first: Visit
    repeat: Visit


class _Recorder:
    def __init__(self, context: BrowserContext, page: Page, browser_own: frozenset[str]) -> None:
        self.browser_own = browser_own
        self.cdp = context.new_cdp_session(page)
        self.cdp.send("Network.enable")
        self.urls: dict[str, str] = {}
        self.from_cache: set[str] = set()
        self.visit = Visit()
        self.cdp.on("Network.responseReceived", self._response)
        self.cdp.on("Network.requestServedFromCache", lambda e: self.from_cache.add(e["requestId"]))
        self.cdp.on("Network.loadingFinished", self._finished)

    def _response(self, event: dict[str, Any]) -> None:
        response = event["response"]
        self.urls[event["requestId"]] = response["url"]
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            self.from_cache.add(event["requestId"])

    def _finished(self, event: dict[str, Any]) -> None:
        request_id = event["requestId"]
        url = self.urls.get(request_id, "?")
        if url.startswith("data:"):
            return
        if url in self.browser_own:
            self.visit.browser_own += 1
            return
        size = int(event.get("encodedDataLength") or 0)
        if request_id in self.from_cache or size == 0:
            self.visit.cached += 1
            return
        self.visit.requests += 1
        self.visit.transferred += size
        self.visit.by_url[url] = self.visit.by_url.get(url, 0) + size

    def measure(self, page: Page, url: str) -> Visit:
        self.visit = Visit()
        page.goto(url, wait_until="networkidle")
        page.wait_for_timeout(200)  # let the last protocol events arrive
        self.visit.decoded = int(
            page.evaluate(
                """() => performance.getEntriesByType('navigation')
                    .concat(performance.getEntriesByType('resource'))
                    .reduce((sum, e) => sum + (e.decodedBodySize || 0), 0)"""
            )
        )
        return self.visit


def manifest_icons(page: Page, base: str) -> frozenset[str]:
    """The icons of the app's manifest, as absolute URLs.

    Chromium fetches the best of them on every page load for its installability check, revalidating it
    (a 304) whatever its caching headers say: a fetch of the browser's own, not of the page, so the
    recorder leaves it out of a page's weight (it counts it in ``Visit.browser_own``)."""
    manifest = page.request.get(f"{base}/manifest.webmanifest").json()
    return frozenset(base + icon["src"] for icon in manifest["icons"])


def weigh(context: BrowserContext, page: Page, base: str, pages: list[tuple[str, str]]) -> list[Weight]:
    """Measure each ``(name, path)`` of ``pages`` in ``page`` (already logged in as needed)."""
    recorder = _Recorder(context, page, manifest_icons(page, base))
    weights = []
    for name, path in pages:
        recorder.cdp.send("Network.clearBrowserCache")
        first = recorder.measure(page, base + path)
        # Chromium writes its cache entries asynchronously: on a loaded machine a repeat visit right away could
        # find an entry not yet written and fetch it again. A user comes back later than a second after.
        page.wait_for_timeout(1000)
        repeat = recorder.measure(page, base + path)
        if repeat.requests > 1 and any("/static/" in url for url in repeat.by_url):
            # Still not written (a busy machine running the suite on every core): once more, later. A static
            # file without its caching headers would be fetched again whatever the wait, so this cannot hide one.
            page.wait_for_timeout(3000)
            repeat = recorder.measure(page, base + path)
        weights.append(Weight(name, path, first, repeat))
    return weights


def kb(n: int) -> str:
    return f"{n / 1024:.1f}"


def table(weights: list[Weight]) -> str:
    """A Markdown table of the measurements (docs/PAGE-WEIGHT.md)."""
    lines = [
        "| Page | First visit: transferred KB (requests) | Unpacked KB | Repeat visit: transferred KB "
        "(requests / from cache) |",
        "| --- | ---: | ---: | ---: |",
    ]
    for w in weights:
        lines.append(
            f"| {w.name} (`{w.path}`) | {kb(w.first.transferred)} ({w.first.requests}) | {kb(w.first.decoded)} "
            f"| {kb(w.repeat.transferred)} ({w.repeat.requests} / {w.repeat.cached}) |"
        )
    return "\n".join(lines)
