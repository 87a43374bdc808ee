"""Orphan photo files (a crash between writing the file and committing its row) are swept, nothing else."""

import os
import time

from outreach.extensions import db
from outreach.models import Photo
from tests import factories


def test_sweep_deletes_only_old_unreferenced_files(app, world, runner, tmp_path):
    folder = tmp_path / "uploads"
    folder.mkdir(exist_ok=True)
    app.config["OUTREACH_UPLOAD_DIR"] = str(folder)
    activity = factories.make_activity(
        world.users["staff.a1x"], world.programme, world.u("POLSEK-A1X"), [world.locations["POLSEK-A1X"]]
    )
    db.session.add(
        Photo(
            activity=activity,
            stored_name="a" * 32 + ".jpg",
            content_type="image/jpeg",
            width=1,
            height=1,
            size_bytes=3,
            created_by_id=activity.created_by_id,
        )
    )
    db.session.commit()
    old = time.time() - 7200
    files = {
        "kept": folder / ("a" * 32 + ".jpg"),
        "kept_thumb": folder / ("a" * 32 + ".thumb.jpg"),
        "orphan": folder / ("b" * 32 + ".png"),
        "orphan_thumb": folder / ("b" * 32 + ".thumb.jpg"),
        "young_orphan": folder / ("c" * 32 + ".jpg"),
    }
    for name, path in files.items():
        path.write_bytes(b"xyz")
        if name != "young_orphan":
            os.utime(path, (old, old))
    dry = runner.invoke(args=["photos", "sweep", "--dry-run"])
    assert "2 orphan file(s) found" in dry.output and files["orphan"].exists()
    result = runner.invoke(args=["photos", "sweep"])
    assert result.exit_code == 0, result.output
    assert "2 orphan file(s) deleted" in result.output
    assert files["kept"].exists() and files["kept_thumb"].exists() and files["young_orphan"].exists()
    assert not files["orphan"].exists() and not files["orphan_thumb"].exists()
