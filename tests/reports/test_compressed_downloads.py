"""Issue 14, item 3: compressed downloads. CSV travels compressed and still streams (its audit entry counts the
rows and the unpacked bytes that left); PDF and XLSX, zip-compressed already, pass as they are."""

from __future__ import annotations

import gzip
import zlib
from typing import Any

import brotli
import pytest
from sqlalchemy import select

from outreach.extensions import db
from outreach.models import AuditEntry
from tests.reports.conftest import Seeded


def _downloads() -> list[AuditEntry]:
    db.session.expire_all()
    return list(
        db.session.scalars(select(AuditEntry).where(AuditEntry.action == "download").order_by(AuditEntry.id))
    )


@pytest.mark.parametrize(("encoding", "decode"), [("gzip", gzip.decompress), ("br", brotli.decompress)])
def test_a_csv_export_streams_compressed(seeded: Seeded, login_as: Any, encoding: str, decode: Any) -> None:
    client = login_as("pr.a1")
    url = f"/reports/export/visits.csv?programme_id={seeded.world.programme.id}&status=all"
    plain = client.get(url).get_data()
    response = client.get(url, headers={"Accept-Encoding": encoding})
    assert response.status_code == 200
    assert response.is_streamed  # a generator, not a body built in memory
    assert response.headers["Content-Encoding"] == encoding
    assert "Content-Length" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    body = response.get_data()
    response.close()
    assert decode(body) == plain
    first, second = _downloads()
    assert first.changes["bytes"] == second.changes["bytes"] == len(plain)  # what the user got, unpacked
    assert second.changes["rows"] == 3
    assert "complete" not in second.changes


def test_a_compressed_stream_the_client_leaves_is_audited_as_incomplete(
    seeded: Seeded, login_as: Any
) -> None:
    client = login_as("pr.a1")
    url = f"/reports/export/visits.csv?programme_id={seeded.world.programme.id}&status=all"
    response = client.get(url, headers={"Accept-Encoding": "gzip"}, buffered=False)
    assert response.headers["Content-Encoding"] == "gzip"
    chunks = iter(response.response)
    assert next(chunks)  # the start of the file left; the client goes away
    response.close()
    (entry,) = _downloads()
    assert entry.changes["complete"] is False


def test_already_compressed_downloads_are_not_compressed_again(seeded: Seeded, login_as: Any) -> None:
    client = login_as("pr.a1")
    query = f"?programme_id={seeded.world.programme.id}&status=verified"
    for url, magic in (
        (f"/reports/programme.pdf{query}", b"%PDF-"),
        (f"/reports/export/activities.xlsx{query}", b"PK"),
        (f"/reports/programme.pdf{query}&format=docx", b"PK"),
    ):
        response = client.get(url, headers={"Accept-Encoding": "br, gzip"})
        assert response.status_code == 200, url
        assert "Content-Encoding" not in response.headers, url
        assert response.get_data().startswith(magic)
        response.close()


def test_json_answers_are_compressed_too(seeded: Seeded, login_as: Any) -> None:
    client = login_as("pr.a1")
    response = client.get("/api/v1/openapi.json", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert zlib.decompress(response.get_data(), 16 + zlib.MAX_WBITS).startswith(b"{")
