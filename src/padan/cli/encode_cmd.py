"""``padan encode kpai|dtsen FILE --out FILE.parquet``: PPRL encodings made at the agency."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from padan.cli.common import JsonOption, err, out, progress_bar, tr, translate_errors
from padan.pprl import EncodeSummary, encode_file, load_schema, read_secret
from padan.pprl.secret import secret_file_warning

__all__ = ["PersonSource", "encode", "render_encode_summary"]


class PersonSource(StrEnum):
    kpai = "kpai"
    dtsen = "dtsen"


def encode(
    source: Annotated[PersonSource, typer.Argument(help="Which extract: kpai or dtsen.")],
    file: Annotated[Path, typer.Argument(help="CSV, XLSX, Parquet or JSON lines file.")],
    output: Annotated[Path, typer.Option("--out", help="The encoding file to write (*.parquet).")],
    secret_file: Annotated[
        Path | None,
        typer.Option("--secret-file", help="File holding the secret the agencies share."),
    ] = None,
    secret_env: Annotated[
        str | None,
        typer.Option(
            "--secret-env",
            metavar="NAME",
            help="Name of the environment variable holding the shared secret.",
        ),
    ] = None,
    schema: Annotated[
        Path | None,
        typer.Option(
            "--schema", help="Encoding schema (TOML) both agencies use. Default: Padan's."
        ),
    ] = None,
    mapping: Annotated[
        Path | None,
        typer.Option("--mapping", help="TOML file mapping other headers to the format."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Encode an extract with the shared secret: only the encodings leave the agency."""
    with translate_errors():
        secret = read_secret(file=secret_file, env=secret_env)
        warning = secret_file_warning(secret_file) if secret_file is not None else None
        if warning:  # told, not refused: the operator may be the file's only user anyway
            err.print(tr("Warning: %(warning)s", warning=warning), style="yellow", markup=False)
        checked = load_schema(schema)
        with progress_bar(tr("Encode %(file)s", file=file.name)) as progress:
            summary = encode_file(
                file,
                source=source.value,
                schema=checked,
                secret=secret,
                output=output,
                mapping=mapping,
                progress=progress,
            )
    if as_json:
        out.print_json(
            json.dumps(
                {
                    "source": summary.source,
                    "file": str(summary.path),
                    "output": str(summary.output),
                    "schema_sha256": summary.schema_sha256,
                    "read": summary.read,
                    "encoded": summary.encoded,
                    "quarantined": summary.quarantined,
                    "reasons": dict(sorted(summary.reasons.items())),
                    "missing": dict(sorted(summary.missing.items())),
                }
            )
        )
    else:
        render_encode_summary(summary)


def render_encode_summary(summary: EncodeSummary) -> None:
    """Counts of rows read, encoded and left out, fields missing, and the schema's hash."""
    out.print(f"\n[bold]{summary.path} → {summary.output} ({summary.source})[/]")
    table = Table(show_header=True)
    table.add_column(tr("rows"))
    table.add_column(tr("count"), justify="right")
    table.add_row(tr("read"), f"{summary.read:,}")
    table.add_row(tr("encoded"), f"[green]{summary.encoded:,}[/]")
    table.add_row(
        tr("quarantined"), f"[red]{summary.quarantined:,}[/]" if summary.quarantined else "0"
    )
    for name, count in sorted(summary.missing.items()):
        table.add_row(tr("field missing: %(field)s", field=name), f"{count:,}")
    for reason, count in summary.reasons.most_common():
        table.add_row(tr("not encoded: %(reason)s", reason=reason), f"{count:,}")
    out.print(table)
    out.print(tr("Schema SHA-256: %(sha)s", sha=summary.schema_sha256))
    out.print(tr("Send only the encoding file; the secret stays with the agencies."))
