"""Deterministic demo data: Polda Jawa Tengah > Polres Blora (and a sibling), the seed story, generated activities.

Loading is idempotent: units and catalogues are upserted by code; people, locations, programmes and activities
are only created when the demo programme does not exist yet. The generator uses a fixed seed, so two fresh loads
give the same rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import select

from outreach.extensions import db
from outreach.models import (
    Indicator,
    Location,
    LocationKind,
    Person,
    Programme,
    ProgrammeKind,
    ProgrammeTarget,
    Role,
    Unit,
    UnitLevel,
    User,
)
from outreach.services import activities as svc
from outreach.services import regions, users
from outreach.services.catalogues import MESSAGES, seed_catalogues
from outreach.services.locations import apply_placement
from outreach.services.schema.activity import (
    ActivityInput,
    CoverageInput,
    ItemInput,
    PartnerInput,
    PersonInput,
    VisitInput,
)
from outreach.services.scope import set_path

DEMO_PROGRAMME = "Cooling System Pemilu 2024"
PILKADA_PROGRAMME = "Cooling System Pilkada 2024"
SEED_DATE = date(2023, 11, 30)

#: Kecamatan of Kabupaten Blora (Kemendagri 33.16) — one Polsek each; Blora's own is "Polsek Blora Kota".
BLORA_DISTRICTS = [
    "Blora", "Banjarejo", "Bogorejo", "Cepu", "Japah", "Jati", "Jepon", "Jiken", "Kedungtuban",
    "Kradenan", "Kunduran", "Ngawen", "Randublatung", "Sambong", "Todanan", "Tunjungan",
]  # fmt: skip
REMBANG_DISTRICTS = ["Rembang", "Lasem", "Sulang", "Pamotan"]

DEMO_ACCOUNTS = [
    # username, role, unit code, full name
    ("admin", Role.ADMIN, "MABES-POLRI", "Administrator"),
    ("staf.blora", Role.STAFF, "POLRES-BLORA", "Brigadir Dwi Santoso"),
    ("kasat.blora", Role.COMMANDER, "POLRES-BLORA", "AKP Lilik Widiastuti, S.H."),
    ("humas.blora", Role.PR, "POLRES-BLORA", "Aipda Rina Kusumawati"),
]

SEED_LOCATIONS = [
    # name, kind, village, district, contact, lat, lon
    (
        "Ponpes Al Alif Tunjungan",
        "pondok_pesantren",
        "Tunjungan",
        "Tunjungan",
        "KH. Nasir",
        -6.9262,
        111.3951,
    ),
    ("Panti Asuhan Darul Hadlonah", "panti_asuhan", "Kunden", "Blora", "", -6.9683, 111.4186),
    ("Ponpes Khozinatul Ulum", "pondok_pesantren", "Kedungjenar", "Blora", "", -6.9614, 111.4092),
    ("Panti Asuhan Muhammadiyah Blora", "panti_asuhan", "Tempelan", "Blora", "", -6.9701, 111.4237),
    ("Ponpes Al Falah Jepon", "pondok_pesantren", "Jepon", "Jepon", "", -7.0019, 111.5094),
]


@dataclass(frozen=True)
class DemoResult:
    created: bool
    activities: int


def load_demo(password: str) -> DemoResult:
    """Load the demo data set unless it is already there. The caller commits."""
    seed_catalogues()
    units = _units()
    if db.session.scalar(select(Programme).where(Programme.name == DEMO_PROGRAMME)) is not None:
        return DemoResult(created=False, activities=0)
    people = _people(units)
    accounts = _accounts(units, people, password)
    pemilu, pilkada = _programmes(units)
    locations = _locations(units)
    _seed_story(accounts, pemilu, locations)
    count = 1 + _generate(accounts, units, people, pemilu, pilkada, locations)
    return DemoResult(created=True, activities=count)


# ------------------------------------------------------------------------------------------ units


def _unit(code: str, name: str, level: UnitLevel, parent: Unit | None, **extra: str) -> Unit:
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        unit = Unit(code=code, name=name, level=level, parent=parent, **extra)
        db.session.add(unit)
        db.session.flush()
        set_path(unit)
    return unit


def _units() -> dict[str, Unit]:
    u: dict[str, Unit] = {}
    u["MABES-POLRI"] = _unit("MABES-POLRI", "Mabes Polri", UnitLevel.MABES, None, city="Jakarta")
    u["POLDA-JATENG"] = _unit(
        "POLDA-JATENG", "Polda Jawa Tengah", UnitLevel.POLDA, u["MABES-POLRI"],
        province="Jawa Tengah", city="Semarang",
    )  # fmt: skip
    u["DITBINMAS-JATENG"] = _unit(
        "DITBINMAS-JATENG", "Ditbinmas Polda Jawa Tengah", UnitLevel.SATKER, u["POLDA-JATENG"],
        kind="ditbinmas", province="Jawa Tengah", city="Semarang",
    )  # fmt: skip
    for regency, districts in (("Blora", BLORA_DISTRICTS), ("Rembang", REMBANG_DISTRICTS)):
        key = regency.upper()
        polres = _unit(
            f"POLRES-{key}", f"Polres {regency}", UnitLevel.POLRES, u["POLDA-JATENG"],
            kind="polres", province="Jawa Tengah", regency=f"Kabupaten {regency}", city=regency,
        )  # fmt: skip
        u[polres.code] = polres
        sat = _unit(
            f"SATBINMAS-{key}", f"Sat Binmas Polres {regency}", UnitLevel.SATKER, polres,
            kind="sat_binmas", province="Jawa Tengah", regency=f"Kabupaten {regency}", city=regency,
        )  # fmt: skip
        u[sat.code] = sat
        for district in districts:
            name = f"Polsek {district} Kota" if district == regency else f"Polsek {district}"
            polsek = _unit(
                f"POLSEK-{district.upper()}", name, UnitLevel.POLSEK, polres,
                kind="polsek", province="Jawa Tengah", regency=f"Kabupaten {regency}",
                district=district, city=regency,
            )  # fmt: skip
            u[polsek.code] = polsek
    return u


# ------------------------------------------------------------------------------------------ people


_FIRST = [
    "Agus",
    "Budi",
    "Dwi",
    "Eko",
    "Fajar",
    "Hadi",
    "Joko",
    "Slamet",
    "Sri",
    "Wahyu",
    "Yuli",
    "Rina",
    "Teguh",
    "Bambang",
]
_LAST = [
    "Santoso",
    "Prasetyo",
    "Wibowo",
    "Susanto",
    "Hartono",
    "Purnomo",
    "Setiawan",
    "Lestari",
    "Rahayu",
    "Nugroho",
]


def _people(units: dict[str, Unit]) -> dict[str, list[Person]]:
    rng = random.Random(7)
    people: dict[str, list[Person]] = {}
    nrp = 68_110_001

    def add(unit: Unit, rank: str, name: str, position: str, degrees: str | None = None) -> Person:
        nonlocal nrp
        nrp += 1
        person = Person(unit=unit, rank=rank, name=name, degrees=degrees, nrp=str(nrp), position=position)
        db.session.add(person)
        people.setdefault(unit.code, []).append(person)
        return person

    add(units["SATBINMAS-BLORA"], "AKP", "Lilik Widiastuti", "Kasat Binmas Polres Blora", "S.H.")
    add(units["SATBINMAS-BLORA"], "Iptu", "Sutrisno", "Kanit Binpolmas Sat Binmas Polres Blora")
    add(units["SATBINMAS-BLORA"], "Brigadir", "Dwi Santoso", "Banit Sat Binmas Polres Blora")
    add(units["POLRES-BLORA"], "AKBP", "Wawan Andi Susanto", "Kapolres Blora", "S.I.K., M.H.")
    add(units["SATBINMAS-REMBANG"], "AKP", "Heri Setiawan", "Kasat Binmas Polres Rembang", "S.H.")
    for unit in units.values():
        if unit.level is UnitLevel.POLSEK:
            add(
                unit,
                rng.choice(["Iptu", "AKP"]),
                f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
                f"Kapolsek {unit.district}",
            )
            add(unit, "Aipda", f"{rng.choice(_FIRST)} {rng.choice(_LAST)}", f"Kanit Binmas {unit.name}")
            for _n in range(2):
                add(
                    unit,
                    rng.choice(["Bripka", "Aiptu", "Aipda", "Brigadir"]),
                    f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
                    f"Bhabinkamtibmas {unit.name}",
                )
    db.session.flush()
    return people


def _accounts(units: dict[str, Unit], people: dict[str, list[Person]], password: str) -> dict[str, User]:
    accounts: dict[str, User] = {}
    for username, role, code, full_name in DEMO_ACCOUNTS:
        user = db.session.scalar(select(User).where(User.username == username))
        if user is None:
            user = users.create_user(username, password, role, units[code], full_name=full_name)
        accounts[username] = user
    accounts["kasat.blora"].person = people["SATBINMAS-BLORA"][0]
    rembang = db.session.scalar(select(User).where(User.username == "staf.rembang"))
    if rembang is None:
        rembang = users.create_user(
            "staf.rembang", password, Role.STAFF, units["POLRES-REMBANG"], full_name="Bripka Anton Saputra"
        )
    accounts["staf.rembang"] = rembang
    return accounts


# ------------------------------------------------------------------------------------------ programmes


def _programmes(units: dict[str, Unit]) -> tuple[Programme, Programme]:
    pemilu = Programme(
        name=DEMO_PROGRAMME,
        kind=ProgrammeKind.PEMILU,
        start_on=date(2023, 10, 19),
        end_on=date(2024, 10, 20),
        description="Cooling System menuju Pemilu 2024 yang aman dan damai (Operasi Mantap Brata).",
    )
    for indicator, target in (
        (Indicator.ACTIVITIES, 600),
        (Indicator.PARCELS, 2_500),
        (Indicator.LOCATIONS, 250),
        (Indicator.BENEFICIARIES, 15_000),
    ):
        pemilu.targets.append(ProgrammeTarget(indicator=indicator, target=target))
    blora = units["POLRES-BLORA"]
    for indicator, target in ((Indicator.ACTIVITIES, 450), (Indicator.PARCELS, 2_000)):
        pemilu.targets.append(ProgrammeTarget(indicator=indicator, target=target, unit=blora))
    pilkada = Programme(
        name=PILKADA_PROGRAMME,
        kind=ProgrammeKind.PILKADA,
        start_on=date(2024, 8, 27),
        end_on=date(2024, 12, 15),
        description="Cooling System menuju Pilkada serentak 27 November 2024.",
    )
    pilkada.targets.append(ProgrammeTarget(indicator=Indicator.ACTIVITIES, target=120))
    db.session.add_all([pemilu, pilkada])
    db.session.flush()
    return pemilu, pilkada


# ------------------------------------------------------------------------------------------ locations


_LOCATION_PATTERNS = [
    (
        "pondok_pesantren",
        ["Ponpes Al Hidayah", "Ponpes Miftahul Huda", "Ponpes Darul Ulum", "Ponpes Nurul Iman"],
    ),
    ("panti_asuhan", ["Panti Asuhan Kasih Ibu", "Panti Asuhan Al Ikhlas"]),
    ("masjid", ["Masjid Baiturrahman", "Masjid Al Muttaqin", "Musala Al Amin"]),
    ("gereja", ["GKJ", "Gereja Santo Yusup"]),
    ("sekolah", ["SMA Negeri 1", "SMK Negeri 1", "MA Negeri"]),
    ("pasar", ["Pasar"]),
    ("pos_kamling", ["Pos Kamling RT 03"]),
    ("desa", ["Balai Desa"]),
]


def _locations(units: dict[str, Unit]) -> dict[str, list[Location]]:
    """A registry of places per Polsek (some with coordinates), plus the five of the seed story."""
    rng = random.Random(11)
    kinds = {k.code: k for k in db.session.scalars(select(LocationKind))}
    by_unit: dict[str, list[Location]] = {}
    centre = {"Blora": (-6.97, 111.42), "Rembang": (-6.71, 111.34)}
    for code, unit in units.items():
        if unit.level is not UnitLevel.POLSEK:
            continue
        assert unit.district
        assert unit.city
        assert unit.regency
        lat0, lon0 = centre[unit.city]
        villages = _desa_of(unit.regency, unit.district)
        for kind_code, names in _LOCATION_PATTERNS:
            for name in names:
                suffix = unit.district
                full = (
                    f"{name} {suffix}" if kind_code != "desa" else f"{name} {rng.choice(_VILLAGES)} {suffix}"
                )
                has_coords = rng.random() < 0.6
                # A real desa of the kecamatan (its Kemendagri code too), drawn as before so the demo's other
                # random choices stay the same.
                desa = villages[_VILLAGES.index(rng.choice(_VILLAGES)) % len(villages)]
                loc = Location(
                    name=full,
                    kind=kinds[kind_code],
                    latitude=round(lat0 + rng.uniform(-0.25, 0.25), 5) if has_coords else None,
                    longitude=round(lon0 + rng.uniform(-0.3, 0.3), 5) if has_coords else None,
                    unit=unit,
                )
                _place(loc, {"village_code": desa.code})
                db.session.add(loc)
                by_unit.setdefault(code, []).append(loc)
    seed: list[Location] = []
    for name, kind_code, village, district, contact, lat, lon in SEED_LOCATIONS:
        loc = Location(
            name=name,
            kind=kinds[kind_code],
            latitude=lat,
            longitude=lon,
            contact_name=contact or None,
            unit=units[f"POLSEK-{district.upper()}"],
        )
        _place(loc, {"village": village, "district": district, "regency": "Kabupaten Blora"})
        db.session.add(loc)
        seed.append(loc)
    by_unit["SEED"] = seed
    db.session.flush()
    return by_unit


def _desa_of(regency: str, district: str) -> list[regions.Region]:
    """The desa/kelurahan of a demo kecamatan, from the Kemendagri data (Kabupaten Blora is 33.16)."""
    (regency_code,) = regions.match(regency, 2, "33")
    (district_code,) = regions.match(district, 3, regency_code)
    return regions.children(district_code)


def _place(location: Location, given: dict[str, str]) -> None:
    """Names and codes of a demo place's regions; every demo place matches (asserted, the data is fixed)."""
    errors: dict[str, str] = {}
    names = {f: given.get(f, "") for f in regions.FIELD_LEVELS}
    codes = {f: given.get(f"{f}_code", "") for f in regions.FIELD_LEVELS}
    placement = regions.place(names, codes, errors)
    assert not errors
    assert not placement.unmatched, placement.unmatched
    apply_placement(location, placement)


_VILLAGES = [
    "Sidomulyo",
    "Karangjati",
    "Sumberejo",
    "Ngampel",
    "Tambahrejo",
    "Mlangsen",
    "Jetis",
    "Kauman",
    "Tegalrejo",
    "Purwosari",
]


# ------------------------------------------------------------------------------------------ activities


def _message_ids() -> dict[str, int]:
    from outreach.models import KamtibmasMessage

    return {m.code: m.id for m in db.session.scalars(select(KamtibmasMessage))}


def _seed_story(
    accounts: dict[str, User], programme: Programme, locations: dict[str, list[Location]]
) -> None:
    """The activity of the news story: 30 November 2023, 50 paket sembako at five places."""
    staff = accounts["staf.blora"]
    ids = _message_ids()
    lilik = staff.unit and db.session.scalar(select(Person).where(Person.name == "Lilik Widiastuti"))
    visits = []
    for loc in locations["SEED"]:
        is_alif = loc.name == "Ponpes Al Alif Tunjungan"
        visits.append(
            VisitInput(
                location_id=loc.id,
                parcels=10,
                beneficiaries=10,
                beneficiary_group="santri" if loc.kind.code == "pondok_pesantren" else "anak asuh",
                contact_name="KH. Nasir" if is_alif else "",
                contact_role="Pengasuh Ponpes Al Alif Tunjungan" if is_alif else "",
                items=[
                    ItemInput(
                        name="Paket sembako (beras 5 kg, gula, minyak goreng 1 l)",
                        quantity=10,
                        kind="paket_sembako",
                        measure="paket",
                    )
                ],
            )
        )
    data = ActivityInput(
        programme_id=programme.id,
        unit_code="SATBINMAS-BLORA",
        kind="bakti_sosial",
        occurred_on=SEED_DATE,
        start_time=time(8, 30),
        end_time=time(12, 0),
        title="Bakti sosial Cooling System Pemilu 2024 di pondok pesantren dan panti asuhan",
        summary=(
            "Sat Binmas Polres Blora membagikan 50 paket sembako di lima pondok pesantren dan panti asuhan, "
            "bersilaturahmi dengan para ulama dan menyampaikan imbauan kamtibmas menjelang Pemilu 2024."
        ),
        quote_by="AKP Lilik",
        quote_text=(
            "Harapannya bantuan yang diberikan bermanfaat bagi warga penerima sekaligus menjadi langkah awal "
            "dalam menciptakan pemilu yang aman dan damai"
        ),
        leader=PersonInput(
            rank="AKP",
            name="Lilik Widiastuti",
            degrees="S.H.",
            nrp=lilik.nrp or "" if lilik else "",
            position="Kasat Binmas Polres Blora",
            person_id=lilik.id if lilik else None,
        ),
        officers=[
            PersonInput(rank="Iptu", name="Sutrisno", position="Kanit Binpolmas"),
            PersonInput(rank="Brigadir", name="Dwi Santoso", position="Banit Sat Binmas"),
        ],
        visits=visits,
        message_ids=[ids["jaga_persatuan"], ids["tolak_hoaks"], ids["jangan_terprovokasi"], ids["kerukunan"]],
        partners=[
            PartnerInput(name="KH. Nasir", role="Pengasuh Ponpes Al Alif Tunjungan", kind="pengasuh_ponpes")
        ],
        coverage=[
            CoverageInput(
                outlet="INFODESANEWS",
                published_on=SEED_DATE,
                headline="Bakti Sosial Polres Blora Polda Jateng, Menguatkan Cooling System Pemilu 2024 Aman dan Damai",
            )
        ],
    )
    activity = svc.create_activity(staff, data)
    svc.submit_activity(staff, activity)
    # Led by the Kasat Binmas herself (kasat.blora's person): four-eyes, so another verifies it.
    svc.verify_activity(accounts["admin"], activity)


_PARCEL_KINDS = {"bakti_sosial"}
_GROUPS = [
    "warga kurang mampu",
    "santri",
    "anak yatim",
    "jamaah masjid",
    "pedagang pasar",
    "pelajar",
    "tokoh masyarakat",
    "janda lansia",
]


def _generate(
    accounts: dict[str, User],
    units: dict[str, Unit],
    people: dict[str, list[Person]],
    pemilu: Programme,
    pilkada: Programme,
    locations: dict[str, list[Location]],
) -> int:
    """Some hundreds of activities across the period, units and kinds; most verified, a few still open."""
    rng = random.Random(2024)
    admin = accounts["admin"]
    commander = accounts["kasat.blora"]
    message_ids = list(_message_ids().values())
    kinds = [
        "bakti_sosial",
        "sambang",
        "sambang",
        "penyuluhan",
        "sosialisasi",
        "patroli_dialogis",
        "jumat_curhat",
        "minggu_kasih",
        "dds",
        "problem_solving",
    ]
    polseks = [u for u in units.values() if u.level is UnitLevel.POLSEK]
    blora_polseks = [u for u in polseks if u.city == "Blora"]
    # Two Blora Polsek stay quiet in the last months, so the dashboard's gap list has something to show.
    quiet = {"POLSEK-JIKEN", "POLSEK-BOGOREJO"}
    count = 0
    for n in range(420):
        programme = pilkada if n % 7 == 0 else pemilu
        span = (programme.end_on - programme.start_on).days
        occurred = programme.start_on + timedelta(days=rng.randrange(span + 1))
        unit = rng.choice(blora_polseks if rng.random() < 0.8 else polseks)
        if unit.code in quiet and occurred > programme.end_on - timedelta(days=90):
            occurred -= timedelta(days=120)
            if occurred < programme.start_on:
                occurred = programme.start_on
        kind = rng.choice(kinds)
        leader = rng.choice(people[unit.code])
        places = rng.sample(locations[unit.code], k=rng.randint(1, 4 if kind in _PARCEL_KINDS else 2))
        visits = [
            VisitInput(
                location_id=loc.id,
                parcels=rng.choice([5, 10, 10, 15, 20]) if kind in _PARCEL_KINDS else 0,
                beneficiaries=rng.randint(8, 120),
                beneficiary_group=rng.choice(_GROUPS),
                items=(
                    [
                        ItemInput(
                            name="Brosur imbauan pemilu damai",
                            quantity=rng.randint(20, 200),
                            kind="brosur",
                            measure="lembar",
                        )
                    ]
                    if kind == "sosialisasi"
                    else []
                ),
            )
            for loc in places
        ]
        data = ActivityInput(
            programme_id=programme.id,
            unit_code=unit.code,
            kind=kind,
            occurred_on=occurred,
            start_time=time(rng.choice([8, 9, 10, 13, 19]), rng.choice([0, 30])),
            title="",
            summary="",
            leader=PersonInput(
                rank=leader.rank,
                name=leader.name,
                nrp=leader.nrp or "",
                position=leader.position or "",
                person_id=leader.id,
            ),
            visits=visits,
            message_ids=rng.sample(message_ids, k=rng.randint(1, 3)),
        )
        author = accounts["staf.rembang"] if unit.city == "Rembang" else accounts["staf.blora"]
        activity = svc.create_activity(author, data)
        roll = rng.random()
        if roll < 0.8:
            svc.submit_activity(author, activity)
            svc.verify_activity(commander if unit.city == "Blora" else admin, activity)
        elif roll < 0.9:
            svc.submit_activity(author, activity)
        elif roll < 0.95:
            svc.submit_activity(author, activity)
            svc.return_activity(
                commander if unit.city == "Blora" else admin, activity, "Lengkapi jumlah penerima manfaat."
            )
        count += 1
    return count


__all__ = ["DEMO_PROGRAMME", "MESSAGES", "DemoResult", "load_demo"]
