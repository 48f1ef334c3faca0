"""Where the Neo4j server is and how to reach it: one connection for the loader, the queries and the notebooks.

Settings come from options, else the NEO4J_* variables; the password from NEO4J_PASSWORD or a prompt, never a
command-line option.  A user and password written into the URI (bolt://user:pass@host, which the driver refuses)
are taken out of it and used, so the URI kept, and named in every message, never carries the password.
`connect` verifies the connection, so a server that is down or refuses the credentials is one clear error naming
the URI before anything is read or written.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit, urlunsplit

from neo4j import Driver, GraphDatabase
from neo4j.exceptions import AuthError, DriverError, ServiceUnavailable

ENV = {"uri": "NEO4J_URI", "user": "NEO4J_USER", "password": "NEO4J_PASSWORD", "database": "NEO4J_DATABASE"}


class Neo4jUnavailable(RuntimeError):
    """The server could not be reached or refused the credentials; nothing was read or written."""


@dataclass
class Neo4jConfig:
    """Where to connect. The password is never printed (repr=False) and never taken from the command line."""

    uri: str = "bolt://localhost:7687"
    user: str = "neo4j"
    database: str | None = None  # None: the server's default (home) database
    password: str = field(default="", repr=False)

    @classmethod
    def from_env(cls, uri: str | None = None, user: str | None = None, database: str | None = None,
                 password: Callable[[], str] | None = None) -> "Neo4jConfig":
        """Options win over NEO4J_URI/NEO4J_USER/NEO4J_DATABASE; the password is NEO4J_PASSWORD, else `password()`
        (the CLI passes a hidden prompt)."""
        address, uri_user, uri_password = split_credentials(uri or os.environ.get(ENV["uri"]) or cls.uri)
        secret = uri_password if uri_password is not None else os.environ.get(ENV["password"])
        if secret is None and password is not None:
            secret = password()
        return cls(uri=address, user=user or uri_user or os.environ.get(ENV["user"]) or cls.user,
                   database=database or os.environ.get(ENV["database"]) or None, password=secret or "")


def split_credentials(uri: str) -> tuple[str, str | None, str | None]:
    """(the URI without user information, its user, its password): bolt://neo:pw@host:7687 → bolt://host:7687."""
    parts = urlsplit(uri)
    if "@" not in parts.netloc:
        return uri, None, None
    userinfo, _, host = parts.netloc.rpartition("@")
    user, colon, password = userinfo.partition(":")
    return urlunsplit(parts._replace(netloc=host)), unquote(user) or None, unquote(password) if colon else None


def connect(config: Neo4jConfig) -> Driver:
    """A driver that has reached the server, or Neo4jUnavailable naming the URI."""
    try:
        driver = GraphDatabase.driver(config.uri, auth=(config.user, config.password))
    except (DriverError, ImportError, ValueError) as exc:
        raise Neo4jUnavailable(f"{config.uri!r} is not a usable Bolt URI: {exc}") from None
    try:
        driver.verify_connectivity()
    except AuthError as exc:
        driver.close()
        raise Neo4jUnavailable(f"Neo4j at {config.uri} refused the credentials of user {config.user!r}: "
                               f"{exc.message}") from None
    except (ServiceUnavailable, DriverError, OSError, ValueError) as exc:  # ValueError: an unresolvable address
        driver.close()
        raise Neo4jUnavailable(f"Neo4j at {config.uri} is not reachable: {exc}") from None
    return driver
