"""The one place where SQLite and PostgreSQL differ for intake: temporary staging tables and
bulk loading (executemany on SQLite, COPY on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection


def is_sqlite(conn: Connection) -> bool:
    return conn.dialect.name == "sqlite"


def temp_name(conn: Connection, name: str) -> str:
    """A temporary table's qualified name, for DROP."""
    return f"temp.{name}" if is_sqlite(conn) else f"pg_temp.{name}"


def temp_tail(conn: Connection) -> str:
    """What ends a CREATE TEMP TABLE: PostgreSQL drops it with the transaction (SQLite's is
    dropped by the caller; it would otherwise live as long as the pooled connection)."""
    return "" if is_sqlite(conn) else " ON COMMIT DROP"


def insert_many(conn: Connection, table: str, columns: Sequence[str],
                rows: Iterable[Sequence]) -> int:
    """Rows in bulk on the driver connection: executemany on SQLite, COPY on PostgreSQL."""
    raw = conn.connection.driver_connection
    if is_sqlite(conn):
        cur = raw.cursor()
        try:
            cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) "
                            f"VALUES ({', '.join('?' for _ in columns)})", rows)
            return max(cur.rowcount, 0)
        finally:
            cur.close()
    count = 0
    with raw.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)
            count += 1
    return count
