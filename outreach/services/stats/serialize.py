"""The figures as JSON-ready dicts (``/api/v1/stats`` and the map's data)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from outreach.models import (
    ActivityStatus,
)
from outreach.services.stats.types import MapPoint, Summary


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, ActivityStatus):
        return value.value
    if isinstance(value, tuple) and hasattr(value, "_asdict"):
        return {k: _jsonable(v) for k, v in value._asdict().items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def summary_to_dict(summary: Summary) -> dict[str, Any]:
    """A JSON-ready dict: the totals at the top level, then the breakdowns as lists of objects."""
    t = summary.totals
    return {
        "filters": {
            "programme_id": summary.filters.programme_id,
            "unit": summary.unit.code,
            "from": _jsonable(summary.filters.date_from),
            "to": _jsonable(summary.filters.date_to),
            "status": [s.value for s in summary.statuses],
        },
        "unit": _jsonable(summary.unit),
        "programme": _jsonable(summary.programme),
        "as_of": summary.as_of.isoformat(),
        "activities": t.activities,
        "verified_activities": t.verified_activities,
        "visits": t.visits,
        "locations": t.locations,
        "parcels": t.parcels,
        "beneficiaries": t.beneficiaries,
        "messages": t.messages,
        "items": _jsonable(summary.items),
        "targets": _jsonable(summary.targets),
        "by_unit": _jsonable(summary.by_unit),
        "by_kind": _jsonable(summary.by_kind),
        "by_location_kind": _jsonable(summary.by_location_kind),
        "by_district": _jsonable(summary.by_district),
        "by_message": _jsonable(summary.by_message),
        "by_month": _jsonable(summary.by_month),
        "by_week": _jsonable(summary.by_week),
        "leaders": _jsonable(summary.leaders),
    }


def map_points_to_list(points: tuple[MapPoint, ...]) -> list[dict[str, Any]]:
    """JSON-ready map points."""
    return list(_jsonable(points))
