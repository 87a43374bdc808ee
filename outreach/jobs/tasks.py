"""The workers' tasks — export jobs (:mod:`outreach.jobs.exports`) and scheduled recaps
(:mod:`outreach.services.recap_delivery`); each runs inside an app context."""

from __future__ import annotations

from outreach.jobs import exports
from outreach.jobs.queue import periodic, task
from outreach.services import recap_delivery


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


@periodic("recaps.deliver_due", minute="*/5")
def deliver_due_recaps() -> None:
    """Every five minutes: scheduled recaps that are due are created once and sent (safe on several workers:
    one delivery per subscription and period, claimed by a conditional update)."""
    recap_delivery.deliver_due()
