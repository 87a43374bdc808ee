"""The WhatsApp-ready recap (issue 16): CLI, API (text/plain) and the page with Copy/Share."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from outreach.extensions import db
from outreach.models import ApiToken, User
from outreach.services import tokens
from outreach.services.recap import MAX_CHARS
from tests.conftest import login
from tests.support.demo import demo_copy


@pytest.fixture
def demo(app: Any) -> None:
    demo_copy(app.config["OUTREACH_DEMO_PASSWORD"])


def test_cli_recap_of_the_seed_day(demo: None, runner: Any) -> None:
    result = runner.invoke(
        args=["report", "recap", "--unit", "POLRES-BLORA", "--from", "2023-11-30", "--to", "2023-11-30"]
    )
    assert result.exit_code == 0, result.output
    text = result.output
    print(text)
    assert text.startswith("*REKAP KEGIATAN BINMAS*\n*Polres Blora* – Kamis, 30 November 2023")
    assert "• Paket sembako: 50" in text
    assert "Ponpes Al Alif Tunjungan" in text
    assert "*Bakti sosial*" in text
    assert len(text) <= MAX_CHARS + 1

    english = runner.invoke(
        args=["report", "recap", "--unit", "POLRES-BLORA", "--from", "2023-11-30", "--lang", "en"]
    )
    assert english.exit_code == 0, english.output
    assert english.output.startswith("*BINMAS ACTIVITY RECAP*")


def test_recap_refuses_a_long_period_and_an_unknown_unit(demo: None, runner: Any) -> None:
    result = runner.invoke(
        args=["report", "recap", "--unit", "POLRES-BLORA", "--from", "2023-11-01", "--to", "2023-11-30"]
    )
    assert result.exit_code != 0
    assert "7" in result.output
    result = runner.invoke(args=["report", "recap", "--unit", "NOPE", "--from", "2023-11-01"])
    assert result.exit_code != 0


def test_a_busy_week_stays_within_whatsapp_limit(demo: None, runner: Any) -> None:
    result = runner.invoke(
        args=["report", "recap", "--unit", "POLDA-JATENG", "--from", "2023-11-24", "--to", "2023-11-30"]
    )
    assert result.exit_code == 0, result.output
    assert len(result.output.rstrip("\n")) <= MAX_CHARS


def test_api_and_page(app: Any, client: Any, demo: None) -> None:
    user = db.session.scalar(select(User).where(User.username == "kasat.blora"))
    assert user is not None
    _token, secret = tokens.create_token(user, "recap")
    db.session.commit()
    response = client.get(
        "/api/v1/recap?unit=POLRES-BLORA&from=2023-11-30&to=2023-11-30",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert "Paket sembako: 50" in response.get_data(as_text=True)
    bad = client.get(
        "/api/v1/recap?unit=POLRES-BLORA&from=2023-11-30&to=2023-11-01",
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert bad.status_code == 422
    assert db.session.scalar(select(ApiToken).where(ApiToken.user_id == user.id)) is not None

    assert login(client, "humas.blora", app.config["OUTREACH_DEMO_PASSWORD"]).status_code == 302
    page = client.get("/reports/recap?unit=POLRES-BLORA&from=2023-11-30&to=2023-11-30")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Paket sembako: 50" in html
    assert "data-recap-copy" in html
    assert "data-recap-share" in html
    assert "js/recap.js" in html
    assert "<script>" not in html  # no inline script (CSP)
    assert client.get("/reports/recap?unit=POLRES-BLORA&from=bad").status_code == 422
