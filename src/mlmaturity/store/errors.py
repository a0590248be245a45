"""A history store that cannot be used is bad input naming the store, never a traceback.

Database messages are cut to their first line and every password of the URL is replaced,
so no message carries a secret.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.exc import DBAPIError, NoSuchModuleError

from mlmaturity.dburl import DRIVERS, EXTRAS, redact
from mlmaturity.errors import InputError, Problem

if TYPE_CHECKING:
    from sqlalchemy.engine import URL


class StoreError(InputError):
    """The history store (named by path or password-free URL) cannot do what was asked."""

    def __init__(self, store: str, message: str, hint: str = "") -> None:
        super().__init__([Problem(store, message, hint=hint)])


_SQLITE = (
    ("file is not a database", "is not a SQLite database (or it is damaged)",
     "move it aside to start a new history; mlmaturity never overwrites it"),
    ("database disk image is malformed", "is damaged (database disk image is malformed)",
     "restore it from a backup, or move it aside to start a new history"),
    ("readonly database", "is read-only",
     "the store and its folder must be writable to record an assessment; or pass --no-history"),
    ("unable to open database file", "cannot be opened or created",
     "its folder must exist and be writable; or pass --no-history"),
    ("database is locked", "stayed locked by another process",
     "another mlmaturity is recording; try again"),
)  # fmt: skip


def database_error(store: str, url: URL, exc: BaseException, what: str = "") -> StoreError:
    """What went wrong, in one line a person can act on."""
    raw = url.render_as_string(hide_password=False)
    backend = url.get_backend_name()
    if isinstance(exc, NoSuchModuleError | ImportError):
        shipped = f"{backend}+{DRIVERS[backend][0]}" if backend in DRIVERS else ""
        hint = f"pip install 'mlmaturity[{EXTRAS[backend]}]'" if backend in EXTRAS else ""
        if shipped and url.drivername != shipped:
            hint = f"install it, or use {shipped} ({hint})"
        return StoreError(store, f"the database driver {url.drivername} is not installed", hint)
    original = exc.orig if isinstance(exc, DBAPIError) else exc
    first = (str(original).strip().splitlines() or [type(original).__name__])[0]
    first = redact(first, raw)
    if backend == "sqlite":
        for needle, message, hint in _SQLITE:
            if needle in first:
                return StoreError(store, message, hint)
    prefix = f"{what}: " if what else ""
    if (isinstance(exc, DBAPIError) and exc.connection_invalidated) or "connect" in first.lower():
        hint = "is the database server running, and the store URL right?"
        return StoreError(
            store, f"cannot connect: {first.removeprefix('connection failed: ')}", hint
        )
    return StoreError(store, f"{prefix}{first}")
