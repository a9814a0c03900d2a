"""Background work: job rows (`models`), sending them to the workers (`queue`), running them
(`services`), the Celery tasks that only call those services (`tasks`), and the pages that
show a job's progress (`views`). See docs/workers.md.
"""
