"""The project's gettext catalogues outside a request: every word a document prints, in the document's language.

The builders (PDF, DOCX, press release) are pure: no Flask, no request, so they cannot use Flask-Babel's
``gettext`` (which reads the request's locale). They render the same msgids from the same compiled
catalogues (``outreach/translations/<lang>/LC_MESSAGES/messages.mo``) for the language a document names.
One translation system: the UI, the documents and the exports share the ``.po`` files (``make messages``
extracts them all).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

TRANSLATIONS = Path(__file__).resolve().parent.parent / "translations"
LANGUAGES = ("id", "en")


def language(lang: str | None) -> str:
    """ "en" or "id" (the default) — a document's language from whatever the caller passed."""
    return "en" if lang == "en" else "id"


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> NullTranslations:
    """The compiled catalogue of ``lang`` (loaded once per process; without a compiled catalogue the msgids
    themselves, i.e. English)."""
    return Translations.load(str(TRANSLATIONS), [language(lang)])


def gettext(lang: str) -> Callable[[str], str]:
    """``gettext`` for ``lang``."""
    return translations(lang).gettext


def pgettext(lang: str) -> Callable[[str, str], str]:
    """``pgettext`` (message with a context) for ``lang``."""
    catalogue = translations(lang)

    def pgettext(context: str, message: str) -> str:
        return str(catalogue.pgettext(context, message))

    return pgettext
