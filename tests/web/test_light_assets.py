"""Issue 14, item 3: pages compressed by the app, static URLs fingerprinted and cached for a year."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from typing import Any

import brotli
import pytest
from flask import Flask, url_for

from outreach import assets

HASHED = re.compile(r"\?v=[0-9a-f]{12}\b")


def test_every_static_url_carries_the_fingerprint_of_its_content(app: Flask, login_as: Any) -> None:
    with app.test_request_context():
        css = url_for("static", filename="css/app.css")
        bootstrap_css = url_for("bootstrap.static", filename="css/bootstrap.min.css")
        missing = url_for("static", filename="css/nothing-here.css")
    assert HASHED.search(css), css
    assert HASHED.search(bootstrap_css), bootstrap_css
    assert missing == "/static/css/nothing-here.css"  # no file, no fingerprint: a plain (404) URL
    page = app.test_client().get("/login").get_data(as_text=True)
    static_urls = re.findall(r'(?:href|src)="(/(?:static|bootstrap)/[^"]+)"', page)
    assert len(static_urls) >= 4  # app.css, Bootstrap's CSS, JS and Popper
    assert [u for u in static_urls if not HASHED.search(u)] == []


def test_a_fingerprinted_file_is_cached_a_year_any_other_request_briefly(app: Flask) -> None:
    client = app.test_client()
    with app.test_request_context():
        css = url_for("static", filename="css/app.css")
        bootstrap_js = url_for("bootstrap.static", filename="js/bootstrap.min.js")
    for url in (css, bootstrap_js):
        response = client.get(url)
        assert response.status_code == 200
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        response.close()
    for url in (
        "/static/css/app.css",
        "/static/css/app.css?v=000000000000",
        "/bootstrap/static/js/bootstrap.min.js",
    ):
        response = client.get(url)
        assert response.status_code == 200  # still served: an old page or a stylesheet's own URL
        assert response.headers["Cache-Control"] == assets.SHORT
        response.close()
    assert client.get("/static/css/nothing-here.css?v=abc").status_code == 404


def test_hashes_are_computed_once_per_process(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Path] = []
    real = assets.file_hash

    def counting(path: Path) -> str:
        calls.append(path)
        return real(path)

    monkeypatch.setattr(assets, "file_hash", counting)
    client = app.test_client()
    for _ in range(3):
        client.get("/login").close()
    page = client.get("/login").get_data(as_text=True)
    # Each file the page references (app.css, Bootstrap's, the manifest icon, the outbox script…) once.
    referenced = set(re.findall(r'"(/[^"?]+)\?v=[0-9a-f]{12}"', page))
    assert len(referenced) >= 4, referenced
    assert len(calls) == len(set(calls)) == len(referenced), (calls, referenced)
    app_css = re.search(r'"(/static/css/app\.css\?v=[0-9a-f]{12})"', page)
    assert app_css is not None
    client.get(app_css.group(1)).close()  # serving a file checks its fingerprint without hashing it again
    assert len(calls) == len(referenced)


@pytest.mark.parametrize(("encoding", "decode"), [("br", brotli.decompress), ("gzip", gzip.decompress)])
def test_pages_and_static_files_travel_compressed(app: Flask, encoding: str, decode: Any) -> None:
    client = app.test_client()
    plain = client.get("/login").get_data()
    page = client.get("/login", headers={"Accept-Encoding": f"{encoding}, identity;q=0.5"})
    assert page.headers["Content-Encoding"] == encoding
    assert "Accept-Encoding" in page.headers["Vary"]
    body = page.get_data()
    assert len(body) < len(plain) / 2
    assert b"csrf_token" in decode(body)

    with app.test_request_context():
        css = url_for("bootstrap.static", filename="css/bootstrap.min.css")
    static = client.get(css, headers={"Accept-Encoding": encoding})
    assert static.status_code == 200
    assert static.headers["Content-Encoding"] == encoding
    assert static.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    data = static.get_data()
    static.close()
    assert len(data) < 50_000  # 232 KB of CSS
    assert decode(data).startswith(b"@charset") or b"Bootstrap" in decode(data)[:200]
    # Revalidation still answers 304 on its (encoding-specific) ETag.
    again = client.get(css, headers={"Accept-Encoding": encoding, "If-None-Match": static.headers["ETag"]})
    assert again.status_code == 304
    again.close()


def test_no_compression_without_accept_encoding(app: Flask) -> None:
    response = app.test_client().get("/login")
    assert "Content-Encoding" not in response.headers
    assert b"csrf_token" in response.get_data()


def test_a_byte_range_is_served_as_stored(app: Flask) -> None:
    client = app.test_client()
    with app.test_request_context():
        css = url_for("static", filename="css/app.css")
    response = client.get(css, headers={"Accept-Encoding": "br, gzip", "Range": "bytes=0-9"})
    assert response.status_code == 206
    assert "Content-Encoding" not in response.headers
    assert response.get_data() == (Path(app.static_folder or "") / "css" / "app.css").read_bytes()[:10]
    response.close()
