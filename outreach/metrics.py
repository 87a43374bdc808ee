"""Prometheus metrics (prometheus-client), served at ``/metrics`` by the ops blueprint.

Under gunicorn with several workers each process counts on its own; ``PROMETHEUS_MULTIPROC_DIR`` (set by
``make run`` to ``instance/prometheus``, emptied at each start) makes prometheus-client keep the values in
files there, and ``/metrics`` sums every worker's (``outreach/gunicorn_conf.py`` marks dead workers).

Where the numbers come from:

- requests: an ``after_request`` hook, labelled by endpoint (the route's name, never the raw path, so the
  number of series stays bounded), method and status;
- activities created / submitted / verified / returned / reopened / deleted, failed logins and lockouts:
  the audit entries of each *committed* transaction (a rolled-back change is not counted), so every way in
  — browser, API, importer, CLI — is counted by the one place that already records it;
- export sizes: the download edge (``observe_download``) with bytes and rows per kind;
- jobs: ``observe_job`` and ``set_queue_depth`` are ready for a job queue; nothing calls them until one
  exists.
"""

from __future__ import annotations

import ipaddress
import os
import time
from typing import Any

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import event
from sqlalchemy.orm import Session

PREFIX = "outreach"
_SIZE_BUCKETS = (1e3, 1e4, 1e5, 1e6, 1e7, 5e7, 1e8, 5e8)
_ROW_BUCKETS = (1, 10, 100, 1_000, 10_000, 100_000, 1_000_000)

REQUESTS = Counter(f"{PREFIX}_http_requests", "HTTP requests answered", ("endpoint", "method", "status"))
LATENCY = Histogram(
    f"{PREFIX}_http_request_duration_seconds",
    "Time to build the response (streamed bodies excluded)",
    ("endpoint", "status"),
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
ACTIVITY_EVENTS = Counter(
    f"{PREFIX}_activity_events",
    "Activity workflow events committed (created, submitted, verified …)",
    ("event",),
)
LOGIN_FAILURES = Counter(f"{PREFIX}_login_failures", "Failed logins (wrong name or password)")
LOGIN_LOCKOUTS = Counter(f"{PREFIX}_login_lockouts", "Logins refused because of too many failures")
DOWNLOADS = Counter(f"{PREFIX}_downloads", "Audited downloads", ("kind", "channel"))
DOWNLOAD_BYTES = Histogram(f"{PREFIX}_download_bytes", "Size of downloads", ("kind",), buckets=_SIZE_BUCKETS)
DOWNLOAD_ROWS = Histogram(f"{PREFIX}_download_rows", "Rows in exports", ("kind",), buckets=_ROW_BUCKETS)
JOB_DURATION = Histogram(
    f"{PREFIX}_job_duration_seconds",
    "Duration of background jobs",
    ("job", "outcome"),
    buckets=(0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600),
)
JOB_QUEUE_DEPTH = Gauge(
    f"{PREFIX}_job_queue_depth", "Jobs waiting in a queue", ("queue",), multiprocess_mode="mostrecent"
)

#: audit actions on ``entity_type == "activity"`` counted as activity events, under these labels
ACTIVITY_ACTIONS = {
    "create": "created",
    "submit": "submitted",
    "verify": "verified",
    "return": "returned",
    "reopen": "reopened",
    "delete": "deleted",
    "restore": "restored",
}
FAILED_LOGIN_ACTIONS = frozenset({"login_failed"})
#: audit actions meaning "refused because of too many failures" (the throttle, and an account lockout)
LOCKOUT_ACTIONS = frozenset({"login_throttled", "login_locked", "lockout"})


def observe_download(kind: str, channel: str, size_bytes: int | None, rows: int | None) -> None:
    DOWNLOADS.labels(kind, channel).inc()
    if size_bytes is not None:
        DOWNLOAD_BYTES.labels(kind).observe(size_bytes)
    if rows is not None:
        DOWNLOAD_ROWS.labels(kind).observe(rows)


def observe_job(job: str, seconds: float, outcome: str = "ok") -> None:
    """Hook for a job runner: one finished job (``outcome``: ok, failed, retried)."""
    JOB_DURATION.labels(job, outcome).observe(seconds)


def set_queue_depth(queue: str, depth: int) -> None:
    """Hook for a job runner: how many jobs wait in ``queue`` now."""
    JOB_QUEUE_DEPTH.labels(queue).set(depth)


def count_audit_actions(actions: list[tuple[str, str]]) -> None:
    """Count the committed audit entries (action, entity type) that metrics follow."""
    for action, entity_type in actions:
        if entity_type == "activity" and action in ACTIVITY_ACTIONS:
            ACTIVITY_EVENTS.labels(ACTIVITY_ACTIONS[action]).inc()
        elif action in FAILED_LOGIN_ACTIONS:
            LOGIN_FAILURES.inc()
        elif action in LOCKOUT_ACTIONS:
            LOGIN_LOCKOUTS.inc()


_PENDING = "outreach_metrics_audit"


def _after_flush(session: Session, _context: Any) -> None:
    from outreach.models import AuditEntry

    new = [(o.action, o.entity_type) for o in session.new if isinstance(o, AuditEntry)]
    if new:
        session.info.setdefault(_PENDING, []).extend(new)


def _after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if pending:
        count_audit_actions(pending)


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


_listening = False


def _listen_to_sessions() -> None:
    """Once per process: follow the audit entries of every ORM session (events on the Session class)."""
    global _listening
    if _listening:
        return
    event.listen(Session, "after_flush", _after_flush)
    event.listen(Session, "after_commit", _after_commit)
    event.listen(Session, "after_rollback", _after_rollback)
    _listening = True


def register(app: Flask) -> None:
    _listen_to_sessions()

    @app.before_request
    def _start_timer() -> None:
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _count_request(response: Response) -> Response:
        endpoint = request.url_rule.endpoint if request.url_rule is not None else "<unmatched>"
        status = str(response.status_code)
        REQUESTS.labels(endpoint, request.method, status).inc()
        started = g.get("metrics_started")
        if started is not None:
            LATENCY.labels(endpoint, status).observe(time.perf_counter() - started)
        return response


# ----------------------------------------------------------------------------------------- exposition


def render() -> tuple[bytes, str]:
    """The Prometheus text: every worker's values in multiprocess mode, this process's otherwise."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return generate_latest(registry), CONTENT_TYPE_LATEST
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


def parse_allow(value: str) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    """``OUTREACH_METRICS_ALLOW``: a comma list of addresses and networks (CIDR); raises ValueError."""
    networks = []
    for part in (p.strip() for p in (value or "").split(",")):
        if part:
            networks.append(ipaddress.ip_network(part, strict=False))
    return networks


def address_allowed(address: str | None, networks: list[Any]) -> bool:
    if not address or not networks:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip.version == n.version and ip in n for n in networks)
