"""The one aggregation package: dashboard, API stats and programme reports all read their figures from here.

Every figure is an SQL ``GROUP BY`` over the rollup tables (:mod:`outreach.models.rollup`), kept equal to the
raw rows in the same transaction as every write: per-scope, per-day sums for activity figures, kinds, items
and messages (a Polda reads its own rows, a few per child unit and day, never its activities), and per-unit,
per-location, per-day rows for distinct locations, location kinds and the map. Only the gaps read the raw
activities (through covering indexes).
A call issues a fixed number of statements whatever the data size, and no Python loop runs over activity rows
(only over the small grouped results).

Rules shared by every function here:
- the unit scope is the chosen unit's subtree (``unit_code`` must lie in the user's subtree, else NotFound);
- soft-deleted activities never count;
- the default statuses are submitted and verified; PR users only ever see verified activities.

The package's files each have one reason to change: :mod:`.filter` (which activities count), :mod:`.types`
(the result shapes), :mod:`.query` (the scope every figure shares), :mod:`.summary` (the dashboard's figures),
:mod:`.gaps_map` (what is missing, and the map: not named ``gaps``, which the function re-exported here
would shadow) and :mod:`.serialize` (JSON). This module is its interface.
"""

from outreach.services.stats.filter import (
    DEFAULT_STATUSES,
    StatsFilter,
    default_month,
    default_programme_id,
    effective_statuses,
    programme_choices,
    unit_choices,
)
from outreach.services.stats.gaps_map import GAP_LIST_LIMIT, MAP_POINT_LIMIT, gaps, visited_map
from outreach.services.stats.serialize import map_points_to_list, summary_to_dict
from outreach.services.stats.summary import TOP_LEADERS, runs_programme, summarize
from outreach.services.stats.types import (
    DistrictRow,
    Gaps,
    IdleUnit,
    ItemTotal,
    KindRow,
    LeaderRow,
    LocationKindRow,
    MapPoint,
    MessageFigures,
    ProgrammeRef,
    Summary,
    TargetProgress,
    Totals,
    TrendRow,
    UnitFigures,
    UnitRef,
    UnvisitedLocation,
    VisitedMap,
    WaitingActivity,
)

__all__ = [
    "DEFAULT_STATUSES", "GAP_LIST_LIMIT", "MAP_POINT_LIMIT", "TOP_LEADERS", "DistrictRow", "Gaps", "IdleUnit",
    "ItemTotal", "KindRow", "LeaderRow", "LocationKindRow", "MapPoint", "MessageFigures", "ProgrammeRef", "StatsFilter",
    "Summary", "TargetProgress", "Totals", "TrendRow", "UnitRef", "UnitFigures", "UnvisitedLocation", "VisitedMap",
    "WaitingActivity",
    "default_month", "default_programme_id", "effective_statuses", "gaps", "map_points_to_list",
    "programme_choices", "runs_programme", "summarize", "summary_to_dict", "unit_choices", "visited_map",
]  # fmt: skip
