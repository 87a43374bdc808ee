"""The ANEV page, its downloads and the directives form."""

from __future__ import annotations

from typing import Any

from tests import factories
from tests.support.anev import seed


def test_page_downloads_and_directives(world: factories.World, login_as: Any) -> None:
    seed(world)
    assert world.programme is not None
    client = login_as("commander.a1")
    query = f"programme_id={world.programme.id}&from=2023-12-01&to=2023-12-31"
    page = client.get(f"/dashboard/anev?{query}").get_data(as_text=True)
    assert 'data-testid="anev-row-POLSEK-A1X"' in page and 'data-testid="anev-formula"' in page
    assert "Cukup" in page
    pdf = client.get(f"/dashboard/anev.pdf?{query}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-")
    xlsx = client.get(f"/dashboard/anev.xlsx?{query}")
    assert xlsx.status_code == 200 and xlsx.data.startswith(b"PK")
    r = client.post(f"/dashboard/anev/directives?{query}", data={"directive_kurang": "Evaluasi mingguan"})
    assert r.status_code == 302
    assert "Evaluasi mingguan" in client.get(f"/dashboard/anev?{query}").get_data(as_text=True)
    bad = client.get(f"/dashboard/anev?programme_id={world.programme.id}&from=2023-12-31&to=2023-12-01")
    assert bad.status_code == 422 and "is-invalid" in bad.get_data(as_text=True)
