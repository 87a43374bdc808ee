"""ANEV (analisa dan evaluasi): every child unit of a unit over a period, scored, banded, ranked and compared.

The score (docs/DECISIONS.md, shown on the page and printed under the table):

- A unit with targets of its own (its allocation, :mod:`outreach.services.allocation`) is scored against them.
  Each target is pro-rated to the period: ``target × days of the period inside the programme ÷ days of the
  programme``. Per indicator the realisation is ``achieved ÷ pro-rated target``, capped at 100 %. The score is
  the mean of these realisations, in percent.
- A unit without targets but with approved plans dated in the period is scored on them:
  ``realised plans ÷ planned × 100``.
- Otherwise it has no score, no band and no rank ("no target").

Band: Baik at or above the programme's ``anev_good_min`` (default 90), Cukup at or above ``anev_fair_min``
(default 50), Kurang below. Rank: by score, highest first; equal scores share a rank (1, 2, 2, 4). Change: the
score minus the score of the previous period of the same length (the days just before ``date_from``).

Every figure comes from :func:`outreach.services.stats.summarize` (the dashboard's SQL aggregates over the
rollups) and :func:`outreach.services.plans.counts`; the page, the PDF, the XLSX and the API all render one
:class:`Anev` value, so they cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from outreach.extensions import db
from outreach.models import AnevDirective, Programme, Role, Unit, User
from outreach.services import audit, plans, priorities, stats
from outreach.services import filters as shared
from outreach.services.clock import local_today
from outreach.services.errors import Forbidden, Invalid, NotFound
from outreach.services.scope import get_unit_in_scope

BANDS = ("baik", "cukup", "kurang")
BAND_LABELS = {"baik": "Baik", "cukup": "Cukup", "kurang": "Kurang"}
DEFAULT_DIRECTIVES = {
    "baik": _l("Maintain the pace and share what works with the other units."),
    "cukup": _l("Step up the activities and realise the approved plans on time; report progress weekly."),
    "kurang": _l(
        "Evaluate the causes, draw up a catch-up plan within a week and report on it to the commander."
    ),
}
#: Indicators scored against targets (messages have no per-unit figure in the dashboard's unit rows).
SCORED = ("activities", "visits", "locations", "parcels", "beneficiaries")
MAX_DAYS = 366


@dataclass(frozen=True)
class AnevRow:
    unit: str
    name: str
    activities: int
    visits: int
    locations: int
    parcels: int
    beneficiaries: int
    planned: int
    realised: int
    overdue: int
    #: "target", "plan" or None (no score)
    basis: str | None
    #: per scored indicator: (achieved, pro-rated target, realisation %)
    realisation: dict[str, tuple[int, float, float]]
    score: float | None
    band: str | None
    rank: int | None
    previous_score: float | None
    change: float | None


@dataclass(frozen=True)
class Anev:
    programme_id: int
    programme_name: str
    unit: str
    unit_name: str
    date_from: date
    date_to: date
    previous_from: date
    previous_to: date
    good_min: int
    fair_min: int
    rows: tuple[AnevRow, ...]
    directives: dict[str, str]
    #: the priority-message matrix of the unit for the period (issue 15, item 6)
    priorities: priorities.Coverage | None = None


def band_of(score: float | None, good_min: int, fair_min: int) -> str | None:
    if score is None:
        return None
    if score >= good_min:
        return "baik"
    if score >= fair_min:
        return "cukup"
    return "kurang"


def _overlap_days(a_from: date, a_to: date, b_from: date, b_to: date) -> int:
    return max((min(a_to, b_to) - max(a_from, b_from)).days + 1, 0)


def _scores(
    user: User, programme: Programme, root: Unit, date_from: date, date_to: date, today: date
) -> dict[str, dict[str, Any]]:
    """Per child unit code: its figures, plan counts, basis, realisations and score for the period."""
    filters = stats.StatsFilter(
        programme_id=programme.id, unit_code=root.code, date_from=date_from, date_to=date_to
    )
    summary = stats.summarize(user, filters, today=today)
    _total, plan_rows = plans.counts(
        root, programme_id=programme.id, date_from=date_from, date_to=date_to, today=today
    )
    plan_by_unit = {p.code: p.counts for p in plan_rows}
    programme_days = (programme.end_on - programme.start_on).days + 1
    share = _overlap_days(date_from, date_to, programme.start_on, programme.end_on) / programme_days
    out: dict[str, dict[str, Any]] = {}
    for r in summary.by_unit:
        if r.is_self:
            continue
        achieved = {
            "activities": r.activities,
            "visits": r.visits,
            "locations": r.locations,
            "parcels": r.parcels,
            "beneficiaries": r.beneficiaries,
        }
        realisation: dict[str, tuple[int, float, float]] = {}
        for t in r.targets:
            if t.indicator in SCORED and t.target > 0:
                period_target = t.target * share
                pct = 100.0 if period_target <= 0 else min(achieved[t.indicator] / period_target, 1.0) * 100
                realisation[t.indicator] = (achieved[t.indicator], round(period_target, 1), round(pct, 1))
        counts = plan_by_unit.get(r.code, plans.PlanCounts())
        basis: str | None = None
        score: float | None = None
        if realisation:
            basis = "target"
            score = round(sum(v[2] for v in realisation.values()) / len(realisation), 1)
        elif counts.planned:
            basis = "plan"
            score = round(100.0 * counts.realised / counts.planned, 1)
        out[r.code] = {
            "name": r.name,
            **achieved,
            "planned": counts.planned,
            "realised": counts.realised,
            "overdue": counts.overdue,
            "basis": basis,
            "realisation": realisation,
            "score": score,
        }
    return out


def _resolve(user: User, programme_id: int | None, unit_code: str | None) -> tuple[Programme, Unit]:
    if user.role not in (Role.COMMANDER, Role.PR, Role.ADMIN):
        raise Forbidden(_("Only commanders, PR officers and administrators can read the ANEV."))
    programme = db.session.get(Programme, programme_id) if programme_id else None
    if programme is None:
        raise NotFound(_("Programme not found."))
    root = get_unit_in_scope(user, unit_code) if unit_code else user.unit
    if root is None:
        raise NotFound(_("Unit not found."))
    return programme, root


def check_period(date_from: date | None, date_to: date | None) -> tuple[date, date]:
    errors: dict[str, str] = {}
    shared.period_errors(date_from, date_to, errors, max_days=MAX_DAYS)
    if errors:
        raise Invalid(errors)
    assert date_from is not None
    assert date_to is not None
    return date_from, date_to


def build(
    user: User,
    programme_id: int | None,
    unit_code: str | None,
    date_from: date | None,
    date_to: date | None,
    *,
    today: date | None = None,
) -> Anev:
    """The ANEV of ``unit_code`` (default: the user's unit) for the period, as ``user`` sees it."""
    programme, root = _resolve(user, programme_id, unit_code)
    date_from, date_to = check_period(date_from, date_to)
    today = today or local_today()
    length = (date_to - date_from).days + 1
    previous_to = date_from - timedelta(days=1)
    previous_from = previous_to - timedelta(days=length - 1)
    current = _scores(user, programme, root, date_from, date_to, today)
    previous = _scores(user, programme, root, previous_from, previous_to, today)
    good_min, fair_min = programme.anev_good_min, programme.anev_fair_min
    ranked = sorted((c for c in current.items() if c[1]["score"] is not None), key=lambda c: -c[1]["score"])
    ranks: dict[str, int] = {}
    for i, (code, data) in enumerate(ranked):
        prev = ranked[i - 1] if i else None
        ranks[code] = ranks[prev[0]] if prev is not None and prev[1]["score"] == data["score"] else i + 1
    order = [c for c, _d in ranked] + sorted(
        (c for c in current if c not in ranks), key=lambda c: current[c]["name"]
    )
    rows = []
    for code in order:
        d = current[code]
        prev_score = previous.get(code, {}).get("score")
        rows.append(
            AnevRow(
                unit=code,
                name=d["name"],
                activities=d["activities"],
                visits=d["visits"],
                locations=d["locations"],
                parcels=d["parcels"],
                beneficiaries=d["beneficiaries"],
                planned=d["planned"],
                realised=d["realised"],
                overdue=d["overdue"],
                basis=d["basis"],
                realisation=d["realisation"],
                score=d["score"],
                band=band_of(d["score"], good_min, fair_min),
                rank=ranks.get(code),
                previous_score=prev_score,
                change=round(d["score"] - prev_score, 1)
                if d["score"] is not None and prev_score is not None
                else None,
            )
        )
    return Anev(
        programme_id=programme.id,
        programme_name=programme.name,
        unit=root.code,
        unit_name=root.name,
        date_from=date_from,
        date_to=date_to,
        previous_from=previous_from,
        previous_to=previous_to,
        good_min=good_min,
        fair_min=fair_min,
        rows=tuple(rows),
        directives=directives(programme, root),
        priorities=priorities.coverage(
            user,
            root,
            programme_id=programme.id,
            date_from=date_from,
            date_to=date_to,
            statuses=stats.effective_statuses(
                user, stats.StatsFilter()
            ),  # as the figures above (PR: verified)
        ),
    )


def directives(programme: Programme, unit: Unit) -> dict[str, str]:
    """The follow-up directive per band: the commander's text, else the standard sentence."""
    rows = db.session.execute(
        select(AnevDirective.band, AnevDirective.body).where(
            AnevDirective.programme_id == programme.id, AnevDirective.unit_id == unit.id
        )
    )
    stored = {r.band: r.body for r in rows}
    return {b: (stored.get(b) or "").strip() or str(DEFAULT_DIRECTIVES[b]) for b in BANDS}


def save_directives(actor: User, programme_id: int, unit_code: str | None, texts: dict[str, str]) -> None:
    """Store the commander's directives (an empty text restores the standard sentence). Audited."""
    if actor.role not in (Role.COMMANDER, Role.ADMIN):
        raise Forbidden(_("Only a commander can write the follow-up directives."))
    programme, root = _resolve(actor, programme_id, unit_code)
    errors = {b: _("At most %(n)d characters.", n=2000) for b, t in texts.items() if len(t) > 2000}
    if errors:
        raise Invalid(errors)
    existing = {
        d.band: d
        for d in db.session.scalars(
            select(AnevDirective).where(
                AnevDirective.programme_id == programme.id, AnevDirective.unit_id == root.id
            )
        )
    }
    changes: dict[str, list[str]] = {}
    for band in BANDS:
        if band not in texts:
            continue
        text = texts[band].strip()
        row = existing.get(band)
        before = row.body if row else ""
        if before == text:
            continue
        changes[band] = [before, text]
        if row is None:
            db.session.add(AnevDirective(programme_id=programme.id, unit_id=root.id, band=band, body=text))
        else:
            row.body = text
    db.session.flush()
    if changes:
        audit.record(actor, "anev_directives", "programme", programme.id, unit_id=root.id, changes=changes)


def to_dict(report: Anev) -> dict[str, Any]:
    """The API's (and the tests') view of an ANEV."""
    return {
        "programme_id": report.programme_id,
        "unit": report.unit,
        "name": report.unit_name,
        "from": report.date_from.isoformat(),
        "to": report.date_to.isoformat(),
        "previous": {"from": report.previous_from.isoformat(), "to": report.previous_to.isoformat()},
        "bands": {"baik": report.good_min, "cukup": report.fair_min},
        "directives": report.directives,
        "priority_messages": priorities.coverage_to_dict(report.priorities) if report.priorities else None,
        "rows": [
            {
                "unit": r.unit,
                "name": r.name,
                "score": r.score,
                "band": r.band,
                "rank": r.rank,
                "basis": r.basis,
                "previous_score": r.previous_score,
                "change": r.change,
                "activities": r.activities,
                "visits": r.visits,
                "locations": r.locations,
                "parcels": r.parcels,
                "beneficiaries": r.beneficiaries,
                "plans": {"planned": r.planned, "realised": r.realised, "overdue": r.overdue},
                "realisation": {
                    k: {"achieved": v[0], "target": v[1], "percent": v[2]} for k, v in r.realisation.items()
                },
            }
            for r in report.rows
        ],
    }
