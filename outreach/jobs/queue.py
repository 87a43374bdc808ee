"""The Huey queue made from the Flask config, and the registry of tasks that run inside an app context.

Which storage:

- ``OUTREACH_JOBS_IMMEDIATE`` (tests): every task runs at once in the caller's thread (Huey's immediate mode,
  in memory), no worker needed;
- ``OUTREACH_REDIS_URL`` set: :class:`huey.RedisHuey` — any number of workers on any number of machines;
- otherwise: :class:`huey.SqliteHuey` in ``instance/jobs.db`` (``OUTREACH_JOBS_DB``): one box, no server.

Tasks are declared once, at import, with :func:`task` / :func:`periodic`; :func:`init_app` imports the
modules of :data:`TASK_MODULES` and registers every declared task on the app's Huey, wrapped so that it runs
in a fresh app context (its own database session, removed afterwards). Enqueue with :func:`enqueue` by name:
the web process and the workers build the same queue from the same config, so the names match.
"""

from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import Flask, current_app
from huey import MemoryHuey, RedisHuey, SqliteHuey, crontab
from huey.api import Huey, TaskWrapper

log = logging.getLogger(__name__)

#: Modules whose import declares tasks (the recaps' periodic task adds its module here).
TASK_MODULES: list[str] = ["outreach.jobs.tasks"]
EXTENSION = "outreach_jobs"


@dataclass(frozen=True)
class TaskSpec:
    name: str
    fn: Callable[..., Any]
    #: ``crontab`` keyword arguments for a periodic task; None for a task run on demand
    schedule: dict[str, str] | None = None
    retries: int = 0
    retry_delay: int = 0


#: Every declared task by name (declared at import, registered on each app's queue by :func:`init_app`).
SPECS: dict[str, TaskSpec] = {}


def task(
    name: str, *, retries: int = 0, retry_delay: int = 0
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare ``fn`` as the task ``name`` (enqueued with :func:`enqueue`); it runs inside an app context."""

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        SPECS[name] = TaskSpec(name, fn, retries=retries, retry_delay=retry_delay)
        return fn

    return decorator


def periodic(name: str, **schedule: str) -> Callable[[Callable[[], Any]], Callable[[], Any]]:
    """Declare ``fn`` (no arguments) as a periodic task run by the workers on ``crontab(**schedule)`` (e.g.
    ``minute="*/5"``); it runs inside an app context. Every worker runs the schedule (unless started with
    ``--no-periodic``), so a periodic task must be harmless when two run at once."""

    def decorator(fn: Callable[[], Any]) -> Callable[[], Any]:
        SPECS[name] = TaskSpec(name, fn, schedule=dict(schedule))
        return fn

    return decorator


@dataclass
class Queue:
    huey: Huey
    tasks: dict[str, TaskWrapper] = field(default_factory=dict)


def make_huey(config: Any, instance_path: str) -> Huey:
    """The Huey instance the config asks for (see the module docstring)."""
    name = config.get("OUTREACH_JOBS_NAME") or "outreach"
    if config.get("OUTREACH_JOBS_IMMEDIATE"):
        return MemoryHuey(name, immediate=True)
    redis_url = config.get("OUTREACH_REDIS_URL")
    if redis_url:
        return RedisHuey(name, url=redis_url)
    path = config.get("OUTREACH_JOBS_DB") or str(Path(instance_path) / "jobs.db")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(name, filename=path)


def _in_app_context(app: Flask, fn: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        from outreach.extensions import db

        with app.app_context():
            try:
                return fn(*args, **kwargs)
            finally:
                db.session.remove()

    run.__name__ = fn.__name__
    run.__qualname__ = fn.__qualname__
    run.__doc__ = fn.__doc__
    return run


def init_app(app: Flask) -> Queue:
    """Build the app's queue and register every declared task on it (``app.extensions["outreach_jobs"]``)."""
    for module in TASK_MODULES:
        importlib.import_module(module)
    huey = make_huey(app.config, app.instance_path)
    queue = Queue(huey)
    for spec in SPECS.values():
        wrapped = _in_app_context(app, spec.fn)
        if spec.schedule is not None:
            queue.tasks[spec.name] = huey.periodic_task(crontab(**spec.schedule), name=spec.name)(wrapped)
        else:
            queue.tasks[spec.name] = huey.task(
                name=spec.name, retries=spec.retries, retry_delay=spec.retry_delay
            )(wrapped)
    app.extensions[EXTENSION] = queue
    if not huey.immediate:
        from outreach.ops import health

        health.register_check(app, "queue", lambda: _reachable(huey))
    return queue


def _reachable(huey: Huey) -> str | None:
    """The ``/readyz`` check: the queue's storage answers (Redis, or the SQLite file)."""
    try:
        huey.pending_count()
    except Exception:
        log.warning("readyz: the job queue does not answer", exc_info=True)
        return "unreachable"
    return None


def get_huey(app: Flask | None = None) -> Huey:
    return _queue(app).huey


def _queue(app: Flask | None) -> Queue:
    return (app or current_app).extensions[EXTENSION]  # type: ignore[no-any-return]


def enqueue(name: str, *args: Any, app: Flask | None = None) -> None:
    """Put the task ``name`` on the queue (immediate mode: run it now, in a fresh app context)."""
    _queue(app).tasks[name](*args)
