"""Issue 16: the activity PDF's photo appendix (two per row, with captions)."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from pypdf import PdfReader

from outreach.exports import pdf


def test_documentation_appendix_puts_two_captioned_photos_per_row(
    activity_report: Callable[..., pdf.ActivityReport], png_bytes: Callable[..., bytes]
) -> None:
    photos = tuple(
        pdf.Photo(image=png_bytes(c, (400, 300)), caption=f"Foto {c}")
        for c in ("red", "green", "blue", "gray")
    )
    data = pdf.render_activity_report(activity_report(photos=photos))
    reader = PdfReader(io.BytesIO(data))
    last = reader.pages[-1]
    text = " ".join((last.extract_text() or "").split())
    assert "LAMPIRAN" in text
    assert "DOKUMENTASI" in text
    for c in ("red", "green", "blue", "gray"):
        assert f"Foto {c}" in text
    # four photos fit on one page only when they stand two by two
    images: Any = last.images
    assert len(images) == 4
