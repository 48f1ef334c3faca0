"""The manifest of a build folder: what went in, what came out, and a checksum of every file.

`kg build` writes `manifest.json` last, into the folder it is about to swap in (kg.files.replacing_folder);
`kg load` checks it before reading the graph, so a folder that was changed, truncated or half-copied after the
build is refused by name instead of being loaded as if it were the build.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from kg.files import write_atomic
from kg.io.export import graph_file
from kg.records import Skipped

MANIFEST = "manifest.json"


class ManifestError(ValueError):
    """A build folder that does not match its manifest (or has none); the message names the folder and file."""


@dataclass(frozen=True)
class Input:
    doc: str
    path: str
    paragraphs: int


@dataclass(frozen=True)
class FileSum:
    sha256: str
    bytes: int


@dataclass
class Manifest:
    kg_version: str
    corpus: str
    inputs: list[Input]
    skipped: list[Skipped]
    counts: dict  # documents, paragraphs, nodes {label: n}, relationships {type: n}
    files: dict[str, FileSum] = field(default_factory=dict)  # path relative to the folder, "/"-separated

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, obj: dict) -> "Manifest":
        return cls(obj["kg_version"], obj["corpus"], [Input(**i) for i in obj["inputs"]],
                   [Skipped(**s) for s in obj["skipped"]], obj["counts"],
                   {path: FileSum(**entry) for path, entry in obj["files"].items()})


def kg_version() -> str:
    try:
        return version("kg")
    except PackageNotFoundError:  # run from a checkout that is not installed
        return "unknown"


def _checksum(path: Path) -> FileSum:
    with path.open("rb") as handle:
        return FileSum(hashlib.file_digest(handle, "sha256").hexdigest(), path.stat().st_size)


def write_manifest(folder: Path, manifest: Manifest) -> Path:
    """Checksum every file already in `folder` into `manifest.files` and write it as the folder's last file."""
    folder = Path(folder)
    manifest.files = {p.relative_to(folder).as_posix(): _checksum(p)
                      for p in sorted(folder.rglob("*")) if p.is_file() and p.name != MANIFEST}
    write_atomic(folder / MANIFEST, [json.dumps(manifest.to_json(), ensure_ascii=False, indent=1) + "\n"])
    return folder / MANIFEST


def check_manifest(folder: Path) -> Manifest:
    """The folder's manifest, once every file it lists is present with its checksum; ManifestError otherwise."""
    folder = Path(folder)
    path = folder / MANIFEST
    if not path.is_file():
        raise ManifestError(f"{folder}: no {MANIFEST}, so not a complete kg build (kg build writes it last); "
                            f"rebuild it, or load its graph.json by name")
    try:
        manifest = Manifest.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ManifestError(f"{path}: not a kg manifest ({exc})") from None
    for name, expected in manifest.files.items():
        file = folder / name
        if not file.is_file():
            raise ManifestError(f"{folder}: {name} is missing (the manifest lists it)")
        if _checksum(file) != expected:
            raise ManifestError(f"{folder}: {name} does not match its manifest (changed after kg build wrote it); "
                                f"rebuild the folder")
    return manifest


def verified_graph_file(path: Path) -> Path:
    """The graph.json to load from `path`: a build folder once its manifest checks out (ManifestError otherwise),
    or a graph file as it is unless it sits in a build folder, whose manifest is then checked too."""
    path = Path(path)
    folder = path if path.is_dir() else path.parent
    if path.is_dir() or (folder / MANIFEST).is_file():
        check_manifest(folder)
    return graph_file(path)
