"""A corpus folder's optional sidecars: `metadata.csv` (per-file facts that override inference)
and `sources.csv` (the researcher's own outlet classification, joined onto articles)."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from workbench.read.decode import DecodeError, decode_bytes
from workbench.read.records import parse_date_value, problem

METADATA_NAME = "metadata.csv"
SOURCES_NAME = "sources.csv"
METADATA_FIELDS = ("outlet", "published", "title", "url", "author")


MAX_SIDECAR_MB = 64


def read_csv_table(path: Path, problems: list[str] | None = None) -> pd.DataFrame:
    """A small CSV as strings, whatever its encoding; raises ValueError with the reason.

    A malformed row (more fields than the header) is skipped and named in ``problems``; the
    good rows are kept.
    """
    import io

    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_SIDECAR_MB * 1024 * 1024 + 1)
        if len(data) > MAX_SIDECAR_MB * 1024 * 1024:
            raise ValueError(f"over {MAX_SIDECAR_MB} MB; not a sidecar table")
        text, _ = decode_bytes(data.replace(b"\x00", b""))
    except (OSError, DecodeError) as exc:
        raise ValueError(f"cannot read: {exc}") from None
    bad: list[list[str]] = []
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False,
                         skipinitialspace=True, engine="python", index_col=False,
                         on_bad_lines=lambda fields: bad.append(fields) and None)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as exc:
        raise ValueError(f"not a readable CSV ({' '.join(str(exc).split())})") from None
    if bad and problems is not None:
        first = ", ".join(bad[0][:3])[:80]
        problems.append(problem(path, f"{len(bad)} malformed row{'s' if len(bad) > 1 else ''} "
                                f"(more fields than the header, e.g. '{first}') skipped; the "
                                "other rows are used"))
    df.columns = [str(c).strip().lower() for c in df.columns]
    return df.map(lambda v: v.strip() if isinstance(v, str) else v)


def read_metadata(path: Path, problems: list[str]) -> dict[str, dict[str, object]]:
    """`metadata.csv` as {relative file path: {field: value}}; bad rows become problems.

    `file` is relative to the sidecar's folder. Columns other than the known fields are kept as
    extra article columns (e.g. a researcher's `notes`).
    """
    try:
        df = read_csv_table(path, problems)
    except ValueError as exc:
        problems.append(problem(path, f"{exc}; sidecar ignored"))
        return {}
    if "file" not in df.columns:
        problems.append(problem(path, "has no `file` column naming the article files; ignored"))
        return {}
    out: dict[str, dict[str, object]] = {}
    for i, row in df.iterrows():
        name = row["file"]
        if not name:
            continue
        values: dict[str, object] = {k: v for k, v in row.items() if k != "file" and v != ""}
        if "published" in values:
            try:
                values["published"] = parse_date_value(values["published"])
            except ValueError as exc:
                problems.append(problem(f"{path}:{i + 2}", f"published {exc}; not used"))
                del values["published"]
        out[Path(name).as_posix()] = values
    return out


def read_sources(path: Path, problems: list[str]) -> pd.DataFrame | None:
    """`sources.csv` (`outlet, country, group, …`): one row per outlet; None when unusable."""
    try:
        df = read_csv_table(path, problems)
    except ValueError as exc:
        problems.append(problem(path, f"{exc}; outlet classification not joined"))
        return None
    if "outlet" not in df.columns:
        problems.append(problem(path, "has no `outlet` column; outlet classification not joined"))
        return None
    dupes = df["outlet"][df["outlet"].str.casefold().duplicated()]
    if len(dupes):
        problems.append(problem(path, f"outlet listed twice: {', '.join(sorted(set(dupes)))}; "
                                "the first row is used"))
        df = df[~df["outlet"].str.casefold().duplicated()]
    return df.reset_index(drop=True)
