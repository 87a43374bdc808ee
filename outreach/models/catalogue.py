"""Reference catalogues: stable snake_case codes with Indonesian and English labels, extensible by an admin."""

from __future__ import annotations

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from outreach.models.base import Base


class CatalogueMixin:
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    label_id: Mapped[str] = mapped_column(String(200))
    label_en: Mapped[str] = mapped_column(String(200))
    sort_order: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)

    @declared_attr.directive
    @classmethod
    def __table_args__(cls) -> tuple[CheckConstraint, ...]:
        return (CheckConstraint("code <> ''", name="code_not_empty"),)

    def label(self, locale: str | None) -> str:
        """The label in ``locale`` ("en" or anything else, which means Indonesian)."""
        return self.label_en if locale == "en" else self.label_id

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.code}>"


class ActivityKind(CatalogueMixin, Base):
    __tablename__ = "activity_kinds"


class LocationKind(CatalogueMixin, Base):
    __tablename__ = "location_kinds"
    #: Key kinds are the ones the dashboard's gap list looks for (ponpes, panti asuhan, worship, schools).
    is_key: Mapped[bool] = mapped_column(default=False)


class ItemKind(CatalogueMixin, Base):
    __tablename__ = "item_kinds"
    #: Unit of measure shown beside quantities ("paket", "kg", "lembar", "Rp").
    measure: Mapped[str] = mapped_column(String(20), default="")


class PartnerKind(CatalogueMixin, Base):
    __tablename__ = "partner_kinds"


class KamtibmasMessage(CatalogueMixin, Base):
    """An imbauan kamtibmas from the catalogue; ``label_id`` is the message as delivered."""

    __tablename__ = "kamtibmas_messages"
    #: The message as prose for a press release, the clause after "mengimbau warga agar …"
    #: ("tidak mudah percaya hoaks atau berita bohong"); empty: the release falls back to the label.
    appeal_id: Mapped[str] = mapped_column(String(300), default="", server_default="")
    #: The same in English, after "urged residents to …" ("not believe hoaxes or false news").
    appeal_en: Mapped[str] = mapped_column(String(300), default="", server_default="")

    def appeal(self, locale: str | None) -> str:
        """The appeal clause in ``locale`` ("en" or Indonesian)."""
        return self.appeal_en if locale == "en" else self.appeal_id
