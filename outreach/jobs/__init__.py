"""Background jobs on a Huey queue (issue 17, item 3): embedded (SQLite in ``instance/``) or Redis.

:mod:`outreach.jobs.queue` builds the queue from the Flask config and registers the tasks; a task is a plain
function decorated with :func:`task` or :func:`periodic` that runs inside an app context of the worker (or,
in immediate mode, of the caller). :mod:`outreach.jobs.tasks` holds the tasks of the exports;
:mod:`outreach.jobs.exports` the export jobs themselves.
"""

from outreach.jobs.queue import enqueue, get_huey, init_app, periodic, task

__all__ = ["enqueue", "get_huey", "init_app", "periodic", "task"]
