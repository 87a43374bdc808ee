"""The app's reference day: "today" in Western Indonesia, for every rule that says "not in the future"."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Jakarta")


def local_today() -> date:
    """Today in Western Indonesia (the app's reference zone for "a date in the future")."""
    return datetime.now(LOCAL_TZ).date()
