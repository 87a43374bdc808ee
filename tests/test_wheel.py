"""A wheel built from pyproject.toml carries templates, static assets, catalogues and migrations, and works
when installed outside the checkout."""

import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow


def test_wheel_installs_and_serves_outside_the_checkout(tmp_path):
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("outreach-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    assert "outreach/templates/base.html" in names
    assert "outreach/static/css/app.css" in names
    assert "outreach/static/vendor/chart.umd.min.js" in names
    assert "outreach/migrations/versions/0001_initial_schema.py" in names
    assert any(n.endswith("id/LC_MESSAGES/messages.mo") for n in names)

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    uv = Path(sys.executable).parent / "uv"
    subprocess.run(
        [str(uv), "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), str(wheel)],
        check=True,
        capture_output=True,
    )
    script = textwrap.dedent(
        """
        import outreach, sys
        assert "site-packages" in outreach.__file__, outreach.__file__
        from flask_migrate import upgrade
        app = outreach.create_app({"TESTING": True})
        with app.app_context():
            upgrade()
        client = app.test_client()
        page = client.get("/login", headers={"Accept-Language": "id"})
        assert page.status_code == 200, page.status_code
        assert "Outreach" in page.get_data(as_text=True)
        assert client.get("/static/vendor/chart.umd.min.js").status_code == 200
        print("ok")
        """
    )
    env = {**os.environ, "OUTREACH_INSTANCE_PATH": str(tmp_path / "inst")}
    env.pop("OUTREACH_DATABASE_URL", None)
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.strip().endswith("ok")
