"""Issue 14: the phone-first activity form in a real browser at 390×844, with its taps, fields and typed
characters counted. The seed event (five places, 50 paket sembako, two messages, a photo) and the three-location
journey of the issue (3 places, 2 messages, 2 partners, 1 photo) are recorded in docs/PHONE-JOURNEY.md; a test
fails when a count grows past the recorded one.

How a count is kept (the same rule for every journey): a tap is one touch — a button, a checkbox, a field
focused before typing, a select opened and an option chosen (two), the file picker opened and a photo chosen
(two); a field is one input, select or file box given a value; characters are the characters typed.

Set OUTREACH_SCREENSHOTS=docs/screenshots to refresh the README's phone screenshots of each step.
"""

from __future__ import annotations

import io
import os
import re
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw
from playwright.sync_api import Browser, Locator, Page, expect

from tests.support.browser import PHONE, PROGRAMME, Problems, login

DOC = Path(__file__).resolve().parents[2] / "docs" / "PHONE-JOURNEY.md"
DATE = "2023-11-30"  # the seed event: Kamis, 30 November 2023


@dataclass
class Counter:
    page: Page
    taps: int = 0
    fields: int = 0
    chars: int = 0

    def tap(self, target: Locator) -> None:
        target.click()
        self.taps += 1

    def type(self, target: Locator, text: str) -> None:
        target.click()
        target.fill(text)  # fill replaces the "0" a number box starts with, as a select-all + type would
        self.taps += 1
        self.fields += 1
        self.chars += len(text)

    def choose(self, target: Locator, value: str | None = None, label: str | None = None) -> None:
        if label is not None:
            target.select_option(label=label)
        else:
            target.select_option(value=value)
        self.taps += 2
        self.fields += 1

    def photo(self, target: Locator, path: Path) -> None:
        target.set_input_files(str(path))
        self.taps += 2
        self.fields += 1

    def next(self) -> None:
        self.tap(self.page.get_by_test_id("step-next"))

    def as_tuple(self) -> tuple[int, int, int]:
        return self.taps, self.fields, self.chars


def recorded(journey: str) -> tuple[int, int, int]:
    """The counts docs/PHONE-JOURNEY.md records for ``journey``: its row "| <journey> | taps | fields | chars |"."""
    for line in DOC.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if cells and cells[0] == journey and len(cells) >= 4 and cells[1].isdigit():
            return int(cells[1]), int(cells[2]), int(cells[3])
    raise AssertionError(f"docs/PHONE-JOURNEY.md records no row for {journey!r}")


def photo_file(path: Path) -> Path:
    """A phone-sized photo (3000×2000): the page makes it 1600 px on the long side before sending it."""
    image = Image.new("RGB", (3000, 2000), (135, 190, 230))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 1250, 3000, 2000), fill=(70, 140, 60))
    for i in range(6):
        draw.rectangle(
            (600 + i * 300, 1000, 850 + i * 300, 1250), fill=(190, 140, 80), outline=(90, 60, 20), width=8
        )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return path


def phone(browser: Browser, problems: Problems):  # noqa: ANN201 - playwright's BrowserContext
    context = browser.new_context(
        locale="id-ID", timezone_id="Asia/Jakarta", viewport=PHONE, has_touch=True, is_mobile=True,
        geolocation={"latitude": -6.9853, "longitude": 111.4179, "accuracy": 14}, permissions=["geolocation"],
    )  # fmt: skip
    context.set_default_timeout(15_000)
    return problems.watch(context)


def shoot(page: Page, name: str) -> None:
    folder = os.environ.get("OUTREACH_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    page.wait_for_timeout(200)
    Image.open(io.BytesIO(page.screenshot())).convert("RGB").quantize(
        colors=128, method=Image.Quantize.MEDIANCUT
    ).save(Path(folder) / f"{name}.png", optimize=True)


def registered(c: Counter, row: int, query: str, expected: str) -> None:
    """Type into the registry search of a place; the only match is picked by itself."""
    c.type(c.page.locator(f"#visits-{row}-location_id-search"), query)
    select = c.page.locator(f"#visits-{row}-location_id")
    expect(select).not_to_have_value("")
    assert expected in select.locator("option:checked").inner_text()
    expect(c.page.locator(f"#visits-{row}-new_name")).to_be_hidden()  # the new-place block folded away


def fits(page: Page) -> None:
    """The page is not wider than the phone."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def first_steps(c: Counter, kind: str) -> None:
    page = c.page
    c.choose(page.locator("#kind"), value=kind)
    c.type(page.locator("#occurred_on"), DATE)
    c.choose(page.locator("#programme_id"), label=PROGRAMME)
    fits(page)
    shoot(page, "phone-1-what")
    c.next()
    leader = page.locator("#leader_person_id")
    c.choose(
        leader, value=leader.locator("option", has_text="Lilik Widiastuti").first.get_attribute("value") or ""
    )
    expect(page.locator("#leader_name")).to_have_value("Lilik Widiastuti")
    fits(page)
    shoot(page, "phone-2-who")
    c.next()


def last_steps(c: Counter, tmp_path: Path, messages: int) -> None:
    page = c.page
    for i in range(messages):
        c.tap(page.locator("input[name=message_ids]").nth(i))
    fits(page)
    shoot(page, "phone-4-said")
    c.next()
    c.photo(page.locator("#photos"), photo_file(tmp_path / "baksos.jpg"))
    expect(page.get_by_test_id("photo-preview")).to_have_count(1)
    assert page.locator("#photos").evaluate("input => input.files[0].type") == "image/jpeg"
    width = page.locator("#photos").evaluate("input => input.files[0].size")
    assert 0 < width < 2_000_000
    fits(page)
    shoot(page, "phone-5-photos")
    c.next()


def test_seed_event_on_a_phone(browser: Browser, live_server: str, tmp_path: Path) -> None:
    """Polres Blora's bakti sosial of 30 November 2023: five places, 50 paket sembako, two messages, a photo."""
    problems = Problems()
    context = phone(browser, problems)
    page = context.new_page()
    login(page, live_server, "staf.blora", "id")
    page.goto(f"{live_server}/")
    fits(page)
    shoot(page, "phone-0-home")
    c = Counter(page)
    c.tap(page.get_by_test_id("phone-new"))
    first_steps(c, "bakti_sosial")
    places = [
        ("Al Alif", "Ponpes Al Alif Tunjungan"),
        ("Darul Hadlonah", "Panti Asuhan Darul Hadlonah"),
        ("Al Falah Jepon", "Ponpes Al Falah Jepon"),
        ("Al Ikhlas Jepon", "Panti Asuhan Al Ikhlas Jepon"),
        ("GKJ Cepu", "GKJ Cepu"),
    ]
    for i, (query, name) in enumerate(places):
        if i:
            c.tap(page.get_by_test_id("add-visit"))
        registered(c, i, query, name)
        c.type(page.locator(f"#visits-{i}-parcels"), "10")
    c.type(page.locator("#visits-0-contact_name"), "KH. Nasir")
    c.tap(page.get_by_test_id("contact-partner").first)
    expect(page.locator("#partners-0-name")).to_have_value("KH. Nasir")
    c.next()
    last_steps(c, tmp_path, messages=2)
    expect(page.locator("[data-total=locations]")).to_have_text("5")
    expect(page.locator("[data-total=parcels]")).to_have_text("50")
    c.tap(page.get_by_test_id("save"))
    page.wait_for_url(re.compile(r"/activities/\d+$"))
    expect(page.get_by_test_id("total-locations")).to_have_text("5")
    expect(page.get_by_test_id("total-parcels")).to_have_text("50")
    expect(page.get_by_test_id("messages").locator("li")).to_have_count(2)
    expect(page.get_by_test_id("photos").locator("img")).to_have_count(1)
    expect(page.get_by_test_id("partners")).to_contain_text("KH. Nasir")
    context.close()
    print("seed event", c.as_tuple())
    taps, fields, chars = recorded("Seed event (5 places, 50 paket, 2 messages, 1 photo)")
    assert c.taps <= taps and c.fields <= fields and c.chars <= chars, c.as_tuple()
    assert problems.seen == []


def test_three_locations_on_a_phone(browser: Browser, live_server: str, tmp_path: Path) -> None:
    """The issue's journey: 3 places (one new, placed with "Use my location"), 2 messages, 2 partners, 1 photo."""
    problems = Problems()
    context = phone(browser, problems)
    page = context.new_page()
    login(page, live_server, "staf.blora", "id")
    page.goto(f"{live_server}/")
    c = Counter(page)
    c.tap(page.get_by_test_id("phone-new"))
    first_steps(c, "bakti_sosial")
    registered(c, 0, "Al Alif", "Ponpes Al Alif Tunjungan")
    c.type(page.locator("#visits-0-parcels"), "20")
    c.type(page.locator("#visits-0-beneficiaries"), "1200")
    c.type(page.locator("#visits-0-contact_name"), "KH. Nasir")
    c.type(page.locator("#visits-0-contact_role"), "Pengasuh")
    c.tap(
        page.locator("#visits-0-contact_name")
        .locator("xpath=ancestor::fieldset[1]")
        .get_by_test_id("contact-partner")
    )
    shoot(page, "phone-3-where")
    c.tap(page.get_by_test_id("add-visit"))
    registered(c, 1, "Darul Hadlonah", "Panti Asuhan Darul Hadlonah")
    c.type(page.locator("#visits-1-parcels"), "15")
    c.type(page.locator("#visits-1-beneficiaries"), "150")
    c.type(page.locator("#visits-1-contact_name"), "Ibu Siti")
    c.type(page.locator("#visits-1-contact_role"), "Pengurus")
    c.tap(page.get_by_test_id("visit-row").nth(1).get_by_test_id("contact-partner"))
    c.tap(page.get_by_test_id("add-visit"))
    c.type(page.locator("#visits-2-new_name"), "Musala Al Ikhlas Ngampel")
    c.choose(page.locator("#visits-2-new_kind"), value="masjid")
    c.tap(page.get_by_test_id("visit-row").nth(2).get_by_test_id("use-location"))
    expect(page.locator("#visits-2-new_latitude")).to_have_value("-6.985300")
    expect(page.locator("#visits-2-new_accuracy")).to_have_value("14")
    c.type(page.locator("#visits-2-parcels"), "10")
    c.type(page.locator("#visits-2-beneficiaries"), "80")
    fits(page)
    shoot(page, "phone-3-new-place")
    c.next()
    expect(page.locator("#partners-1-name")).to_have_value("Ibu Siti")
    last_steps(c, tmp_path, messages=2)
    expect(page.locator("[data-total=locations]")).to_have_text("3")
    expect(page.locator("[data-total=parcels]")).to_have_text("45")
    expect(page.locator("[data-total=beneficiaries]")).to_have_text("1.430")
    expect(page.locator("[data-total=messages]")).to_have_text("2")
    expect(page.locator("[data-total=photos]")).to_have_text("1")
    shoot(page, "phone-6-review")
    c.tap(page.get_by_test_id("save"))
    page.wait_for_url(re.compile(r"/activities/\d+$"))
    expect(page.get_by_test_id("total-locations")).to_have_text("3")
    expect(page.get_by_test_id("visits-table")).to_contain_text("Musala Al Ikhlas Ngampel")
    expect(page.get_by_test_id("partners")).to_contain_text("Ibu Siti")
    fits(page)
    shoot(page, "phone-7-saved")
    # "Ulangi kegiatan": the next week's visit starts from this one.
    page.get_by_test_id("repeat").click()
    expect(page.get_by_test_id("repeated-from")).to_be_visible()
    expect(page.get_by_test_id("visit-row")).to_have_count(3)
    context.close()
    print("three locations", c.as_tuple())
    taps, fields, chars = recorded("Three locations (3 places, 2 messages, 2 partners, 1 photo)")
    assert c.taps <= taps and c.fields <= fields and c.chars <= chars, c.as_tuple()
    assert problems.seen == []
