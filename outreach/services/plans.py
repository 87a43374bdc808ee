"""Plans (rencana kegiatan): staff file them, a commander approves or returns them, activities realise them.

Counting (one SQL statement, grouped by the root's child units):

- *planned*: approved plans in scope (unit subtree, programme, ``planned_on`` in the period);
- *realised*: those with at least one activity recorded against them that is not deleted (whatever its
  workflow state: the plan was carried out once the activity is recorded);
- *overdue*: approved, ``planned_on`` before today, and not realised.

Plans waiting for approval or returned are not "planned" yet. Every change is audited (entity ``plan``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import Select, and_, case, exists, func, select
from sqlalchemy.orm import aliased, selectinload

from outreach.extensions import db
from outreach.models import (
    Activity,
    ActivityKind,
    Plan,
    PlanStatus,
    Programme,
    Role,
    Unit,
    User,
    utcnow,
)
from outreach.services import audit
from outreach.services.activities import resolve_programme_unit_kind
from outreach.services.clock import local_today
from outreach.services.errors import Conflict, Forbidden, Invalid, NotFound
from outreach.services.policy import VERIFIER_ROLES, WRITER_ROLES
from outreach.services.schema.activity import ActivityInput, PersonInput
from outreach.services.schema.base import MAX_COUNT
from outreach.services.scope import get_unit_in_scope, is_whole_tree, is_within, subtree_ids_query

#: Who may read plans: everyone but PR (plans are internal; PR reads verified activities only).
READER_ROLES = frozenset({Role.STAFF, Role.COMMANDER, Role.ADMIN})
LIMITS = {"title": 250, "places": 5_000, "messages": 5_000}


@dataclass
class PlanInput:
    programme_id: int | None
    unit_code: str
    kind: str
    planned_on: date | None
    title: str
    places: str = ""
    messages: str = ""
    expected_parcels: int = 0


@dataclass(frozen=True)
class PlanCounts:
    planned: int = 0
    realised: int = 0
    overdue: int = 0

    def as_dict(self) -> dict[str, int]:
        return {"planned": self.planned, "realised": self.realised, "overdue": self.overdue}


@dataclass(frozen=True)
class UnitPlanCounts:
    code: str
    name: str
    counts: PlanCounts


# --------------------------------------------------------------------------------------------- rules


def _require_reader(user: User) -> None:
    if user.role not in READER_ROLES:
        raise Forbidden(_("Your role cannot see plans."))


def get_plan(user: User, plan_id: int) -> Plan:
    """The plan if ``user`` may see it (NotFound for unknown and out-of-area alike)."""
    plan = db.session.get(Plan, plan_id)
    if plan is None or not is_within(plan.unit, user.unit):
        raise NotFound(_("Plan not found."))
    _require_reader(user)
    return plan


def can_decide(user: User, plan: Plan) -> bool:
    return user.role in VERIFIER_ROLES and plan.status is PlanStatus.SUBMITTED


def is_realised(plan: Plan) -> bool:
    query = select(Activity.id).where(Activity.plan_id == plan.id, Activity.deleted_at.is_(None)).limit(1)
    return db.session.scalar(query) is not None


# --------------------------------------------------------------------------------------------- writes


def _validate(actor: User, data: PlanInput) -> tuple[Programme, Unit, ActivityKind]:
    errors: dict[str, str] = {}
    programme, unit, kind = resolve_programme_unit_kind(
        actor, data.programme_id, data.unit_code, data.kind, errors
    )
    if data.planned_on is None:
        errors["date"] = _("Enter the planned date.")
    elif programme is not None and not (programme.start_on <= data.planned_on <= programme.end_on):
        errors["date"] = _(
            "The date lies outside the programme period (%(start)s – %(end)s).",
            start=format_date(programme.start_on, "d MMMM y"),  # "19 Oktober 2023", not ISO (issue 14)
            end=format_date(programme.end_on, "d MMMM y"),
        )
    if not data.title.strip():
        errors["title"] = _("Enter a title.")
    for name, limit in LIMITS.items():
        if len(getattr(data, name)) > limit:
            errors[name] = _("At most %(n)d characters.", n=limit)
    if not 0 <= data.expected_parcels <= MAX_COUNT:
        errors["expected_parcels"] = _("Enter a number of zero or more.")
    if errors:
        raise Invalid(errors)
    assert programme is not None
    assert unit is not None
    assert kind is not None
    return programme, unit, kind


def _lines(text: str) -> str:
    return "\n".join(line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip())


def create_plan(actor: User, data: PlanInput) -> Plan:
    """File a plan (status "submitted", waiting for a commander)."""
    if actor.role not in WRITER_ROLES:
        raise Forbidden(_("Your role cannot file plans."))
    programme, unit, kind = _validate(actor, data)
    assert data.planned_on is not None
    plan = Plan(
        programme=programme,
        unit=unit,
        kind=kind,
        planned_on=data.planned_on,
        title=" ".join(data.title.split()),
        places=_lines(data.places),
        messages=_lines(data.messages),
        expected_parcels=data.expected_parcels,
        status=PlanStatus.SUBMITTED,
        created_by_id=actor.id,
    )
    db.session.add(plan)
    db.session.flush()
    audit.record(
        actor, "create", "plan", plan.id, unit_id=unit.id,
        changes={"title": plan.title, "date": plan.planned_on, "unit": unit.code, "kind": kind.code,
                 "expected_parcels": plan.expected_parcels},
    )  # fmt: skip
    return plan


def approve_plan(actor: User, plan: Plan) -> Plan:
    if actor.role not in VERIFIER_ROLES:
        raise Forbidden(_("Only a commander can approve plans."))
    if not can_decide(actor, plan):
        raise Conflict(_("Only a plan waiting for approval can be approved."))
    _decide(actor, plan, PlanStatus.APPROVED, "approve", "")
    return plan


def return_plan(actor: User, plan: Plan, comment: str) -> Plan:
    if actor.role not in VERIFIER_ROLES:
        raise Forbidden(_("Only a commander can return plans."))
    if not can_decide(actor, plan):
        raise Conflict(_("Only a plan waiting for approval can be returned."))
    comment = comment.strip()
    if not comment:
        raise Invalid({"comment": _("Say what needs changing.")})
    _decide(actor, plan, PlanStatus.RETURNED, "return", comment[:2000])
    return plan


def _decide(actor: User, plan: Plan, status: PlanStatus, action: str, comment: str) -> None:
    before = plan.status
    plan.status = status
    plan.decided_by_id = actor.id
    plan.decided_at = utcnow()
    plan.return_comment = comment or None
    db.session.flush()
    audit.record(
        actor, action, "plan", plan.id, unit_id=plan.unit_id,
        changes={"status": [before.value, status.value]}, comment=comment,
    )  # fmt: skip


def activity_input_from(plan: Plan, leader: PersonInput) -> ActivityInput:
    """An activity input prefilled from an approved plan (the form then asks for what really happened)."""
    summary = ""
    if plan.place_list():
        summary = _("Planned places: %(places)s", places=", ".join(plan.place_list()))
    return ActivityInput(
        programme_id=plan.programme_id,
        unit_code=plan.unit.code,
        kind=plan.kind.code,
        occurred_on=plan.planned_on,
        leader=leader,
        visits=[],
        title=plan.title,
        summary=summary,
        messages=plan.message_list(),
        plan_id=plan.id,
    )


# --------------------------------------------------------------------------------------------- reads


@dataclass
class PlanFilter:
    programme_id: int | None = None
    unit_code: str | None = None
    status: PlanStatus | None = None
    date_from: date | None = None
    date_to: date | None = None


def list_plans_query(user: User, filters: PlanFilter) -> Select[Any]:
    """Plans in ``user``'s area (or under ``unit_code``), by date then id."""
    _require_reader(user)
    root = get_unit_in_scope(user, filters.unit_code) if filters.unit_code else user.unit
    if root is None:
        raise NotFound(_("Unit not found."))
    query = select(Plan).options(selectinload(Plan.unit), selectinload(Plan.kind))
    if not is_whole_tree(root):
        query = query.where(Plan.unit_id.in_(subtree_ids_query(root)))
    if filters.programme_id is not None:
        query = query.where(Plan.programme_id == filters.programme_id)
    if filters.status is not None:
        query = query.where(Plan.status == filters.status)
    if filters.date_from is not None:
        query = query.where(Plan.planned_on >= filters.date_from)
    if filters.date_to is not None:
        query = query.where(Plan.planned_on <= filters.date_to)
    return query.order_by(Plan.planned_on.desc(), Plan.id.desc())


def counts(
    root: Unit,
    *,
    programme_id: int | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    today: date | None = None,
) -> tuple[PlanCounts, list[UnitPlanCounts]]:
    """Planned / realised / overdue under ``root`` in total and per active child unit — one grouped query.

    Each plan is counted for the child whose subtree holds its unit (a path-prefix join); plans of ``root``
    itself count in the total only.
    """
    today = today or local_today()
    realised = exists().where(Activity.plan_id == Plan.id, Activity.deleted_at.is_(None))
    conditions = [Plan.status == PlanStatus.APPROVED]
    if not is_whole_tree(root):
        conditions.append(Plan.unit_id.in_(subtree_ids_query(root)))
    if programme_id is not None:
        conditions.append(Plan.programme_id == programme_id)
    if date_from is not None:
        conditions.append(Plan.planned_on >= date_from)
    if date_to is not None:
        conditions.append(Plan.planned_on <= date_to)
    plan_unit = aliased(Unit, name="plan_unit")
    child = aliased(Unit, name="child")
    realised_flag = case((realised, 1), else_=0)
    overdue_flag = case((and_(Plan.planned_on < today, ~realised), 1), else_=0)
    rows = db.session.execute(
        select(
            child.id,
            child.code,
            child.name,
            func.count(Plan.id).label("planned"),
            func.coalesce(func.sum(realised_flag), 0).label("realised"),
            func.coalesce(func.sum(overdue_flag), 0).label("overdue"),
        )
        .select_from(Plan)
        .join(plan_unit, plan_unit.id == Plan.unit_id)
        .outerjoin(
            child,
            and_(child.parent_id == root.id, plan_unit.path.startswith(child.path)),
        )
        .where(*conditions)
        .group_by(child.id, child.code, child.name)
    )
    total = PlanCounts()
    per_child: dict[str, UnitPlanCounts] = {}
    for r in rows:
        c = PlanCounts(int(r.planned), int(r.realised), int(r.overdue))
        total = PlanCounts(total.planned + c.planned, total.realised + c.realised, total.overdue + c.overdue)
        if r.id is not None:
            per_child[r.code] = UnitPlanCounts(r.code, r.name, c)
    children = db.session.execute(
        select(Unit.code, Unit.name)
        .where(Unit.parent_id == root.id, Unit.is_active.is_(True))
        .order_by(Unit.name)
    )
    by_unit = [per_child.get(c.code) or UnitPlanCounts(c.code, c.name, PlanCounts()) for c in children]
    return total, by_unit
