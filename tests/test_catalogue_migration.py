"""Migration 0005 installs the standard catalogues on `db upgrade`, from its own frozen copy of them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from flask_migrate import downgrade, upgrade
from sqlalchemy import func, select

from outreach.extensions import db
from outreach.models import (
    ActivityKind,
    ItemKind,
    KamtibmasMessage,
    LocationKind,
    PartnerKind,
    Programme,
    Unit,
)
from outreach.services import catalogues

MIGRATION = Path(__file__).resolve().parents[1] / "migrations" / "versions" / "0005_standard_catalogues.py"


def _frozen():
    spec = importlib.util.spec_from_file_location("catalogue_migration", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_frozen_copy_agrees_with_the_canonical_catalogues():
    """The app's list (outreach.services.catalogues) and the migration's copy must name the same entries; a new
    standard entry goes into both, the migration's through a new migration of its own."""
    frozen = _frozen()
    for name in ("ACTIVITY_KINDS", "LOCATION_KINDS", "ITEM_KINDS", "PARTNER_KINDS", "MESSAGES"):
        assert getattr(frozen, name) == getattr(catalogues, name), name


def test_upgrade_installs_the_catalogues_and_keeps_admin_changes(empty_app):  # noqa: F811
    with empty_app.app_context():
        upgrade()
        for model, entries in (
            (ActivityKind, catalogues.ACTIVITY_KINDS),
            (LocationKind, catalogues.LOCATION_KINDS),
            (ItemKind, catalogues.ITEM_KINDS),
            (PartnerKind, catalogues.PARTNER_KINDS),
            (KamtibmasMessage, catalogues.MESSAGES),
        ):
            codes = list(db.session.scalars(select(model.code).order_by(model.sort_order)))
            assert codes == [e[0] for e in entries], model
        beras = db.session.scalar(select(ItemKind).where(ItemKind.code == "beras"))
        assert beras.measure == "kg"
        assert db.session.scalar(select(LocationKind.is_key).where(LocationKind.code == "pondok_pesantren"))

        # An admin relabels one entry, switches another off and removes a third (never used).
        sambang = db.session.scalar(select(ActivityKind).where(ActivityKind.code == "sambang"))
        sambang.label_id = "Sambang warga"
        db.session.scalar(select(ActivityKind).where(ActivityKind.code == "dds")).is_active = False
        db.session.delete(
            db.session.scalar(select(KamtibmasMessage).where(KamtibmasMessage.code == "lapor_110"))
        )
        db.session.commit()
        db.session.remove()
        downgrade(revision="0004")
        upgrade()
        assert (
            db.session.scalar(select(ActivityKind.label_id).where(ActivityKind.code == "sambang"))
            == "Sambang warga"
        )
        assert db.session.scalar(select(ActivityKind.is_active).where(ActivityKind.code == "dds")) is False
        assert db.session.scalar(
            select(func.count(KamtibmasMessage.id)).where(KamtibmasMessage.code == "lapor_110")
        )
        assert db.session.scalar(select(func.count(ActivityKind.id))) == len(catalogues.ACTIVITY_KINDS)
        db.session.remove()


def test_demo_loads_on_top_without_duplicates(empty_app):  # noqa: F811
    from outreach.services.demo import load_demo

    with empty_app.app_context():
        upgrade()
        load_demo("demo password 2024")
        db.session.commit()
        assert db.session.scalar(select(func.count(ActivityKind.id))) == len(catalogues.ACTIVITY_KINDS)
        assert db.session.scalar(select(func.count(KamtibmasMessage.id))) == len(catalogues.MESSAGES)
        assert db.session.scalar(select(func.count(Programme.id))) >= 1
        assert db.session.scalar(select(func.count(Unit.id)).where(Unit.code == "POLRES-BLORA")) == 1
        db.session.remove()
