"""Gunicorn settings for Outreach (``gunicorn -c python:outreach.gunicorn_conf …``; `make run` uses it).

- Prometheus multiprocess mode: with ``PROMETHEUS_MULTIPROC_DIR`` set, each worker keeps its metric values in
  files there and ``/metrics`` sums them; a dead worker's live gauges are dropped here. The folder must be
  emptied before gunicorn starts (`make run` does: ``instance/prometheus``).
- ``OUTREACH_LOG_FORMAT=json``: gunicorn's own lines (start-up, worker exits) are JSON too, and its access log
  is off — the application writes one JSON access line per request, with its request id.
"""

from __future__ import annotations

import os
from typing import Any


def child_exit(_server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)  # type: ignore[no-untyped-call]


if os.environ.get("OUTREACH_LOG_FORMAT", "").lower() == "json":
    accesslog = None
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "outreach.logs.JsonFormatter"}},
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
        },
        "loggers": {
            "gunicorn.error": {"level": "INFO", "handlers": ["console"], "propagate": False},
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
        },
    }
