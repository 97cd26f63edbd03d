"""Writing an annotated corpus into a store, incrementally and atomically.

Parts keep their articles from one write to the next: an article stays in the part it was
first written to, articles that are gone leave their part, and new ones top up the last part
and then fill new ones of ``rows_per_part`` articles. Each part file is named after its bytes
(``layout.part_name``), so a part whose rows did not change has the same name and is not
written again; one whose rows changed — an article added, removed, re-annotated, or given new
metadata — gets a new file beside the old one. The manifest is written last, and only then are
the files it no longer lists removed: a run killed at any moment leaves the previous store
whole (the next write sweeps what the killed one left).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, is_dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from workbench import tables as contract
from workbench.store import files as F
from workbench.store import layout as L

MAX_PROBLEMS = 200  # problem lines kept in the manifest (the count is kept in full)


@dataclass
class WriteReport:
    """What one write did."""

    path: Path | str
    articles: int
    parts: int
    rewritten: int  # parts of which at least one file was written
    files_written: int
    files_removed: int
    seconds: float

    def summary(self) -> str:
        """One line: ``12 parts, 3 rewritten (18 files written, 18 removed)``."""
        return (f"{_n(self.parts, 'part')}, {self.rewritten} rewritten "
                f"({_n(self.files_written, 'file')} written, {self.files_removed} removed); "
                f"{_n(self.articles, 'article')}")


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def check_destination(dest: str | Path) -> None:
    """Raise StoreError now if ``dest`` cannot take a store (an unknown URL scheme, a file, a
    folder holding other things), before a long annotation run."""
    fs, root = F.resolve(dest)
    try:
        _previous_manifest(fs, root)
    except OSError as exc:
        raise F.write_error(F.display(fs, root), exc) from None


def write_store(ann: Any, dest: str | Path, *, rows_per_part: int = L.ROWS_PER_PART,
                stories: bool = True, raw_text: bool = False) -> Path | str:
    """Write (or update) the store at ``dest`` from ``ann`` (an ``Annotations``); returns
    ``dest`` (a Path for a local folder, else the URL). See :func:`update_store`."""
    return update_store(ann, dest, rows_per_part=rows_per_part, stories=stories,
                        raw_text=raw_text).path


def update_store(ann: Any, dest: str | Path, *, rows_per_part: int = L.ROWS_PER_PART,
                 stories: bool = True, raw_text: bool = False) -> WriteReport:
    """Write ``ann``'s tables into the store at ``dest`` (a folder or fsspec URL), rewriting
    only the parts whose rows changed. ``stories``: also store the ``stories`` table (grouped
    with the default options); ``raw_text``: keep ``articles.raw_text`` in ``texts``."""
    if rows_per_part < 1:
        raise ValueError(f"rows_per_part must be 1 or more, got {rows_per_part}")
    started = time.perf_counter()
    frames = store_tables(ann, stories=stories, raw_text=raw_text)
    check_destination(dest)  # before the lock file: a folder that is no store stays untouched
    fs, root = F.resolve(dest)
    shown = F.display(fs, root)
    with F.lock(fs, root):
        try:
            report = _write(fs, root, frames, _pipeline(ann), rows_per_part,
                            list(getattr(ann, "problems", []) or []))
        except OSError as exc:
            raise F.write_error(shown, exc) from None
    report.path = Path(root) if F.is_local(fs) else str(dest)
    report.seconds = round(time.perf_counter() - started, 3)
    return report


def store_tables(ann: Any, *, stories: bool = True, raw_text: bool = False
                 ) -> dict[str, pd.DataFrame]:
    """The frames a store holds, by table: ``articles`` without its texts, ``texts``, the
    annotation tables and (``stories``) the stories table, each conformed to the contract."""
    articles = _conform(ann.articles, "articles")
    ids = articles["article_id"]
    if ids.isna().any() or ids.duplicated().any():
        dup = ids[ids.duplicated()].dropna().unique()[:3].tolist()
        raise L.StoreError("the articles table needs one unique article_id per article "
                           f"(missing or repeated: {dup or 'missing ids'})")
    texts = ["text", *(["raw_text"] if raw_text else [])]
    out = {"articles": _plain(articles.drop(columns=list(L.TEXT_COLUMNS))),
           "texts": articles[["article_id", "title", *texts]]}
    for name in L.ANNOTATION_TABLES:
        out[name] = _plain(_conform(getattr(ann, name), name))
    if stories:
        out["stories"] = _plain(_conform(ann.stories, "stories"))
    return out


def _conform(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """``tables.conform``, skipped when the frame already is (an ``Annotations`` table is):
    casting every text column again costs more than writing the store."""
    dtypes = {c.name: c.dtype for c in contract.TABLES[table]}
    if all(c in df.columns and str(df[c].dtype) == d for c, d in dtypes.items()):
        return df[[*dtypes, *(c for c in df.columns if c not in dtypes)]]
    return contract.conform(df, table)


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with one type per column in every part: object columns holding only text (or
    nothing) as strings."""
    out = df.copy(deep=False)
    out.attrs = {}
    for col in out.columns:
        s = out[col]
        if s.dtype == object and pd.api.types.infer_dtype(s, skipna=True) in ("string",
                                                                                 "empty"):
            out[col] = s.where(s.notna(), None).astype("string")
    return out


def _pipeline(ann: Any) -> dict[str, Any]:
    info = getattr(ann, "pipeline", None)
    if info is None:
        return {}
    data = asdict(info) if is_dataclass(info) else dict(getattr(info, "__dict__", {}))
    for attr in ("label", "fingerprint"):
        if hasattr(info, attr):
            data[attr] = getattr(info, attr)
    return data


def _write(fs: Any, root: str, frames: dict[str, pd.DataFrame], pipeline: dict[str, Any],
           rows_per_part: int, problems: list[str]) -> WriteReport:
    previous = _previous_manifest(fs, root)
    existing = {name: set(F.listing(fs, f"{root}/{name}")) for name in L.TABLES}
    old_batches = _old_batches(fs, root, previous) \
        if previous and previous.get("rows_per_part") == rows_per_part else []
    batches = plan_batches(frames["articles"]["article_id"].tolist(), old_batches,
                           rows_per_part)
    old_parts = {p["number"]: p for p in (previous or {}).get("parts", [])}
    manifest = L.new_manifest(pipeline, rows_per_part)
    written = rewritten = 0
    splits = {name: _split(df, batches) for name, df in frames.items()}
    arrow = {name: _arrow(df) for name, df in frames.items()}  # converted once, then sliced
    for i, (number, ids) in enumerate(batches):
        entry: dict[str, Any] = {"number": number, "articles": len(ids),
                                 "ids_digest": L.ids_digest(ids), "files": {}}
        changed = False
        for name in frames:
            part = arrow[name].take(splits[name][i])
            data = _encode(part)
            rel = L.part_name(name, number, L.content_digest(data))
            full = f"{root}/{rel}"
            same = old_parts.get(number, {}).get("files", {}).get(name, {}).get("path") == rel
            if full not in existing[name]:  # else: unchanged, or left whole by a killed run
                F.put(fs, full, data)
                written += 1
            changed |= not same
            entry["files"][name] = {"path": rel, "rows": len(part), "bytes": len(data)}
        rewritten += changed
        manifest["parts"].append(entry)
    manifest["tables"] = {name: {"rows": int(len(df)), "columns": list(map(str, df.columns))}
                          for name, df in frames.items()}
    manifest["problems"] = problems[:MAX_PROBLEMS]
    manifest["n_problems"] = len(problems)
    manifest["written"] = pd.Timestamp.now(tz="UTC").isoformat(timespec="seconds")
    F.put(fs, f"{root}/{L.MANIFEST}", L.dump_manifest(manifest))
    removed = _sweep(fs, root, manifest, existing)
    return WriteReport(path=root, articles=len(frames["articles"]), parts=len(batches),
                       rewritten=rewritten, files_written=written, files_removed=removed,
                       seconds=0.0)


def plan_batches(ids: list[str], previous: list[tuple[int, list[str]]], rows_per_part: int
                 ) -> list[tuple[int, list[str]]]:
    """Which articles go to which part: ``previous`` parts keep theirs (less those gone), new
    articles top up the last part, then fill new parts of ``rows_per_part``."""
    present = set(ids)
    placed: set[str] = set()
    batches: list[tuple[int, list[str]]] = []
    for number, old in previous:
        kept = [a for a in old if a in present and a not in placed]
        placed.update(kept)
        if kept:
            batches.append((number, kept))
    new = [a for a in ids if a not in placed]
    if new and batches and len(batches[-1][1]) < rows_per_part:
        number, kept = batches[-1]
        room = rows_per_part - len(kept)
        batches[-1] = (number, kept + new[:room])
        new = new[room:]
    next_number = max((n for n, _ in previous), default=-1) + 1
    for start in range(0, len(new), rows_per_part):
        batches.append((next_number, new[start:start + rows_per_part]))
        next_number += 1
    return batches


def _split(df: pd.DataFrame, batches: list[tuple[int, list[str]]]) -> list[np.ndarray]:
    """Row positions of ``df`` for each batch, in the batch's article order (then the rows'
    own order), so a part's bytes depend only on its articles' rows."""
    order_ids = pd.Index([aid for _, ids in batches for aid in ids], dtype="string")
    starts = np.cumsum([0, *(len(ids) for _, ids in batches)])
    r = order_ids.get_indexer(df["article_id"])
    rows = np.flatnonzero(r >= 0)  # rows of no stored article are left out
    order = rows[np.argsort(r[rows], kind="stable")]
    bounds = np.searchsorted(r[order], starts)
    return [order[bounds[i]:bounds[i + 1]] for i in range(len(batches))]


def _arrow(df: pd.DataFrame) -> Any:
    """``df`` as an Arrow table with one schema for every part: an all-missing column is not
    typed ``null`` in a part, a category's index is always 32 bits."""
    import pyarrow as pa

    schema = pa.Schema.from_pandas(df.head(0), preserve_index=False)
    for i, field in enumerate(schema):
        if pa.types.is_dictionary(field.type):
            schema = schema.set(i, pa.field(field.name, pa.dictionary(pa.int32(),
                                                                       field.type.value_type)))
        elif pa.types.is_null(field.type):
            sample = df[field.name].dropna().head(1000)
            typ = pa.array(sample, from_pandas=True).type if len(sample) else pa.large_string()
            schema = schema.set(i, pa.field(field.name, typ))
    return pa.Table.from_pandas(df, schema=schema, preserve_index=False)


def _encode(part: Any) -> bytes:
    """A part's Parquet bytes: the same rows give the same bytes (and so the same name)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    for i, field in enumerate(part.schema):
        if pa.types.is_dictionary(field.type):  # the part's own categories, not the corpus's
            dense = part.column(i).cast(field.type.value_type).combine_chunks()
            part = part.set_column(i, field, pa.chunked_array([pc.dictionary_encode(dense)],
                                                              field.type))
    sink = pa.BufferOutputStream()
    pq.write_table(part.combine_chunks(), sink, compression="zstd")
    return sink.getvalue().to_pybytes()


def _previous_manifest(fs: Any, root: str) -> dict[str, Any] | None:
    """The store's current manifest; None for a new (or empty) destination. StoreError when
    ``root`` holds something else, which a write must not sweep away."""
    where = F.display(fs, root)
    if fs.isfile(root):
        raise L.StoreError(f"{where}: is a file, not a store folder")
    try:
        data = fs.cat_file(f"{root}/{L.MANIFEST}")
    except FileNotFoundError:
        data = None
    if data is not None:
        return L.parse_manifest(data, f"{where}/{L.MANIFEST}")
    others = [p.rstrip("/").rsplit("/", 1)[-1] for p in F.listing(fs, root)]
    foreign = [n for n in others if n not in L.TABLES and not n.startswith(".")]
    if foreign:
        raise L.StoreError(f"{where}: not a store (no {L.MANIFEST}) and not empty "
                           f"({', '.join(sorted(foreign)[:3])}…); choose a new or empty folder")
    return None


def _old_batches(fs: Any, root: str, manifest: dict[str, Any]) -> list[tuple[int, list[str]]]:
    """The previous parts' articles (their ``articles`` files' ids); an unreadable part is
    left out, so its articles are placed again as new ones."""
    import pyarrow.parquet as pq

    out = []
    for part in manifest["parts"]:
        path = part["files"].get("articles", {}).get("path")
        try:
            with fs.open(f"{root}/{path}", "rb") as fh:
                ids = pq.read_table(fh, columns=["article_id"]).column(0).to_pylist()
        except (OSError, ValueError):  # pyarrow's ArrowInvalid is a ValueError
            continue
        out.append((int(part["number"]), [str(a) for a in ids]))
    return out


def _sweep(fs: Any, root: str, manifest: dict[str, Any], existing: dict[str, set[str]]) -> int:
    """Remove what the new manifest does not list: the previous parts, and whatever a killed
    write left (temporary files, parts it never published). Returns the part files removed."""
    live = {f"{root}/{p}" for p in L.live_files(manifest)}
    gone = [p for paths in existing.values() for p in paths if p not in live]
    F.remove(fs, gone)
    F.remove(fs, [p for p in F.listing(fs, root) if p.rsplit("/", 1)[-1].startswith(".")
                  and p.endswith(".tmp")])
    return sum(1 for p in gone if p.endswith(".parquet") and "/part-" in p)
