"""Bahasa Indonesia is the complete default language, English the complete second one.

The catalogue tests extract the strings from the code in-process (the same babel.cfg mapping and keywords as
`make messages`), so a string added without an Indonesian translation fails here, not in front of a user.
"""

from __future__ import annotations

import ast
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask_babel import format_decimal

from outreach.extensions import db
from outreach.models import Activity
from outreach.templating import date_long, number
from tests import factories
from tests.conftest import login

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "outreach" / "translations"
#: The extra keywords of the Makefile's `messages` target (-k _l -k lazy_gettext).
KEYWORDS = {**DEFAULT_KEYWORDS, **parse_keywords(["_l", "lazy_gettext"])}
PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifr%]")


def po(lang: str) -> Catalog:
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=lang)


def _directory_filter(dirpath: str) -> bool:
    name = Path(dirpath).name
    return not (
        name.startswith((".", "_")) or name in {"node_modules", "vendor", "instance", "dist", "build"}
    )


@pytest.fixture(scope="module")
def extracted() -> dict[str | tuple[str, str], list[str]]:
    """Every msgid the code marks for translation → where it is used, freshly extracted."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f, "babel.cfg")
    found: dict[str | tuple[str, str], list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS, directory_filter=_directory_filter
    ):
        key = message if isinstance(message, str) else message[0]
        if key:
            found.setdefault((key, context) if context else key, []).append(f"{filename}:{lineno}")
    return found


def _key(value: str | list[str] | tuple[str, ...]) -> str | tuple[str, ...]:
    return value if isinstance(value, str) else tuple(value)


def _translated(message: Message) -> bool:
    strings = message.string if isinstance(message.string, (list, tuple)) else (message.string,)
    return all(strings)


def _placeholders(text: str) -> set[str]:
    return {m.group(0) if m.group(1) is None else m.group(1) for m in PLACEHOLDER.finditer(text)}


def test_extraction_covers_every_layer(extracted):
    files = {where.split(":")[0] for places in extracted.values() for where in places}
    for expected in (
        "outreach/auth/views.py",  # blueprint views (gettext)
        "outreach/activities/forms.py",  # forms (lazy_gettext as _l)
        "outreach/services/activities.py",  # service error messages (gettext as _)
        "outreach/i18n.py",  # enum labels
        "templates/base.html",  # templates (_() in Jinja)
    ):
        assert expected in files, f"nothing extracted from {expected}"
    assert "Log in" in extracted
    assert "The date is in the future." in extracted


def test_no_unextractable_msgid():
    """`_(f"…")` or `_(variable)` cannot be extracted, so it can never be translated: msgids are literals."""
    bad = []
    for path in sorted((ROOT / "outreach").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in KEYWORDS:
                first = node.args[0] if node.args else None
                if not (isinstance(first, ast.Constant) and isinstance(first.value, str)):
                    bad.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert not bad, bad


def test_indonesian_catalogue_translates_every_extracted_string(extracted):
    catalogue = po("id")
    missing = []
    for key, places in sorted(extracted.items(), key=lambda kv: str(kv[0])):
        msgid, context = key if isinstance(key, tuple) else (key, None)
        message = catalogue.get(msgid, context)
        strings = (
            ()
            if message is None
            else (message.string if isinstance(message.string, tuple) else (message.string,))
        )
        if message is None or message.fuzzy or not all(strings):
            missing.append(f"{msgid!r} ({places[0]})")
    assert not missing, (
        f"{len(missing)} strings lack an Indonesian translation — run `make messages`, translate them in "
        "outreach/translations/id/LC_MESSAGES/messages.po, then `make translations`:\n" + "\n".join(missing)
    )


def test_indonesian_catalogue_is_clean():
    catalogue = po("id")
    assert catalogue.plural_forms == "nplurals=1; plural=0;"
    problems = []
    for message in catalogue:
        if not message.id:
            continue
        ids = (message.id,) if isinstance(message.id, str) else tuple(message.id)
        strings = tuple(message.string) if isinstance(message.string, (list, tuple)) else (message.string,)
        if message.fuzzy:
            problems.append(f"fuzzy: {ids[0]!r}")
        if not all(strings):
            problems.append(f"untranslated: {ids[0]!r}")
        if len(strings) != catalogue.num_plurals:
            problems.append(f"plural forms: {ids[0]!r}")
        wanted = _placeholders(ids[0])
        for text in strings:
            if text and _placeholders(text) != wanted:
                problems.append(f"placeholders {sorted(_placeholders(text))} ≠ {sorted(wanted)}: {ids[0]!r}")
        problems.extend(f"{ids[0]!r}: {error}" for error in message.check(catalogue))
    assert not problems, "\n".join(problems)


def test_english_catalogue_is_valid_and_in_sync(extracted):
    """English msgids are the English text (an empty msgstr falls back to them); the file must be current."""
    catalogue = po("en")
    assert str(catalogue.locale) == "en"
    assert catalogue.plural_forms == "nplurals=2; plural=(n != 1);"
    keys = {(m.id if isinstance(m.id, str) else m.id[0], m.context) for m in catalogue if m.id}
    absent = [k for k in extracted if ((k, None) if isinstance(k, str) else k) not in keys]
    assert not absent, f"run `make messages`: {absent[:10]}"
    for message in catalogue:
        assert not message.fuzzy, message.id
        assert not list(message.check(catalogue)), message.id


@pytest.mark.parametrize("lang", ["id", "en"])
def test_compiled_catalogue_matches_its_po(lang):
    """The .mo files are build products (`make translations`); a stale one shows old or no translations."""
    mo_path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo"
    assert mo_path.exists(), "run `make translations`"
    # Entries whose text equals the msgid are left out on both sides: Babel writes an untranslated plural
    # entry with its msgid as the text, and "Polres" → "Polres" changes nothing either way.
    with mo_path.open("rb") as f:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(f) if m.id}
    source = {_key(m.id): _key(m.string) for m in po(lang) if m.id and _translated(m) and not m.fuzzy}
    compiled = {k: v for k, v in compiled.items() if v != k}
    source = {k: v for k, v in source.items() if v != k}
    assert compiled == source, "the .mo is stale: run `make translations`"


# --- pages in the chosen language ---------------------------------------------------------------------------


def test_indonesian_is_the_default(client, world):
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="id"' in html
    assert "Masuk" in html
    assert "Log in" not in html
    login(client, "staff.a1x")
    html = client.get("/activities/").get_data(as_text=True)
    assert ">Kegiatan</a>" in html
    assert "Keluar" in html
    assert ">Activities</a>" not in html


def test_accept_language_english(client, world):
    html = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.8"}).get_data(as_text=True)
    assert '<html lang="en"' in html
    assert "Log in to Outreach" in html
    assert "Masuk" not in html


def test_unsupported_browser_language_falls_back_to_indonesian(client, world):
    html = client.get("/login", headers={"Accept-Language": "fr-FR,fr;q=0.9"}).get_data(as_text=True)
    assert '<html lang="id"' in html
    assert "Masuk ke Outreach" in html


def test_language_switch_to_english_and_back(client, world):
    login(client, "staff.a1x")
    response = client.post("/language", data={"lang": "en", "next": "/activities/"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/activities/")
    html = client.get("/activities/").get_data(as_text=True)
    assert ">Activities</a>" in html
    assert "Log out" in html
    client.post("/language", data={"lang": "id", "next": "/activities/"})
    assert ">Kegiatan</a>" in client.get("/activities/").get_data(as_text=True)


def test_users_choice_beats_accept_language(app: Flask, world):
    world.users["staff.a1x"].locale = "en"
    world.users["staff.a1y"].locale = "id"
    db.session.commit()
    english, indonesian = app.test_client(), app.test_client()
    login(english, "staff.a1x")
    login(indonesian, "staff.a1y")
    assert ">Activities</a>" in english.get("/activities/", headers={"Accept-Language": "id"}).get_data(
        as_text=True
    )
    assert ">Kegiatan</a>" in indonesian.get("/activities/", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )


def test_switch_while_logged_in_is_remembered_on_the_account(app: Flask, world):
    first = app.test_client()
    login(first, "staff.a1x")
    first.post("/language", data={"lang": "en", "next": "/"})
    db.session.expire_all()
    assert world.users["staff.a1x"].locale == "en"
    other_device = app.test_client()  # no language cookie, an Indonesian browser
    login(other_device, "staff.a1x")
    html = other_device.get("/activities/", headers={"Accept-Language": "id"}).get_data(as_text=True)
    assert ">Activities</a>" in html


# --- dates and numbers per locale ---------------------------------------------------------------------------


@pytest.fixture
def seed_like(world) -> Activity:
    """The seed story: 30 November 2023, 2.500 paket sembako at the Polsek's ponpes."""
    staff = world.users["staff.a1x"]
    activity = factories.make_activity(
        staff,
        world.programme,
        world.u("POLSEK-A1X"),
        [world.locations["POLSEK-A1X"]],
        occurred_on=date(2023, 11, 30),
        parcels=[2500],
        beneficiaries=[1200],
    )
    db.session.commit()
    return activity


@pytest.mark.parametrize(
    ("lang", "day", "parcels"),
    [("id", "Kamis, 30 November 2023", "2.500"), ("en", "Thursday, 30 November 2023", "2,500")],
)
def test_detail_page_dates_and_numbers(client, seed_like, lang, day, parcels):
    login(client, "staff.a1x")
    html = client.get(f"/activities/{seed_like.id}", headers={"Accept-Language": lang}).get_data(as_text=True)
    assert f'data-testid="activity-date">{day}' in html
    assert f'data-testid="total-parcels">{parcels}<' in html


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("id", ("Kamis, 30 November 2023", "Jumat, 1 Desember 2023", "2.500", "1.234,5")),
        ("en", ("Thursday, 30 November 2023", "Friday, 1 December 2023", "2,500", "1,234.5")),
    ],
)
def test_filters_per_locale(app: Flask, lang, expected):
    with app.test_request_context("/", headers={"Accept-Language": lang}):
        got = (date_long(date(2023, 11, 30)), date_long(date(2023, 12, 1)), number(2500), number(1234.5))
    assert got == expected


@pytest.mark.parametrize("lang", ["id", "en"])
def test_whole_numbers_are_grouped_as_babel_groups_them(app: Flask, lang):
    """``number`` groups whole numbers itself (Babel's formatting cost ~40 µs a number on a dashboard of
    hundreds); the text must stay Babel's, signs and edges included."""
    values = [0, 1, -1, 999, 1000, -1000, 999_999, 10**15, -(10**15), *range(-2_000_000, 2_000_000, 99_991)]
    with app.test_request_context("/", headers={"Accept-Language": lang}):
        assert [number(v) for v in values] == [format_decimal(v) for v in values]
        assert number(None) == "0"


# --- validation messages from the services ------------------------------------------------------------------


def _activity_form(world, **overrides):
    data = {
        "programme_id": str(world.programme.id),
        "unit_code": "POLSEK-A1X",
        "kind": "bakti_sosial",
        "occurred_on": "2023-11-30",
        "title": "Bakti sosial",
        "leader_rank": "AKP",
        "leader_name": "Lilik Widiastuti",
        "visits-0-location_id": str(world.locations["POLSEK-A1X"].id),
        "visits-0-parcels": "10",
        "visits-0-beneficiaries": "20",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("lang", "future", "unknown_rank"),
    [
        ("id", "Tanggal tidak boleh melewati hari ini.", "Pangkat tidak dikenal"),
        ("en", "The date is in the future.", "Unknown rank"),
    ],
)
def test_service_validation_messages_in_the_users_language(client, world, lang, future, unknown_rank):
    login(client, "staff.a1x")
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    data = _activity_form(world, occurred_on=tomorrow, leader_rank="Kapten")
    response = client.post("/activities/new", data=data, headers={"Accept-Language": lang})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert future in html
    assert unknown_rank in html


def test_flash_messages_in_indonesian(client, world):
    login(client, "staff.a1x")
    response = client.post("/activities/new", data=_activity_form(world), follow_redirects=True)
    assert "Kegiatan disimpan sebagai draf." in response.get_data(as_text=True)


def test_wtforms_builtin_messages_in_indonesian(client, world):
    """WTForms ships no Indonesian; its messages come from our catalogue (outreach/form_messages.py)."""
    login(client, "staff.a1x")
    data = _activity_form(world, **{"visits-0-parcels": "abc"})
    html = client.post("/activities/new", data=data).get_data(as_text=True)
    assert "Isi dengan bilangan bulat." in html
    assert "Not a valid integer value." not in html
    english = client.post("/activities/new", data=data, headers={"Accept-Language": "en"})
    assert "Not a valid integer value." in english.get_data(as_text=True)


@pytest.mark.parametrize(
    ("lang", "one", "many"),
    [
        ("id", "Isian paling sedikit 1 karakter.", "Isian paling sedikit 8 karakter."),
        ("en", "Field must be at least 1 character long.", "Field must be at least 8 characters long."),
    ],
)
def test_wtforms_plural_messages(app: Flask, lang, one, many):
    from flask_wtf import FlaskForm
    from wtforms import StringField
    from wtforms.validators import Length

    class Probe(FlaskForm):
        one = StringField(validators=[Length(min=1)])
        many = StringField(validators=[Length(min=8)])

    request = {"method": "POST", "data": {"one": "", "many": "abc"}, "headers": {"Accept-Language": lang}}
    with app.test_request_context("/", **request):
        app.preprocess_request()
        form = Probe()
        assert not form.validate()
        # Length(min=1) lets "" through (Optional-like); ask the translations for n=1 directly.
        singular = form.meta.get_translations(form).ngettext(
            "Field must be at least %(min)d character long.",
            "Field must be at least %(min)d characters long.",
            1,
        )
    assert form.many.errors == [many]
    assert singular % {"min": 1} == one
