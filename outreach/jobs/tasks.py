"""The tasks of the export jobs (see :mod:`outreach.jobs.exports`); each runs inside an app context."""

from __future__ import annotations

from outreach.jobs import exports
from outreach.jobs.queue import periodic, task


@task(exports.RUN_TASK)
def run_export(job_id: str) -> None:
    exports.run(job_id)


@periodic("exports.reap", minute="*")
def reap_exports() -> None:
    """Every minute: jobs whose worker died are queued again or failed."""
    exports.reap()


@periodic("exports.purge", minute="7")
def purge_exports() -> None:
    """Every hour: files past their retention are deleted."""
    exports.purge()
