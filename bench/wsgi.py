"""The app as gunicorn serves it in the write benchmark, plus the floor route ``GET /bench/hello``.

The floor route exists only when ``OUTREACH_BENCH=1``; production code never registers it. The database comes
from ``OUTREACH_DATABASE_URL`` as in production; the per-token API rate limit is lifted so the client loop
measures the server, not the limiter.
"""

from __future__ import annotations

import os

from flask import Flask, jsonify
from werkzeug.wrappers import Response

from outreach import create_app as create_outreach_app


def create_app() -> Flask:
    overrides: dict[str, object] = {"OUTREACH_API_RATE_LIMIT": 10**9}
    if os.environ.get("BENCH_SYNC"):  # default: the production setting (FULL)
        overrides["OUTREACH_SQLITE_SYNCHRONOUS"] = os.environ["BENCH_SYNC"]
    app = create_outreach_app(overrides)
    if os.environ.get("OUTREACH_BENCH") == "1":

        def hello() -> Response:
            return jsonify(ok=True)

        app.add_url_rule("/bench/hello", "bench_hello", hello)
    return app
