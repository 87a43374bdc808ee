"""Target allocation down the chain: a commander splits their unit's programme targets among its child units.

A unit's *own* targets for a programme are its ``ProgrammeTarget`` rows; a unit without any that runs the
programme (or lies above the unit that runs it) owns the programme-wide targets — the same rule the dashboard
scores with (:func:`outreach.services.stats.summarize`). The children's allocations for an indicator may add up
to at most the parent's own target for it; what is left is the remainder. A child is then scored against its
allocation, or shows "no target".

Who may allocate: the commander whose unit is the child's parent, and administrators. Every change is audited
(one ``allocate_targets`` entry per unit, with the before/after of each indicator that changed).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from outreach.extensions import db
from outreach.models import Indicator, Programme, ProgrammeTarget, Role, Unit, User
from outreach.services import audit
from outreach.services.errors import Forbidden, Invalid, NotFound
from outreach.services.scope import is_within
from outreach.services.stats.summary import runs_programme

#: The largest target one indicator may have (the same bound as the programme's own targets).
MAX_TARGET = 100_000_000


@dataclass(frozen=True)
class ChildAllocation:
    unit: Unit
    targets: dict[Indicator, int]


@dataclass(frozen=True)
class Allocation:
    """A parent unit's own targets, what its children were given, and what is left per indicator."""

    programme: Programme
    parent: Unit
    #: "unit" when the parent has targets of its own, "programme" when it owns the programme-wide ones
    source: str | None
    own: dict[Indicator, int]
    children: list[ChildAllocation]

    @property
    def allocated(self) -> dict[Indicator, int]:
        totals: dict[Indicator, int] = {}
        for child in self.children:
            for indicator, target in child.targets.items():
                totals[indicator] = totals.get(indicator, 0) + target
        return totals

    @property
    def remainder(self) -> dict[Indicator, int]:
        """Per indicator the parent has a target for: its target minus the children's allocations."""
        allocated = self.allocated
        return {ind: target - allocated.get(ind, 0) for ind, target in self.own.items()}


def _rows(programme: Programme) -> dict[int | None, dict[Indicator, int]]:
    found: dict[int | None, dict[Indicator, int]] = {}
    rows = db.session.execute(
        select(ProgrammeTarget.unit_id, ProgrammeTarget.indicator, ProgrammeTarget.target).where(
            ProgrammeTarget.programme_id == programme.id
        )
    )
    for r in rows:
        found.setdefault(r.unit_id, {})[r.indicator] = r.target
    return found


def own_targets(programme: Programme, unit: Unit) -> tuple[dict[Indicator, int], str | None]:
    """``unit``'s own targets for ``programme`` and where they come from ("unit", "programme" or None)."""
    rows = _rows(programme)
    if rows.get(unit.id):
        return rows[unit.id], "unit"
    if runs_programme(unit, programme) and rows.get(None):
        return rows[None], "programme"
    return {}, None


def can_allocate(user: User, unit: Unit) -> bool:
    """Admins for any unit in their area; a commander for the child units of their own unit."""
    if unit.parent_id is None:
        return False  # the root's targets are the programme's, set by an administrator
    if user.role is Role.ADMIN:
        return is_within(unit, user.unit)
    return user.role is Role.COMMANDER and unit.parent_id == user.unit_id


def allocation(programme: Programme, parent: Unit) -> Allocation:
    """The allocation of ``parent``'s targets among its active child units (by name)."""
    rows = _rows(programme)
    own, source = own_targets(programme, parent)
    children = db.session.scalars(
        select(Unit).where(Unit.parent_id == parent.id, Unit.is_active.is_(True)).order_by(Unit.name)
    )
    return Allocation(
        programme=programme,
        parent=parent,
        source=source,
        own=own,
        children=[ChildAllocation(c, dict(rows.get(c.id, {}))) for c in children],
    )


def get_allocatable_unit(user: User, code: str) -> Unit:
    """The unit with ``code`` if ``user`` may allocate its targets (NotFound outside the area, Forbidden else)."""
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None or not is_within(unit, user.unit):
        raise NotFound(_("Unit not found."))
    if not can_allocate(user, unit):
        raise Forbidden(
            _("Only the commander of the parent unit or an administrator can set this unit's targets.")
        )
    return unit


def set_targets(
    actor: User, programme: Programme, unit: Unit, wanted: dict[Indicator, int | None]
) -> dict[Indicator, int]:
    """Replace ``unit``'s allocation with ``wanted`` (an indicator missing or None: no target).

    Refused per indicator (:class:`Invalid`, field = the indicator) when the allocations of ``unit`` and its
    siblings would exceed the parent's own target, or the parent has no target for it. Audited when anything
    changes. Returns the unit's targets after the change.
    """
    if not can_allocate(actor, unit):
        raise Forbidden(
            _("Only the commander of the parent unit or an administrator can set this unit's targets.")
        )
    parent = db.session.get(Unit, unit.parent_id)
    assert parent is not None
    state = allocation(programme, parent)
    errors: dict[str, str] = {}
    for indicator, target in wanted.items():
        if target is None:
            continue
        if target < 0 or target > MAX_TARGET:
            errors[indicator.value] = _("Enter a number of zero or more.")
            continue
        if indicator not in state.own:
            errors[indicator.value] = _(
                "%(unit)s has no target for this indicator to split.", unit=parent.name
            )
            continue
        siblings = sum(c.targets.get(indicator, 0) for c in state.children if c.unit.id != unit.id)
        if siblings + target > state.own[indicator]:
            errors[indicator.value] = _(
                "The allocations would exceed %(unit)s's target of %(target)s (at most %(left)s is left).",
                unit=parent.name,
                target=state.own[indicator],
                left=max(state.own[indicator] - siblings, 0),
            )
    if errors:
        raise Invalid(errors)

    existing = {t.indicator: t for t in programme.targets if t.unit_id == unit.id}
    changes: dict[str, list[int | None]] = {}
    for indicator in Indicator:
        target = wanted.get(indicator)
        row = existing.get(indicator)
        before = row.target if row is not None else None
        if before == target:
            continue
        changes[indicator.value] = [before, target]
        if target is None and row is not None:
            programme.targets.remove(row)
        elif row is not None and target is not None:
            row.target = target
        elif target is not None:
            programme.targets.append(
                ProgrammeTarget(indicator=indicator, target=target, unit_id=unit.id, unit=unit)
            )
    db.session.flush()
    if changes:
        audit.record(
            actor, "allocate_targets", "programme", programme.id, unit_id=unit.id,
            changes={f"{unit.code}.{k}": v for k, v in changes.items()},
        )  # fmt: skip
    return {ind: t for ind, t in wanted.items() if t is not None}
