"""The `kg` command line."""
from __future__ import annotations

import os
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Annotated, NoReturn, Optional

import typer

from kg.files import write_atomic
from kg.progress import progress_bar

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Knowledge graphs of Chinese education-bureau plans and summaries.")


@app.callback()
def main() -> None:
    """Knowledge graphs of Chinese education-bureau plans and summaries."""


@app.command()
def setup() -> None:
    """Obtain the pkuseg segmentation model into the cache (once; offline afterwards)."""
    from kg.nlp.segmenter import ModelUnavailable, ensure_model

    try:
        path = ensure_model()
    except ModelUnavailable as exc:
        _fail("setup", exc)
    typer.echo(f"pkuseg model: {path}")


def _fail(command: str, message: object) -> NoReturn:
    typer.echo(f"kg {command}: {message}", err=True)
    raise typer.Exit(1)


@contextmanager
def _writing(command: str, path: Path):
    """An output that cannot be written is a one-line error naming it (what was written before stays)."""
    try:
        yield
    except OSError as exc:
        _fail(command, f"{path}: cannot write: {_why_not_written(Path(path), exc)}")


def _why_not_written(path: Path, exc: OSError) -> str:
    """The reason in words: a file where a folder of the path should be (which mkdir reports as 'File exists'),
    else the system's."""
    for folder in reversed(path.parents):
        if folder.exists() and not folder.is_dir():
            return f"{folder} is a file, not a folder"
    return exc.strerror or str(exc)


def _load_nlp(command: str, pipeline: Path | None = None, config: Path | None = None):
    """The saved pipeline (or, with `config`, an untrained one): a clear error if it cannot be had."""
    from kg.nlp.pipeline import from_config, load
    from kg.nlp.segmenter import ModelUnavailable

    try:
        return from_config(config) if config else load(pipeline)
    except (OSError, ValueError, ImportError, ModelUnavailable) as exc:
        _fail(command, exc)


def _corpus(command: str, input_path: Path):
    """The inputs (kg.ingest.read.Corpus): listed now, read one at a time later; a broken JSONL is a one-line error."""
    from kg.ingest.read import Corpus
    from kg.io.jsonl import JsonlError

    try:
        return Corpus(input_path)
    except JsonlError as exc:
        _fail(command, exc)


def _report_skipped(skipped) -> None:
    if skipped:
        typer.echo(f"skipped {len(skipped)} file(s):", err=True)
        for item in skipped:
            typer.echo(f"  {item.path}: {item.reason}", err=True)


_WORKERS = typer.Option(min=1, help="Worker processes for extraction (default: all cores, one per 8 documents at "
                                    "most); 1 extracts in this process.")
_DASK = typer.Option("--dask", envvar="KG_DASK", help="Extract on the dask.distributed cluster of this scheduler "
                                                     "(tcp://host:8786) instead; every worker needs kg and `kg setup`.")


@contextmanager
def _extraction(command: str, corpus, pipeline: Path | None, workers: int | None, dask: str | None,
                min_confidence: float = 0.0):
    """The extractor a command asked for (kg.nlp.parallel.extractor), with one-line errors: a pipeline or model
    that cannot be had, a scheduler that cannot be reached, a worker that died."""
    from concurrent.futures.process import BrokenProcessPool

    from kg.nlp.parallel import extractor, workers_for
    from kg.nlp.segmenter import ModelUnavailable

    with ExitStack() as stack:
        try:
            extract = stack.enter_context(extractor(
                lambda: _load_nlp(command, pipeline), pipeline=pipeline, workers=workers_for(len(corpus), workers),
                dask=dask, min_confidence=min_confidence))
        except ImportError as exc:
            _fail(command, f"--dask needs dask.distributed (pip install 'kg[dask]'): {exc}")
        except (OSError, ValueError, ModelUnavailable) as exc:
            _fail(command, f"Dask scheduler {dask}: {exc}" if dask else exc)
        try:
            yield extract
        except BrokenProcessPool as exc:
            _fail(command, f"an extraction worker died ({exc}); nothing was written")


@app.command()
def extract(
    input_path: Annotated[Path, typer.Argument(exists=True, help="Folder or file of documents, or a JSONL of units.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the SCHEMA JSONL.")],
    pipeline: Annotated[Optional[Path], typer.Option(help="A saved pipeline to use instead of the shipped one.")] = None,
    min_confidence: Annotated[float, typer.Option(help="Drop predictions below this confidence.")] = 0.0,
    workers: Annotated[Optional[int], _WORKERS] = None,
    dask: Annotated[Optional[str], _DASK] = None,
) -> None:
    """Extract entities, goals and relations: one SCHEMA line per paragraph, in input order, written as it comes."""
    from kg.build import stream_units
    from kg.files import atomic_text
    from kg.records import Skipped

    corpus = _corpus("extract", input_path)
    documents, paragraphs, skipped = 0, 0, []
    with _writing("extract", output), atomic_text(output) as out:  # opened first: checked before the work
        with _extraction("extract", corpus, pipeline, workers, dask, min_confidence) as run, progress_bar() as bar:
            task = bar.add_task("extracting", total=len(corpus))
            for item, count in stream_units(corpus, run, out):
                if isinstance(item, Skipped):
                    skipped.append(item)
                else:
                    documents, paragraphs = documents + 1, paragraphs + count
                bar.advance(task)
    typer.echo(f"{paragraphs} paragraphs from {documents} document(s) → {output}")
    _report_skipped(skipped)
    if skipped:
        raise typer.Exit(1)


@app.command("eval")
def eval_(
    gold: Annotated[Path, typer.Argument(help="Gold units (SCHEMA JSONL).")],
    pred: Annotated[Path, typer.Argument(help="Predicted units (SCHEMA JSONL), e.g. from `kg extract`.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    by_doc: Annotated[bool, typer.Option("--by-doc", help="Add the per-document breakdown.")] = False,
    skip_bad_lines: Annotated[bool, typer.Option(
        "--skip-bad-lines", help="Skip lines that break the schema (each one is reported) instead of stopping.")] = False,
) -> None:
    """Score predictions against gold: entities, goals (with their fields) and relations."""
    import json

    from kg.io.jsonl import JsonlError, read_units
    from kg.nlp.evaluate import EvalError, evaluate, render

    try:
        if skip_bad_lines:
            (gold_units, gold_problems), (pred_units, pred_problems) = (
                read_units(gold, strict=False), read_units(pred, strict=False))
            for problem in gold_problems + pred_problems:
                typer.echo(f"kg eval: skipped {problem}", err=True)
        else:
            gold_units, pred_units = read_units(gold), read_units(pred)
        report = evaluate(gold_units, pred_units)
    except (JsonlError, EvalError) as exc:
        _fail("eval", exc)
    if report.ignored:
        typer.echo(f"kg eval: {len(report.ignored)} predicted paragraph(s) have no gold and are ignored, "
                   f"e.g. paragraph {report.ignored[0][1]} of {report.ignored[0][0]}", err=True)
    if as_json:
        typer.echo(json.dumps(report.to_dict(by_doc=by_doc), ensure_ascii=False, indent=2))
    else:
        render(report, by_doc=by_doc)


def _neo4j_config(uri: str | None, user: str | None, database: str | None):
    """Options, else NEO4J_* variables; the password only from NEO4J_PASSWORD or a hidden prompt."""
    from kg.io.neo4j import Neo4jConfig

    return Neo4jConfig.from_env(uri, user, database,
                                password=lambda: typer.prompt("Neo4j password", hide_input=True))


_URI = typer.Option(help="Bolt URI (env NEO4J_URI, default bolt://localhost:7687).")
_USER = typer.Option(help="User (env NEO4J_USER, default neo4j). The password is read from NEO4J_PASSWORD "
                          "or prompted for.")
_DATABASE = typer.Option(help="Database (env NEO4J_DATABASE, default: the server's default).")


class _LoadFailed(Exception):
    """A load that did not happen or did not finish; the message names the URI (never the password)."""


def _load_into(command: str, graph, config, source: Path, batch_size: int = 1000) -> str:
    """Load `graph` (read from `source`) under the database's lock, so a second kg load into the same database waits
    for the first (kg.io.loader.load_lock); returns the summary line."""
    from kg.files import exclusive
    from kg.io.loader import LoadError, load_graph, load_lock
    from kg.io.neo4j import Neo4jUnavailable, connect

    def waiting(pid: int | None) -> None:
        typer.echo(f"kg {command}: waiting for another kg load into {config.uri} database "
                   f"{config.database or '(default)'} (pid {pid}) to finish", err=True)

    try:
        with exclusive(load_lock(config), wait=True, on_wait=waiting), connect(config) as driver:
            return load_graph(graph, driver, config.database, batch_size=batch_size).summary(config.uri)
    except Neo4jUnavailable as exc:
        raise _LoadFailed(exc) from None
    except LoadError as exc:
        raise _LoadFailed(f"{config.uri}: {exc}") from None
    except ValueError as exc:  # a graph the loader refuses, before any write
        raise _LoadFailed(f"{source}: {exc}") from None


ADMIN_IMPORT_ROWS = 1_000_000  # nodes + relationships past which neo4j-admin's import is the way in


@app.command(epilog=f"Past {ADMIN_IMPORT_ROWS:,} nodes and relationships, import the build's neo4j/ CSV files into "
                    "a new or stopped database instead, far faster (README: Big graphs): neo4j-admin database import "
                    "full --overwrite-destination --array-delimiter=';' --multiline-fields=true "
                    "--nodes=OUT/neo4j/nodes/LABEL.csv … --relationships=OUT/neo4j/relationships/TYPE.csv … neo4j, "
                    "then cypher-shell -d neo4j -f OUT/neo4j/schema.cypher. kg load prints the exact command for OUT.")
def load(
    graph_path: Annotated[Path, typer.Argument(exists=True, help="A build folder (kg build), or a node-link JSON.")],
    uri: Annotated[Optional[str], _URI] = None,
    user: Annotated[Optional[str], _USER] = None,
    database: Annotated[Optional[str], _DATABASE] = None,
    batch_size: Annotated[int, typer.Option(min=1, help="Rows per UNWIND transaction.")] = 1000,
) -> None:
    """Load a graph into Neo4j, replacing the facts of the documents it contains.

    A build folder is loaded only when its files match its manifest.json; a second kg load into the same database
    from this machine waits for the first.
    """
    from kg.io.export import NEO4J_DIR, SCHEMA_CYPHER, admin_import_command, read_graph
    from kg.io.manifest import ManifestError, verified_graph_file

    try:
        graph_path = verified_graph_file(graph_path)
        graph = read_graph(graph_path)
    except ManifestError as exc:
        _fail("load", exc)
    except (OSError, ValueError) as exc:
        _fail("load", f"{graph_path}: {exc}")
    rows = graph.number_of_nodes() + graph.number_of_edges()
    if rows > ADMIN_IMPORT_ROWS and (graph_path.parent / NEO4J_DIR).is_dir():
        typer.echo(f"kg load: {rows:,} nodes and relationships: into a new database, this is far faster:\n  "
                   f"{admin_import_command(graph_path.parent, database or 'neo4j')}\n  then: cypher-shell -d "
                   f"{database or 'neo4j'} -f {graph_path.parent / NEO4J_DIR / SCHEMA_CYPHER}", err=True)
    try:
        typer.echo(_load_into("load", graph, _neo4j_config(uri, user, database), graph_path, batch_size))
    except _LoadFailed as exc:
        _fail("load", exc)


@app.command()
def query(
    name: Annotated[str, typer.Argument(help="A library query by name (kg/io/queries), or a .cypher file's path.")],
    param: Annotated[list[str], typer.Option(
        "--param", "-p", help="key=value; JSON values are typed (2024 is an int, \"2024\" a string).")] = [],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, csv or json.")] = "table",
    uri: Annotated[Optional[str], _URI] = None,
    user: Annotated[Optional[str], _USER] = None,
    database: Annotated[Optional[str], _DATABASE] = None,
) -> None:
    """Run a Cypher query in a read-only transaction and print the answer.

    A query that would write or change the schema is refused before it is sent.
    """
    from kg.io.neo4j import Neo4jUnavailable, connect
    from kg.io.query import FORMATS, QueryError, check_query, find_query, format_rows, parse_param, run_query

    try:
        if fmt not in FORMATS:
            raise QueryError(f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
        cypher = find_query(name)
        params = dict(parse_param(p) for p in param)
        check_query(cypher, params)  # before connecting: nothing is sent for a query that writes
        config = _neo4j_config(uri, user, database)
        with connect(config) as driver:
            keys, rows = run_query(driver, cypher, params, config.database)
    except (QueryError, Neo4jUnavailable) as exc:
        _fail("query", exc)
    typer.echo(format_rows(keys, rows, fmt), nl=False)


@app.command()
def build(
    corpus_path: Annotated[Path, typer.Argument(exists=True, metavar="CORPUS", help="Folder or file of documents.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Folder for the graph files.")],
    pipeline: Annotated[Optional[Path], typer.Option(help="A saved pipeline instead of the shipped one.")] = None,
    neo4j_uri: Annotated[Optional[str], typer.Option(
        "--neo4j-uri", help="Also load into this Neo4j (env NEO4J_USER/NEO4J_PASSWORD/NEO4J_DATABASE).")] = None,
    workers: Annotated[Optional[int], _WORKERS] = None,
    dask: Annotated[Optional[str], _DASK] = None,
) -> None:
    """Documents → extracted facts → resolved graph → GraphML, JSON, neo4j-admin CSV, manifest (and Neo4j).

    OUT is replaced whole at the end (a failed or interrupted build leaves the previous one); a second kg build into
    the same OUT fails at once.
    """
    from rich.console import Console
    from rich.table import Table

    from kg.build import BuildError, build as run_build
    from kg.files import Busy, folder_lock

    corpus = _corpus("build", corpus_path)
    with _writing("build", output):
        try:
            with (folder_lock(output),  # taken before the pipeline loads, so a second build fails at once
                  _extraction("build", corpus, pipeline, workers, dask) as run, progress_bar() as bar):
                task = bar.add_task("extracting", total=len(corpus))
                result = run_build(corpus_path, output, run, items=corpus, on_document=lambda _: bar.advance(task))
        except Busy as exc:
            _fail("build", f"{output} is being built by another kg build (pid {exc.pid}); wait for it to finish "
                           f"or build into another folder")
        except BuildError as exc:
            _report_skipped(exc.skipped)
            _fail("build", exc)
    table = Table(title=f"kg build: {len(result.documents)} document(s), {result.paragraphs} paragraphs")
    table.add_column("nodes")
    table.add_column("count", justify="right")
    table.add_column("relationships")
    table.add_column("count", justify="right")
    counts = result.counts()
    nodes, edges = sorted(counts["nodes"].items()), sorted(counts["edges"].items())
    for i in range(max(len(nodes), len(edges))):
        n = nodes[i] if i < len(nodes) else ("", "")
        e = edges[i] if i < len(edges) else ("", "")
        table.add_row(n[0], str(n[1]), e[0], str(e[1]))
    Console().print(table)
    typer.echo(f"written to {output}: " + ", ".join(sorted({name.split("/")[0] for name in result.files})))
    failed = bool(result.skipped)
    if neo4j_uri:
        try:
            typer.echo(_load_into("build", result.graph, _neo4j_config(neo4j_uri, None, None), output))
        except _LoadFailed as exc:
            typer.echo(f"kg build: the graph files are written, but loading failed: {exc}", err=True)
            failed = True
    _report_skipped(result.skipped)
    if failed:
        raise typer.Exit(1)


@app.command("track-eval")
def track_eval(
    gold_dir: Annotated[Path, typer.Argument(exists=True, file_okay=False,
                                             help="A folder of plan and summary documents with their gold.jsonl.")],
    pipeline: Annotated[Optional[Path], typer.Option(help="A saved pipeline instead of the shipped one.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Extract, build and link the gold folder's documents; score the plan → result links against its gold."""
    import json

    from kg.graph.build import build_graph
    from kg.graph.tracking_eval import (GOLD_FILE, TrackingGoldError, evaluate_tracking, read_tracking_gold,
                                        render_tracking)
    from kg.ingest.read import read_path
    from kg.nlp.extract import extract_units

    try:
        gold = read_tracking_gold(gold_dir / GOLD_FILE)
    except (OSError, TrackingGoldError) as exc:
        _fail("track-eval", exc)
    documents, skipped = read_path(gold_dir)
    nlp = _load_nlp("track-eval", pipeline)
    units = list(extract_units(nlp, documents))
    try:
        report = evaluate_tracking(documents, units, build_graph(documents, units), gold)
    except TrackingGoldError as exc:
        _fail("track-eval", exc)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        render_tracking(report)
    _report_skipped(skipped)
    if skipped:
        raise typer.Exit(1)


DEFAULT_GOLD = Path(__file__).resolve().parents[1].parent / "shared" / "annotations"


def _gold_sources(paths: list[Path]) -> dict[str, list]:
    """Units of every gold file given, a folder standing for every *.gold.jsonl in it."""
    from kg.io.jsonl import read_units

    files = [f for p in paths for f in (sorted(p.glob("*.gold.jsonl")) if p.is_dir() else [p])]
    if not files:
        raise ValueError(f"no *.gold.jsonl in {', '.join(map(str, paths))}")
    return {f.name: read_units(f) for f in files}


@app.command()
def train(
    gold: Annotated[Optional[list[Path]], typer.Argument(
        help="Gold SCHEMA JSONL files, or folders of *.gold.jsonl (default: ../shared/annotations).")] = None,
    output: Annotated[Optional[Path], typer.Option(
        "-o", "--output", help="Where to save the trained pipeline (default: the shipped one, kg/nlp/trained).")] = None,
    config: Annotated[Optional[Path], typer.Option(help="Pipeline config (default: the package's kg/nlp/kg.cfg).")] = None,
    cv: Annotated[int, typer.Option(
        "--cv", help="Grouped K-fold cross-validation report instead of saving (0: train and save).")] = 0,
    curve: Annotated[bool, typer.Option(
        help="With --cv: also a learning curve (25/50/75/100% of the training documents).")] = False,
    report: Annotated[Optional[Path], typer.Option(help="With --cv: also write the report as JSON here.")] = None,
    seed: Annotated[int, typer.Option(help="Random seed of the folds.")] = 0,
    seeds: Annotated[int, typer.Option(
        help="With --cv: also deal the folds with the next seeds, this many in all, and show the learned "
             "pipeline's figures at each, their mean and spread (a change smaller than the spread is noise).")] = 1,
) -> None:
    """Fit the learned components on all the gold; --cv K measures them on documents they never saw."""
    import json

    from rich.console import Console

    from kg.io.jsonl import JsonlError
    from kg.nlp.evaluate import render_cross_validation
    from kg.nlp.pipeline import CONFIG, SHIPPED_PIPELINE, save
    from kg.nlp.train import LEARNING_CURVE, GoldError, cross_validate, fit, gold_documents

    try:
        sources = _gold_sources(gold or [DEFAULT_GOLD])
    except (JsonlError, ValueError, OSError) as exc:
        _fail("train", exc)
    target = report if cv else output or SHIPPED_PIPELINE
    if target is not None and not _can_write(target):
        _fail("train", f"{target}: cannot write there")  # found out before the long run
    nlp = _load_nlp("train", config=config or CONFIG)
    try:
        golds = gold_documents(nlp, sources)
    except GoldError as exc:
        _fail("train", exc)
    if not golds:
        _fail("train", f"no gold paragraphs in {', '.join(sources)}")
    if not cv:
        fit(nlp, golds)
        with _writing("train", target):
            save(nlp, target)
        typer.echo(f"trained on {len(golds)} documents of {', '.join(sources)} → {target}")
        return
    if cv < 2 or cv > len(golds):
        _fail("train", f"--cv needs 2 to {len(golds)} folds (one document at least in each), got {cv}")
    if seeds < 1:
        _fail("train", f"--seeds needs 1 or more, got {seeds}")
    steps = cv * (seeds + (len(LEARNING_CURVE) - 1 if curve else 0))
    with progress_bar() as bar:
        task = bar.add_task("cross-validation", total=steps)
        result = cross_validate(nlp, golds, cv, seed=seed, seeds=seeds, curve=LEARNING_CURVE if curve else (),
                                on_step=lambda what: bar.update(task, advance=1, description=what))
    render_cross_validation(result, Console())
    if report:
        with _writing("train", report):
            write_atomic(report, [json.dumps(result.to_dict(), ensure_ascii=False, indent=1)])


def _can_write(path: Path) -> bool:
    """Whether `path` (a file or folder to create or replace) can be written: its nearest existing
    folder is writable."""
    folder = path.parent
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return os.access(folder, os.W_OK) and not (path.exists() and not os.access(path, os.W_OK))


@app.command("browser-favorites")
def browser_favorites(
    output: Annotated[Path, typer.Argument(help="Folder for the favourites (the repository keeps them in "
                                                "cypher/browser/favorites).")],
) -> None:
    """Write the query library as Neo4j Browser favourites: `:param` lines with example values, then the query."""
    from kg.io.browser import write_favorites

    with _writing("browser-favorites", output):
        paths = write_favorites(output)
    typer.echo(f"{len(paths)} favourites → {output}")


@app.command()
def review(
    predictions: Annotated[Path, typer.Argument(help="Predictions with confidences (SCHEMA JSONL from `kg extract`).")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Where to write the paragraphs to review.")],
    limit: Annotated[int, typer.Option(min=1, help="How many paragraphs to write.")] = 50,
    fmt: Annotated[str, typer.Option("--format", "-f", help="schema, doccano or label-studio.")] = "schema",
) -> None:
    r"""Write the paragraphs with the least confident predictions, least confident first, for correction.

    schema (default): the SCHEMA lines as predicted, every prediction with its confidence.

    Corrected schema lines are gold for `kg train`, which needs EVERY line of each document it trains on.

    So put them in place of their originals in the complete file of their documents (kg extract's output).

    The other lines matter: headings and metadata lines give each paragraph its year, status and region.

    doccano: JSONL {"text", "label": \[\[start, end, LABEL], ...], "doc", "para"}; entities and goals, no relations.

    label-studio: a JSON list of tasks with scored predictions (Labels "label" on Text "text", and Relations).
    """
    from kg.io.jsonl import JsonlError, read_units
    from kg.io.review import FORMATS, least_confident, write_review

    if fmt not in FORMATS:
        _fail("review", f"unknown format {fmt!r} (one of {', '.join(FORMATS)})")
    try:
        units = read_units(predictions)
    except JsonlError as exc:
        _fail("review", exc)
    with _writing("review", output):
        count = write_review(least_confident(units, limit), output, fmt)
    typer.echo(f"{count} of {len(units)} paragraphs, least confident first → {output}")
