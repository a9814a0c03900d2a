"""Two things at once on two database connections: for tests of row locks (PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from django.db import connections


def race(actions: Sequence[Callable[[], object]]) -> list[object]:
    """Run each action in its own thread (its own connection), started together; what each
    returned or raised, in order."""
    barrier = threading.Barrier(len(actions))
    outcomes: list[object] = [None] * len(actions)

    def run(index, action):
        try:
            barrier.wait(timeout=10)
            outcomes[index] = action()
        except Exception as error:  # noqa: BLE001 - the outcome under test
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(actions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
