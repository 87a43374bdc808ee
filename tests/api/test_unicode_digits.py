"""Digits that are not 0-9 (``²``, ``١``) are refused like any other non-number, never a 500.

``str.isdigit`` accepts them and ``int("²")`` raises; the contract fuzzer found ``/api/v1/stats?programme_id=²``
answering 500. Ids go through ``parse_id``, the other outside numbers through ``outreach.numerals.ascii_digits``.
"""

from __future__ import annotations

import pytest

from outreach.numerals import ascii_digits

ODD_DIGITS = ["²", "١", "٣٤", "1²", "１"]  # superscript, Arabic-Indic, fullwidth


@pytest.mark.parametrize("text", ODD_DIGITS + ["", " 1", "1.0", "-1", "1e3"])
def test_only_ascii_digits_count(text):
    assert not ascii_digits(text)


@pytest.mark.parametrize("text", ["0", "7", "2024", "000123"])
def test_ascii_digits_count(text):
    assert ascii_digits(text)


@pytest.mark.parametrize("odd", ODD_DIGITS)
def test_api_filters_name_the_field(api_as, world, odd):
    commander = api_as("commander.a1")
    for url in ("/api/v1/stats", "/api/v1/activities"):
        response = commander.get(url, query_string={"programme_id": odd})
        assert response.status_code == 422, (url, response.get_data(as_text=True))
        assert "programme_id" in response.get_json()["error"]["fields"]


@pytest.mark.parametrize("odd", ODD_DIGITS)
def test_pages_show_the_filter_error(login_as, world, odd):
    client = login_as("commander.a1")
    for url in ("/dashboard/", "/activities/", "/dashboard/deferred"):
        response = client.get(url, query_string={"programme_id": odd})
        assert response.status_code < 500, (url, odd)
    assert client.get("/regions/search", query_string={"level": odd, "q": "Blora"}).status_code < 500
