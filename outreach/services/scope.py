"""The one rule for unit scope: a user sees their unit and everything below it (a path-prefix match)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select

from outreach.extensions import db
from outreach.models import Person, Unit, User


def subtree_ids_query(unit: Unit) -> Select[Any]:
    """Ids of ``unit`` and every unit below it."""
    return select(Unit.id).where(Unit.path.startswith(unit.path, autoescape=True))


def is_whole_tree(unit: Unit) -> bool:
    """True when ``unit`` is the one root, so its subtree is every unit and a scope filter on it filters nothing.

    Lists leave that filter out: SQLite's planner takes ``unit_id IN (every unit)`` for a selective condition
    and sorts every activity instead of walking the date index in order (docs/DECISIONS.md).
    """
    if unit.parent_id is not None:
        return False
    other_root = select(Unit.id).where(Unit.parent_id.is_(None), Unit.id != unit.id).limit(1)
    return db.session.scalar(other_root) is None


def is_within(unit: Unit, root: Unit) -> bool:
    """True when ``unit`` is ``root`` or lies below it."""
    return unit.path.startswith(root.path)


def get_unit_in_scope(user: User, code: str) -> Unit | None:
    """The unit with ``code`` if it lies in the user's subtree (None otherwise: unknown and foreign look alike)."""
    unit = db.session.scalar(select(Unit).where(Unit.code == code))
    if unit is None or not is_within(unit, user.unit):
        return None
    return unit


def set_path(unit: Unit) -> None:
    """Compute ``path``/``depth`` from the parent (the unit must have an id: flush first)."""
    parent_path = unit.parent.path if unit.parent is not None else "/"
    unit.path = f"{parent_path}{unit.id}/"
    unit.depth = parent_path.count("/") - 1


def units_in_scope(user: User) -> list[Unit]:
    """The user's unit and every active unit below it, in tree order (the unit select of the forms)."""
    query = select(Unit).where(Unit.id.in_(subtree_ids_query(user.unit)), Unit.is_active.is_(True))
    return list(db.session.scalars(query.order_by(Unit.path)))


def people_of(unit: Unit) -> list[Person]:
    """Active people of ``unit`` and the units below it (the leader/officer pickers), at most 500."""
    query = select(Person).where(Person.unit_id.in_(subtree_ids_query(unit)), Person.is_active.is_(True))
    return list(db.session.scalars(query.order_by(Person.name, Person.id).limit(500)))
