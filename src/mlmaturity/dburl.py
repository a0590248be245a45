"""Database URLs a user writes (the history's ``store:``): checked, completed, shown without secrets.

SQLAlchemy URLs name a database and a driver (``postgresql+psycopg://…``). We accept the
databases the history is tested on — SQLite, PostgreSQL and MySQL/MariaDB — with the drivers
SQLAlchemy knows for them, and fill in the driver we ship when none is named.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, unquote, urlsplit, urlunsplit

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

DRIVERS: dict[str, tuple[str, ...]] = {
    "sqlite": ("pysqlite",),
    "postgresql": ("psycopg", "psycopg2"),
    "mysql": ("pymysql", "mysqldb"),
    "mariadb": ("pymysql", "mysqldb"),
}
"""The databases a history store may live in, and their drivers (the first is the default)."""
EXTRAS = {"postgresql": "postgres", "mysql": "mysql", "mariadb": "mysql"}
"""The mlmaturity extra that installs a database's default driver."""
EXAMPLE = "sqlite:///history.db, postgresql+psycopg://user@host/db or mysql+pymysql://user@host/db"
SECRET_QUERY_KEYS = ("password", "sslpassword", "passwd", "token", "access_token")


@dataclass(frozen=True)
class UrlProblem(Exception):
    """Why a URL is not one we can store history in, and what to write instead."""

    message: str
    hint: str = ""


def parse_store_url(text: str) -> URL:
    """The SQLAlchemy URL ``text`` names, with its driver filled in, or a ``UrlProblem``."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        url = make_url(text)
    except (ArgumentError, ValueError):
        raise UrlProblem("not a database URL", f"e.g. {EXAMPLE}") from None
    backend, _, driver = url.drivername.partition("+")
    if backend == "postgres":
        raise UrlProblem("unknown database 'postgres'", "write postgresql://")
    if backend not in DRIVERS:
        hint = "history is stored in sqlite, postgresql or mysql (mariadb)"
        raise UrlProblem(f"unknown database '{backend}'", hint)
    if driver and driver not in DRIVERS[backend]:
        known = ", ".join(f"{backend}+{d}" for d in DRIVERS[backend])
        raise UrlProblem(f"unknown driver '{driver}' for {backend}", f"use {known}")
    url = url.set(drivername=f"{backend}+{driver or DRIVERS[backend][0]}")
    if backend == "sqlite" and url.database in (None, "", ":memory:"):
        raise UrlProblem(
            "an in-memory SQLite database keeps no history", "name a file: sqlite:///history.db"
        )
    if backend != "sqlite" and not url.database:
        raise UrlProblem("names no database", f"add it after the host: {backend}://user@host/db")
    return url


def secrets_of(text: str) -> list[str]:
    """The passwords a URL carries (in its user part or its query), as written and decoded."""
    try:
        parts = urlsplit(text)
        found = [parts.password] if parts.password else []
        found += [v for k, v in parse_qsl(parts.query) if k.lower() in SECRET_QUERY_KEYS and v]
    except ValueError:
        # Not a URL urllib can split: everything between "//user:" and the last "@" is secret.
        head, at, _ = text.rpartition("@")
        found = [head.split("//", 1)[-1].partition(":")[2]] if at else []
    secrets = {s for s in found if s} | {unquote(s) for s in found if s}
    return sorted(secrets, key=len, reverse=True)


def redact(message: str, url: str) -> str:
    """``message`` with every password of ``url`` replaced by ``***``."""
    for secret in secrets_of(url):
        message = message.replace(secret, "***")
    return message


def display(url: str) -> str:
    """The URL as messages show it: its password (and any in its query) replaced by ``***``."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return redact(url, url)
    netloc = parts.netloc
    if password is not None:
        userinfo, _, host = netloc.rpartition("@")
        netloc = f"{userinfo.partition(':')[0]}:***@{host}"
    pairs = [pair.partition("=") for pair in parts.query.split("&")] if parts.query else []
    query = "&".join(
        f"{key}{eq}{'***' if key.lower() in SECRET_QUERY_KEYS and value else value}"
        for key, eq, value in pairs
    )
    if (netloc, query) == (parts.netloc, parts.query):
        return url
    return urlunsplit(parts._replace(netloc=netloc, query=query))
