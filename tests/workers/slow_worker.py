"""A Celery worker whose PDF renders are slow, for the tests that stop or kill a worker in the
middle of one: `python -m tests.workers.slow_worker worker --loglevel=INFO ...`.

Each WeasyPrint render finishes, says so (a pool process's output goes to the worker's log),
then sleeps SLOW_RENDER_SECONDS before returning its bytes. The patch is made here, in the
worker's main process before Celery forks its pool, so the product code runs unchanged.
"""

from __future__ import annotations

import os
import sys
import time

MARKER = "SLOW RENDER: rendered, now sleeping"


def make_renders_slow(seconds: float) -> None:
    import weasyprint

    write_pdf = weasyprint.Document.write_pdf

    def write_pdf_slowly(self, *args, **kwargs):
        content = write_pdf(self, *args, **kwargs)
        print(f"{MARKER} {seconds} s (pid {os.getpid()})", flush=True)
        time.sleep(seconds)
        return content

    weasyprint.Document.write_pdf = write_pdf_slowly


if __name__ == "__main__":
    make_renders_slow(float(os.environ["SLOW_RENDER_SECONDS"]))

    from jdbuilder.celery import app

    app.worker_main(sys.argv[1:])
