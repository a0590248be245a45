"""The PostgreSQL and MariaDB servers of the development and CI machines (127.0.0.1).

Tests make their own databases on them and drop them afterwards. Without a server the tests
that need it are skipped, except under CI=true, where they must run.
"""

from __future__ import annotations

import os

import pytest

BACKENDS = ("mysql", "postgresql")


def server_database(backend: str, name: str, *, create: bool = True) -> None:
    """Drop database ``name`` on the local server of ``backend``, and create it afresh."""
    if backend == "postgresql":
        import psycopg

        with psycopg.connect(
            "host=127.0.0.1 port=5432 user=postgres dbname=test", autocommit=True, connect_timeout=5
        ) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            if create:
                connection.execute(f'CREATE DATABASE "{name}"')
    else:
        import pymysql

        connection = pymysql.connect(
            host="127.0.0.1", port=3306, user="root", password="", connect_timeout=5
        )
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS `{name}`")
            if create:
                cursor.execute(f"CREATE DATABASE `{name}`")
        connection.close()


def create_or_skip(backend: str, name: str) -> None:
    """Make database ``name``; skip the test when the server is absent (never under CI=true)."""
    try:
        server_database(backend, name)
    except Exception as exc:
        if os.environ.get("CI") == "true":
            raise
        pytest.skip(f"no {backend} server on 127.0.0.1: {exc}")
