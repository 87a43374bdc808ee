"""The WhatsApp-ready recap of a unit's day or week: plain text with WhatsApp's *bold* and lists, ≤ 4,096 chars.

The figures come from :func:`outreach.services.stats.summarize` (SQL over the rollups, as on the dashboard):
the period's totals, the programme's progress against its targets up to the end of the period, and how many
activities still wait for verification. The activities themselves are listed from the activity list query
(scope, soft deletion and the PR "verified only" rule apply), newest last, until the message would pass
WhatsApp's limit; the rest are counted ("… dan 3 kegiatan lain").
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from babel.dates import format_date
from flask_babel import force_locale

from outreach.exports import fmt
from outreach.extensions import db
from outreach.i18n import enum_label
from outreach.models import Activity, ActivityStatus, Indicator, Unit, User
from outreach.services import stats
from outreach.services.activity_list import ActivityFilter, list_activities_query
from outreach.services.errors import Invalid
from outreach.services.scope import get_unit_in_scope

__all__ = ["MAX_CHARS", "MAX_DAYS", "build_recap"]

#: WhatsApp cuts longer messages.
MAX_CHARS = 4096
#: A recap covers a day or a week.
MAX_DAYS = 7
_STATUSES = [ActivityStatus.SUBMITTED, ActivityStatus.VERIFIED]


def _period(start: date, end: date, lang: str) -> str:
    if start == end:
        return format_date(start, "EEEE, d MMMM y", locale=lang)
    return f"{format_date(start, 'd MMM', locale=lang)} – {format_date(end, 'd MMM y', locale=lang)}"


def build_recap(
    user: User,
    unit_code: str,
    date_from: date,
    date_to: date | None,
    gettext: Callable[[str], str],
    lang: str = "id",
) -> str:
    """The recap as one plain-text message (Invalid for an unknown unit or a period longer than a week)."""
    t = gettext
    end = date_to or date_from
    errors: dict[str, str] = {}
    unit: Unit | None = get_unit_in_scope(user, unit_code.strip()) if unit_code.strip() else None
    if unit is None:
        errors["unit"] = t("Unknown unit or outside your area.")
    if end < date_from:
        errors["to"] = t("The end of the period lies before its start.")
    elif (end - date_from).days >= MAX_DAYS:
        errors["to"] = t("A recap covers a day or a week (at most 7 days).")
    if errors or unit is None:
        raise Invalid(errors)
    lang = "en" if lang == "en" else "id"
    programme_id = stats.default_programme_id(user)
    period = stats.StatsFilter(
        programme_id=programme_id, unit_code=unit.code, date_from=date_from, date_to=end, statuses=_STATUSES
    )
    summary = stats.summarize(user, period, today=end)
    totals = summary.totals

    def number(n: int) -> str:
        return fmt.number(n, lang)

    lines = [f"*{t('BINMAS ACTIVITY RECAP')}*", f"*{unit.name}* – {_period(date_from, end, lang)}", ""]
    lines.append(f"*{t('Figures')}*")
    # The indicators' one label (the dashboard's, the laporan's), in the recap's language.
    with force_locale(lang):
        label = {i.value: enum_label(i) for i in Indicator}
    lines += [
        f"• {label['activities']}: {number(totals.activities)}",
        f"• {label['visits']}: {number(totals.visits)}",
        f"• {label['parcels']}: {number(totals.parcels)}",
        f"• {label['beneficiaries']}: {number(totals.beneficiaries)}",
        f"• {label['messages']}: {number(totals.messages)}",
    ]
    # Progress against the targets counts the programme from its start to the end of the period.
    to_date = stats.summarize(user, replace(period, date_from=None), today=end)
    if to_date.targets and to_date.programme is not None:
        until = fmt.plain_date(end, lang)
        lines += ["", f"*{t('Against target')}* ({to_date.programme.name}, {t('until')} {until})"]
        with_target = {
            i.value
            for i in (Indicator.ACTIVITIES, Indicator.VISITS, Indicator.PARCELS, Indicator.BENEFICIARIES)
        }
        for target in to_date.targets:
            if target.indicator in with_target:
                lines.append(
                    f"• {label[target.indicator]}: {number(target.achieved)} / {number(target.target)}"
                    f" ({fmt.number(round(target.percent, 1), lang)}%)"
                )
    waiting = totals.activities - totals.verified_activities
    footer = ["", f"⏳ *{t('Waiting for verification')}*: {number(waiting)}"] if waiting else []

    query = (
        list_activities_query(
            user,
            ActivityFilter(
                programme_id=programme_id,
                unit_code=unit.code,
                date_from=date_from,
                date_to=end,
                statuses=_STATUSES,
                sort="date",
            ),
        )
        .order_by(None)
        .order_by(Activity.occurred_on, Activity.id)
    )
    activity_lines: list[str] = ["", f"*{t('Activities')}*"]
    shown = 0
    total_listed = 0
    for i, a in enumerate(db.session.scalars(query.limit(200)), 1):
        total_listed += 1
        places = ", ".join(dict.fromkeys(v.location.name for v in a.visits))
        entry = [
            f"{i}. *{a.kind.label(lang)}* – {a.unit.name}"
            + ("" if a.status is ActivityStatus.VERIFIED else " ⏳")
        ]
        if places:
            entry.append(f"   📍 {places}")
        facts = []
        if a.parcel_count:
            facts.append(f"{number(a.parcel_count)} {t('paket')}")
        if a.beneficiary_count:
            facts.append(f"{number(a.beneficiary_count)} {t('beneficiaries')}")
        if facts:
            entry.append(("   📦 " if a.parcel_count else "   👥 ") + " · ".join(facts))
        messages = [m.message.label(lang) if m.message is not None else m.text for m in a.messages]
        if messages:
            entry.append("   💬 " + "; ".join(messages))
        candidate = "\n".join([*lines, *activity_lines, *entry, "", "… 999", *footer])
        if len(candidate) > MAX_CHARS:
            break
        activity_lines += entry
        shown += 1
    if total_listed == 0:
        activity_lines.append(t("No activity recorded."))
    remaining = totals.activities - shown
    if shown and remaining > 0:
        activity_lines.append(t("… and %(n)s more activities") % {"n": number(remaining)})
    text = "\n".join([*lines, *activity_lines, *footer])
    return text[:MAX_CHARS]
