"""Statements the two backends spell differently, built once per dialect and table.

Building an upsert (its `excluded` pseudo-table makes a proxy of every column) and
generating its cache key cost more CPU than running it: about 100 µs per statement,
half an event's budget. Built once and run with a parameter dict, the compiled form
comes straight from SQLAlchemy's cache.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection


def insert_ignoring_duplicates(conn: AsyncConnection, table: Table) -> Any:
    """INSERT … ON CONFLICT DO NOTHING on either backend: concurrent workers may race
    to create the same row, and the loser should simply read the winner's."""
    return _insert_ignoring(conn.dialect.name, table)


def upsert(conn: AsyncConnection, table: Table, keys: Sequence[str], columns: Sequence[str]) -> Any:
    """INSERT … ON CONFLICT (keys) DO UPDATE SET the other `columns`: run it with a
    dict holding every one of `columns`."""
    return _upsert(conn.dialect.name, table, tuple(keys), tuple(columns))


@cache
def _insert_ignoring(dialect: str, table: Table) -> Any:
    return _dialect(dialect).insert(table).on_conflict_do_nothing()


@cache
def _upsert(dialect: str, table: Table, keys: tuple[str, ...], columns: tuple[str, ...]) -> Any:
    stmt = _dialect(dialect).insert(table)
    return stmt.on_conflict_do_update(
        index_elements=[table.c[k] for k in keys],
        set_={c: stmt.excluded[c] for c in columns if c not in keys},
    )


def _dialect(name: str) -> Any:
    return sqlite if name == "sqlite" else postgresql
