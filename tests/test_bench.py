"""The benchmark keeps working: a tiny run end to end (no timing asserts — only that it runs and agrees)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_bench_runs_at_a_tiny_size(tmp_path):
    results, docs = tmp_path / "results.json", tmp_path / "BENCHMARKS.md"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench",
            "--n",
            "400",
            "--quick",
            "--results",
            str(results),
            "--docs",
            str(docs),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    data = json.loads(results.read_text())
    measured = data["results"]
    names = {m["name"] for m in measured}
    assert any(n.startswith("stats.summarize national") for n in names)
    assert any(n.startswith("programme PDF") for n in names)
    assert any(n.startswith("XLSX export") for n in names)
    assert any(n.startswith("API create activity") for n in names)
    for m in measured:
        assert {"name", "db", "n", "median_s", "floor", "floor_median_s", "ratio"} <= m.keys()
        assert m["n"] == 400
        assert m["db"] == "sqlite"
        assert m["median_s"] > 0
        assert m["floor_median_s"] > 0
    # The app's figures equal the straightforward normalized query's and the floor's, in every scope.
    assert all(m["extra"]["figures_equal"] for m in measured if "figures_equal" in m["extra"])
    api = next(m for m in measured if m["name"].startswith("API create"))
    assert api["extra"]["statuses"] == {"201": api["extra"]["responses_201"]}
    assert api["extra"]["rows_created"] == api["extra"]["responses_201"]
    assert "## sqlite, N = 400" in docs.read_text()
