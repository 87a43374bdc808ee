"""docs/API.md runs: every curl example is replayed in order against the app, so the guide cannot rot.

It is also the "external script" journey of the issue: with only an admin token, create a unit, a programme
and an activity with inline locations, change, submit and verify it, read the stats and download both PDFs.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from outreach.extensions import db
from outreach.models import UnitLevel
from tests import factories

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "API.md"


def curl_commands(text: str):
    """(variable or None, command line, JSON body or None) for each curl in the guide's sh blocks."""
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        lines = block.splitlines()
        i = 0
        while i < len(lines):
            line = lines[i]
            if "curl " in line and not line.lstrip().startswith("#"):
                var = re.match(r"(\w+)=\$\(curl", line)
                body = None
                if "<<JSON" in line:
                    end = lines.index("JSON", i + 1)
                    body = "\n".join(lines[i + 1 : end])
                    i = end
                yield (var.group(1) if var else None), line, body
            i += 1


def _expand(text: str, env: dict[str, str]) -> str:
    return re.sub(r"\$(\w+)", lambda m: env[m.group(1)], text)


def test_every_documented_example_runs(client, world, make_token):
    factories.make_unit("POLRES-BLORA", UnitLevel.POLRES, world.u("POLDA-A"), regency="Kabupaten Blora")
    db.session.commit()
    token = make_token("admin")
    env: dict[str, str] = {}
    commands = list(curl_commands(GUIDE.read_text(encoding="utf-8")))
    assert len(commands) >= 10
    ran = []
    for var, line, body in commands:
        method = (re.search(r"-X (\w+)", line) or re.match(r"()", "")).group(1) or "GET"
        url = _expand(re.search(r'"\$OUTREACH(/api/v1/[^"]*)"', line).group(1), env)
        headers = dict(re.findall(r'-H "([\w-]+): ([^"]*)"', line))
        headers["Authorization"] = f"Bearer {token}"
        data = _expand(body, env).encode() if body is not None else None
        if data is not None:
            json.loads(data)  # the documented body is valid JSON once the shell expanded it
        response = client.open(url, method=method, data=data, headers=headers)
        assert response.status_code < 300, (line, response.get_data(as_text=True)[:800])
        if " -o " in line:
            assert response.mimetype == "application/pdf"
            assert response.data.startswith(b"%PDF-")
            assert "attachment" in response.headers["Content-Disposition"]
        if var:
            env[var] = str(response.get_json()["id"])
        ran.append((method, url, response))

    activity = client.get(
        f"/api/v1/activities/{env['ACTIVITY_ID']}", headers={"Authorization": f"Bearer {token}"}
    )
    body = activity.get_json()
    assert body["status"] == "verified"
    assert body["unit_code"] == "POLSEK-CONTOH"
    assert body["totals"] == {"visits": 2, "locations": 2, "parcels": 15, "beneficiaries": 60, "messages": 2}
    assert body["summary"].startswith("Pembagian")
    stats = next(r for m, u, r in ran if u.startswith("/api/v1/stats")).get_json()
    assert stats["activities"] == 1
    assert stats["parcels"] == 15
    assert stats["locations"] == 2
    for key in ("visits", "beneficiaries", "items", "by_unit", "by_kind", "by_location_kind", "by_month"):
        assert key in stats
    # The shared filter vocabulary: the period and status example and the filtered list find the activity.
    period = [r.get_json() for m, u, r in ran if u.startswith("/api/v1/stats") and "from=" in u]
    assert [(p["activities"], p["filters"]["status"]) for p in period] == [(1, ["verified"])]
    listed = [r.get_json() for m, u, r in ran if u.startswith("/api/v1/activities?") and "kind=" in u]
    assert [[a["id"] for a in page["items"]] for page in listed] == [[int(env["ACTIVITY_ID"])]]
    report = next(r for m, u, r in ran if "/report.pdf?" in u and "status=" in u)
    assert report.data.startswith(b"%PDF-")


def test_documented_error_example_matches_the_envelope(api_as, world):
    text = GUIDE.read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(.*?)```", text, re.S).group(1))
    api = api_as("staff.a1x")
    from tests.api.conftest import activity_payload

    bad = activity_payload(world)
    bad["visits"][0]["parcels"] = "10"
    response = api.post("/api/v1/activities", bad).get_json()
    assert set(response["error"]) == set(example["error"])
    assert response["error"]["code"] == example["error"]["code"]
    assert set(response["error"]["fields"]) == set(example["error"]["fields"])  # messages follow the locale
