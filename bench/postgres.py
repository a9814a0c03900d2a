"""The PostgreSQL server the runner uses if it answers: its scratch database, its trigram indexes.

Django-free: the runner creates and drops `jdbuilder_bench` from its own process through psycopg,
while the measuring itself runs in a child process set up on that database (`bench.phases`).
"""

from __future__ import annotations

import sys

import psycopg

PG_URL_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
PG_DB = "jdbuilder_bench"
PG_URL = f"postgresql://postgres@127.0.0.1:5432/{PG_DB}"

# The trigram GIN indexes role search uses on PostgreSQL (made by the roles migrations at
# migrate time: 0003 on the names and titles, 0004 on the roles' search texts instead), found by
# their definition on any catalog table, so a renamed or moved index is still found. The runner
# measures search with them, then drops them from the scratch database for a reference line.
PG_TRIGRAM_INDEXES_SQL = (
    "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
    "AND tablename LIKE 'roles\\_%' "
    "AND position('gin_trgm_ops' in indexdef) > 0 ORDER BY indexname"
)
PG_TRIGRAM_TABLES_SQL = PG_TRIGRAM_INDEXES_SQL.replace("indexname", "tablename").replace(
    "SELECT tablename", "SELECT DISTINCT tablename"
)


def pg_admin(statement: str) -> None:
    """Run `statement` on the server's `postgres` database, outside a transaction."""
    with psycopg.connect(PG_URL_ADMIN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(statement)


def postgres_available() -> bool:
    """Whether the server answers; if not, say why on stderr."""
    try:
        pg_admin("SELECT 1")
    except Exception as error:  # noqa: BLE001 - any failure means "skip PostgreSQL"
        print(f"PostgreSQL at 127.0.0.1:5432 not reachable, skipped: {error}", file=sys.stderr)
        return False
    return True


def recreate_database() -> None:
    """A new, empty `jdbuilder_bench` (any left over from an interrupted run is dropped)."""
    drop_database()
    pg_admin(f"CREATE DATABASE {PG_DB}")


def drop_database() -> None:
    """Drop `jdbuilder_bench`, closing any connection still open to it."""
    pg_admin(f"DROP DATABASE IF EXISTS {PG_DB} WITH (FORCE)")
