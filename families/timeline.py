"""Other apps add entries to a family's timeline by registering a function here, since the dependency rule
forbids this app from importing them. A source is `source(user, family) -> list[TimelineEntry]` and must make
a constant number of queries."""

from __future__ import annotations

from collections.abc import Callable

SOURCES: list[Callable] = []


def register(source: Callable) -> None:
    if source not in SOURCES:
        SOURCES.append(source)
