"""Long jobs (imports and match runs of big lists) in a thread of the web process.

The thread gets its own database connection and closes it when done; progress and the
outcome are written to the job's row, which the page polls by refreshing itself. A job that
dies with the process stays "running"; docs/lists.md says how to restart it.
"""

import logging
import threading
from collections.abc import Callable

from django.db import close_old_connections, connection

log = logging.getLogger(__name__)


def start(name: str, job: Callable[[], object]) -> threading.Thread:
    """Run job() in a daemon thread; objects it needs must be loaded inside it by id."""

    def run() -> None:
        close_old_connections()
        try:
            job()
        except Exception:
            log.exception("background job %s failed", name)
        finally:
            connection.close()

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    return thread
