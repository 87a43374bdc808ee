"""Form bodies the web tests post."""

from __future__ import annotations

from typing import Any

from tests.factories import World


def base_form(world: World, **overrides: Any) -> dict[str, Any]:
    """A valid create POST for staff.a1x: leader, one registered location."""
    data: dict[str, Any] = {
        "programme_id": str(world.programme.id),
        "unit_code": "POLSEK-A1X",
        "kind": "bakti_sosial",
        "occurred_on": "2023-11-30",
        "start_time": "08:30",
        "end_time": "11:00",
        "title": "Bakti sosial Cooling System",
        "leader_rank": "AKP",
        "leader_name": "Lilik Widiastuti",
        "leader_degrees": "S.H.",
        "leader_nrp": "12345678",
        "leader_position": "Kasat Binmas",
        "visits-0-location_id": str(world.locations["POLSEK-A1X"].id),
        "visits-0-parcels": "10",
        "visits-0-beneficiaries": "20",
    }
    data.update(overrides)
    return data
