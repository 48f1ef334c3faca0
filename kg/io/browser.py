"""Neo4j Browser favourites, generated from the query library so the two never drift apart.

Each library query becomes a file Browser users drop onto the Favorites drawer: its question, `:param`
lines with the example values, then the query.  `kg browser-favorites DIR` writes them; the repository
keeps them in cypher/browser/favorites/ (a test fails when they are out of date).
"""
from __future__ import annotations

import json
from pathlib import Path

from kg.files import write_atomic
from kg.io.query import CypherQuery, library


def favorite(query: CypherQuery) -> str:
    """The query as a Browser favourite: `:param` lines with the example values, then the query."""
    lines = [f"// {query.name}: {query.question}"]
    lines += [f"// ${name}: {help_}" for name, help_ in query.param_help.items() if help_]
    lines += [f":param {name} => {json.dumps(value, ensure_ascii=False)};" for name, value in query.params.items()]
    return "\n".join(lines) + "\n" + query.body + "\n"


def favorites() -> dict[str, str]:
    """File name → text of every favourite."""
    return {f"{query.name}.cypher": favorite(query) for query in library()}


def write_favorites(directory: Path) -> list[Path]:
    """Write every favourite into `directory`, removing favourites of queries the library no longer has."""
    directory = Path(directory)
    wanted = favorites()
    for stale in directory.glob("*.cypher"):
        if stale.name not in wanted:
            stale.unlink()
    paths = []
    for name, text in wanted.items():
        write_atomic(directory / name, [text])
        paths.append(directory / name)
    return paths
