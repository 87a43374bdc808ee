"""Listing activities: the list filter, its query, the sort keys and the capped pager, and the nav counters."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, false, func, literal, or_, select
from sqlalchemy.orm import selectinload

from outreach.extensions import db
from outreach.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    Location,
    LocationKind,
    Role,
    Unit,
    User,
    Visit,
)
from outreach.services.filters import like_pattern
from outreach.services.policy import VERIFIER_ROLES
from outreach.services.scope import get_unit_in_scope, is_whole_tree, subtree_ids_query


@dataclass
class ActivityFilter:
    programme_id: int | None = None
    unit_code: str | None = None
    date_from: date | None = None
    date_to: date | None = None
    statuses: list[ActivityStatus] = field(default_factory=list)
    kind: str | None = None
    location_kind: str | None = None
    q: str = ""
    created_by_id: int | None = None
    deleted: bool = False
    sort: str = "-date"


def _list_options() -> list[Any]:
    return [selectinload(Activity.unit), selectinload(Activity.kind)]


def list_activities_query(user: User, filters: ActivityFilter) -> Select[Any]:
    """Activities the user may see, filtered and sorted, as an unexecuted select (the edge paginates)."""
    root: Unit | None = get_unit_in_scope(user, filters.unit_code) if filters.unit_code else user.unit
    query = select(Activity).options(*_list_options())
    if root is None:  # a unit outside the user's area (or unknown) shows nothing
        return query.where(false())
    if not is_whole_tree(root):  # the whole tree needs no filter (and then the date index serves the order)
        query = query.where(Activity.unit_id.in_(subtree_ids_query(root)))
    if filters.deleted and user.role is Role.ADMIN:
        query = query.where(Activity.deleted_at.is_not(None))
    else:
        query = query.where(Activity.deleted_at.is_(None))
    statuses = list(filters.statuses)
    if user.role is Role.PR:
        statuses = [ActivityStatus.VERIFIED]
    if statuses:
        query = query.where(Activity.status.in_(statuses))
    if filters.programme_id:
        query = query.where(Activity.programme_id == filters.programme_id)
    if filters.date_from:
        query = query.where(Activity.occurred_on >= filters.date_from)
    if filters.date_to:
        query = query.where(Activity.occurred_on <= filters.date_to)
    if filters.kind:
        query = query.where(
            Activity.kind_id.in_(select(ActivityKind.id).where(ActivityKind.code == filters.kind))
        )
    if filters.created_by_id:
        query = query.where(Activity.created_by_id == filters.created_by_id)
    if filters.location_kind:
        visited = (
            select(Visit.activity_id)
            .join(Location, Location.id == Visit.location_id)
            .join(LocationKind, LocationKind.id == Location.kind_id)
            .where(LocationKind.code == filters.location_kind)
        )
        query = query.where(Activity.id.in_(visited))
    if filters.q.strip():
        pattern = like_pattern(filters.q.strip().lower())
        at_location = (
            select(Visit.activity_id)
            .join(Location, Location.id == Visit.location_id)
            .where(
                or_(
                    func.lower(Location.name).like(pattern, escape="\\"),
                    func.lower(Location.village).like(pattern, escape="\\"),
                )
            )
        )
        query = query.where(
            or_(
                func.lower(Activity.title).like(pattern, escape="\\"),
                func.lower(Activity.leader_name).like(pattern, escape="\\"),
                func.lower(Activity.summary).like(pattern, escape="\\"),
                Activity.id.in_(at_location),
            )
        )
    return query.order_by(*_ordering(filters.sort))


SORTS = {
    "date": Activity.occurred_on,
    "parcels": Activity.parcel_count,
    "visits": Activity.visit_count,
    "beneficiaries": Activity.beneficiary_count,
    "status": Activity.status,
    "updated": Activity.updated_at,
}


def _ordering(sort: str) -> list[Any]:
    descending = sort.startswith("-")
    column = SORTS.get(sort.lstrip("-"), Activity.occurred_on)
    primary = column.desc() if descending else column.asc()
    return [primary, Activity.id.desc() if descending else Activity.id.asc()]


#: A list counts its matches up to this many; above it, it says "more than 10,000" (counting every match of a
#: national list would cost time in proportion to the whole table on every page).
COUNT_CAP = 10_000
#: The highest page number a list serves (an offset beyond any real list, far below integer overflow).
MAX_PAGE = 1_000_000


@dataclass(frozen=True)
class ActivityPage:
    """One page of a list. ``total`` is exact when ``total_exact``; otherwise it is the cap, and there are more."""

    items: list[Activity]
    page: int
    per_page: int
    total: int
    total_exact: bool
    has_next: bool

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def prev_num(self) -> int | None:
        return self.page - 1 if self.has_prev else None

    @property
    def next_num(self) -> int | None:
        return self.page + 1 if self.has_next else None

    @property
    def first(self) -> int:
        """The 1-based position of the page's first row (0 for an empty page)."""
        return (self.page - 1) * self.per_page + 1 if self.items else 0

    @property
    def last(self) -> int:
        """The 1-based position of the page's last row (0 for an empty page)."""
        return (self.page - 1) * self.per_page + len(self.items) if self.items else 0

    @property
    def pages(self) -> int | None:
        """The number of pages when the total is exact (None: only "more than the cap" is known)."""
        return -(-self.total // self.per_page) if self.total_exact else None

    def numbers(self, around: int = 2) -> list[int | None]:
        """Page numbers for a pager: the first, those around this page, and the last when the total is exact.

        ``None`` marks a gap. Only pages known to exist are listed: up to the last page when the total is exact,
        otherwise up to the pages the cap fills (or the next page, when that is further).
        """
        if self.pages is not None:
            known = self.pages
        else:
            known = max(-(-self.total // self.per_page), self.page + 1 if self.has_next else self.page)
        wanted = {1, *range(max(1, self.page - around), min(known, self.page + around) + 1)}
        if self.total_exact:
            wanted.add(known)
        numbers: list[int | None] = []
        for number in sorted(n for n in wanted if 1 <= n <= known):
            if numbers and number - (numbers[-1] or 0) > 1:
                numbers.append(None)
            numbers.append(number)
        return numbers


def page_activities(
    user: User, filters: ActivityFilter, page: int, per_page: int, count_cap: int = COUNT_CAP
) -> ActivityPage:
    """One page of :func:`list_activities_query`, counting at most ``count_cap + 1`` matches.

    Fetches ``per_page + 1`` rows (the extra one tells whether a next page exists) with LIMIT/OFFSET, so the
    cost follows the page and the cap, not the size of the table. On the last page the total is known without
    counting; past the end the page is empty and the total still says where the list ends.
    """
    page = min(max(page, 1), MAX_PAGE)
    query = list_activities_query(user, filters)
    offset = (page - 1) * per_page
    # Ids first: ordering and skipping read only the index; the table is read for the rows shown.
    ids = list(db.session.scalars(query.with_only_columns(Activity.id).limit(per_page + 1).offset(offset)))
    has_next = len(ids) > per_page
    ids = ids[:per_page]
    shown = db.session.scalars(select(Activity).where(Activity.id.in_(ids)).options(*_list_options()))
    by_id = {activity.id: activity for activity in shown}
    items = [by_id[i] for i in ids if i in by_id]
    if not has_next and (ids or page == 1):  # the last page: the rows before it plus its own
        total, exact = offset + len(ids), True
    elif ids and offset + len(ids) + 1 > count_cap:  # already past the cap: nothing to count
        total, exact = count_cap, False
    else:
        matches = query.with_only_columns(literal(1)).order_by(None).limit(count_cap + 1).subquery()
        counted = int(db.session.scalar(select(func.count()).select_from(matches)) or 0)
        total, exact = min(counted, count_cap), counted <= count_cap
    return ActivityPage(
        items=items, page=page, per_page=per_page, total=total, total_exact=exact, has_next=has_next
    )


def count_waiting_for(user: User) -> int:
    """Submitted activities in the user's subtree that this user could verify (0 for other roles)."""
    if user.role not in VERIFIER_ROLES:
        return 0
    query = select(func.count()).where(
        Activity.unit_id.in_(subtree_ids_query(user.unit)),
        Activity.status == ActivityStatus.SUBMITTED,
        Activity.deleted_at.is_(None),
    )
    return int(db.session.scalar(query) or 0)


def count_drafts_of(user: User) -> int:
    query = select(func.count()).where(
        Activity.created_by_id == user.id,
        Activity.status.in_([ActivityStatus.DRAFT, ActivityStatus.RETURNED]),
        Activity.deleted_at.is_(None),
    )
    return int(db.session.scalar(query) or 0)
