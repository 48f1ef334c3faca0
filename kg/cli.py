"""The `kg` command line."""
from __future__ import annotations

import typer

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="Knowledge graphs of Chinese education-bureau plans and summaries.")


@app.callback()
def main() -> None:
    """Knowledge graphs of Chinese education-bureau plans and summaries."""


@app.command()
def setup() -> None:
    """Obtain the pkuseg segmentation model into the cache (once; offline afterwards)."""
    from kg.segmenter import ModelUnavailable, ensure_model

    try:
        path = ensure_model()
    except ModelUnavailable as exc:
        typer.echo(f"kg setup: {exc}", err=True)
        raise typer.Exit(1)
    typer.echo(f"pkuseg model: {path}")
