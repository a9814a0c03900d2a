"""Deployment tests: the app as production runs it (gunicorn, PostgreSQL, WhiteNoise, Redis)."""
