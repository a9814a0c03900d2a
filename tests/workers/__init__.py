"""Tests with real Celery worker processes on the local Redis and a fresh PostgreSQL database."""
