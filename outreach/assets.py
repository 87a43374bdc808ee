"""Light on a weak network (issue 14): compressed responses, fingerprinted and long-cached static files.

- **Compression** is Flask-Compress's (the embedded default has no reverse proxy to do it): brotli, else gzip,
  for text types (HTML, CSS, JS, JSON, CSV, SVG); PDF, XLSX, DOCX and photos are compressed already and pass
  as they are. A streamed response (the CSV exports, static files) is compressed chunk by chunk and still
  streams: nothing is buffered whole.
- **Fingerprints**: every ``url_for('static', …)`` and ``url_for('bootstrap.static', …)`` (so Bootstrap-Flask's
  ``load_css``/``load_js`` too) carries ``?v=<hash of the file's content>``; url_for's signature is unchanged.
  A file's hash is computed once per process, the first time a URL names it (each call in debug mode, where
  files change under a running server).
- **Cache lifetime**: a request whose ``v`` is the file's current hash may be kept a year, ``immutable`` — the
  browser does not even revalidate; any other static request (no ``v``, an old one after a deployment, a URL a
  stylesheet builds such as Leaflet's images) gets a short lifetime, then revalidates with its ETag.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

from flask import Flask, Response, request
from flask_compress import Compress
from werkzeug.security import safe_join

#: The query parameter that carries the fingerprint.
VERSION_ARG = "v"
IMMUTABLE = "public, max-age=31536000, immutable"
SHORT = "public, max-age=600"
#: Text types worth compressing: Flask-Compress's default list plus CSV (the exports). Formats that are
#: compressed already (PDF, XLSX/DOCX — zip files —, JPEG/PNG/WebP) are left out on purpose.
COMPRESS_MIMETYPES = [
    "text/html",
    "text/css",
    "text/plain",
    "text/csv",
    "text/xml",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/manifest+json",
    "application/xml",
    "image/svg+xml",
    "image/x-icon",
    "image/vnd.microsoft.icon",
]

compress = Compress()


def is_static(endpoint: str | None) -> bool:
    """The app's ``static`` endpoint or a blueprint's (``bootstrap.static``)."""
    return endpoint is not None and (endpoint == "static" or endpoint.endswith(".static"))


def file_hash(path: Path) -> str:
    """The fingerprint of a file: the first 12 hex digits of its content's SHA-256."""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


class Fingerprints:
    """Content hashes of the static files, computed once per process and file."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._known: dict[tuple[str, str], str | None] = {}
        self._lock = threading.Lock()

    def _folder(self, endpoint: str) -> str | None:
        if endpoint == "static":
            return self.app.static_folder
        blueprint = self.app.blueprints.get(endpoint.rsplit(".", 1)[0])
        return blueprint.static_folder if blueprint is not None else None

    def version(self, endpoint: str, filename: str) -> str | None:
        """The file's fingerprint, or None when it does not exist (url_for then builds the plain URL)."""
        key = (endpoint, filename)
        if key in self._known and not self.app.debug:
            return self._known[key]
        folder = self._folder(endpoint)
        path = safe_join(folder, filename) if folder else None
        digest = None
        if path is not None and Path(path).is_file():
            digest = file_hash(Path(path))
        with self._lock:
            self._known[key] = digest
        return digest


def init_app(app: Flask) -> None:
    """Compression (registered first: its after_request hook runs last, on the final response) and the
    fingerprinted static URLs with their cache lifetimes."""
    app.config.setdefault("COMPRESS_MIMETYPES", COMPRESS_MIMETYPES)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    # Streams too (Flask-Compress leaves gzip out of its default streaming list; any client takes gzip).
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["br", "gzip"])
    app.config.setdefault("COMPRESS_STREAMING_ENDPOINT_CONDITIONAL", ["static", "bootstrap.static"])
    app.config.setdefault("COMPRESS_REGISTER", False)  # registered below, to leave byte ranges alone
    compress.init_app(app)

    @app.after_request
    def _compress(response: Response) -> Response:
        # A 206 carries a byte range of the file as stored: compressing it would break its Content-Range.
        return response if response.status_code == 206 else compress.after_request(response)

    fingerprints = Fingerprints(app)
    app.extensions["outreach.fingerprints"] = fingerprints

    @app.url_defaults
    def _fingerprint(endpoint: str, values: dict[str, Any]) -> None:
        if is_static(endpoint) and VERSION_ARG not in values and isinstance(values.get("filename"), str):
            version = fingerprints.version(endpoint, values["filename"])
            if version:
                values[VERSION_ARG] = version

    @app.after_request
    def _static_cache(response: Response) -> Response:
        # Registered after Flask-Compress, so it runs before it: the iterable it wraps stays closable.
        close = getattr(response.response, "close", None)
        if response.is_streamed and callable(close):
            response.call_on_close(close)  # a file or generator the compressed stream wraps is closed too
        if not is_static(request.endpoint) or response.status_code not in (200, 206, 304):
            return response
        filename = (request.view_args or {}).get("filename")
        wanted = request.args.get(VERSION_ARG)
        current = fingerprints.version(str(request.endpoint), filename) if filename else None
        response.headers["Cache-Control"] = IMMUTABLE if wanted and wanted == current else SHORT
        return response
