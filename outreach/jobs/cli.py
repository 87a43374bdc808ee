"""``flask --app outreach worker``: a Huey consumer that runs the queued jobs and the periodic tasks."""

from __future__ import annotations

import logging

import click
from flask.cli import with_appcontext

from outreach.jobs.queue import get_huey


@click.command("worker")
@click.option(
    "--workers", "-w", default=1, show_default=True, type=click.IntRange(1, 64), help="Jobs run at once."
)
@click.option(
    "--worker-type",
    "-k",
    type=click.Choice(["thread", "process"]),
    default="thread",
    show_default=True,
    help="Threads share one process; processes use every core (each opens its own database connections).",
)
@click.option(
    "--no-periodic", is_flag=True, help="Leave the periodic tasks (reaper, purge) to other workers."
)
@with_appcontext
def worker_cmd(workers: int, worker_type: str, no_periodic: bool) -> None:
    """Run queued jobs (exports, reports) until stopped (SIGTERM/SIGINT: finish the running jobs and exit)."""
    from outreach.extensions import db

    huey = get_huey()
    if huey.immediate:
        raise click.ClickException("OUTREACH_JOBS_IMMEDIATE is set: jobs run in the web process, no worker.")
    huey_log = logging.getLogger("huey")
    if not huey_log.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        huey_log.addHandler(handler)
    huey_log.setLevel(logging.INFO)
    db.engine.dispose()  # no connection opened before the workers start (forked processes must not share one)
    consumer = huey.create_consumer(workers=workers, worker_type=worker_type, periodic=not no_periodic)
    consumer.run()
