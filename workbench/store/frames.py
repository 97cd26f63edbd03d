"""Pure table work of the store writer: tidy tables → the store's tables, batches of
articles, and each part's Arrow table and Parquet bytes."""

from __future__ import annotations

from dataclasses import asdict, is_dataclass
from typing import Any

import numpy as np
import pandas as pd

from workbench import tables as contract
from workbench.store import layout as L


def store_tables(ann: Any, *, stories: bool = True, raw_text: bool = False
                 ) -> dict[str, pd.DataFrame]:
    """The frames a store holds, by table: ``articles`` without its texts, ``texts``, the
    annotation tables and (``stories``) the stories table, each conformed to the contract."""
    articles = conform_fast(ann.articles, "articles")
    ids = articles["article_id"]
    if ids.isna().any() or ids.duplicated().any():
        dup = ids[ids.duplicated()].dropna().unique()[:3].tolist()
        raise L.StoreError("the articles table needs one unique article_id per article "
                           f"(missing or repeated: {dup or 'missing ids'})")
    texts = ["text", *(["raw_text"] if raw_text else [])]
    out = {"articles": plain(articles.drop(columns=list(L.TEXT_COLUMNS))),
           "texts": articles[["article_id", "title", *texts]]}
    for name in L.ANNOTATION_TABLES:  # a table an older result lacks is stored empty
        df = getattr(ann, name, None)
        out[name] = plain(conform_fast(contract.empty(name) if df is None else df, name))
    if stories:
        out["stories"] = plain(conform_fast(ann.stories, "stories"))
    return out


def conform_fast(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """``tables.conform``, skipped when the frame already is (an ``Annotations`` table is):
    casting every text column again costs more than writing the store."""
    dtypes = {c.name: c.dtype for c in contract.TABLES[table]}
    if all(c in df.columns and str(df[c].dtype) == d for c, d in dtypes.items()):
        return df[[*dtypes, *(c for c in df.columns if c not in dtypes)]]
    return contract.conform(df, table)


def plain(df: pd.DataFrame) -> pd.DataFrame:
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


def pipeline_info(ann: Any) -> dict[str, Any]:
    """What annotated ``ann`` (``PipelineInfo`` fields plus label and fingerprint)."""
    info = getattr(ann, "pipeline", None)
    if info is None:
        return {}
    data = asdict(info) if is_dataclass(info) else dict(getattr(info, "__dict__", {}))
    for attr in ("label", "fingerprint"):
        if hasattr(info, attr):
            data[attr] = getattr(info, attr)
    return data


def plan_batches(ids: list[str], previous: list[tuple[int, list[str]]], rows_per_part: int
                 ) -> list[tuple[int, list[str]]]:
    """Which articles go to which part: ``previous`` parts keep theirs (less those gone; two
    neighbours both under half full are merged), new articles top up the last part, then
    fill new parts of ``rows_per_part``."""
    present = set(ids)
    placed: set[str] = set()
    batches: list[tuple[int, list[str]]] = []
    half = rows_per_part / 2
    for number, old in previous:
        kept = [a for a in old if a in present and a not in placed]
        placed.update(kept)
        if not kept:
            continue
        # Two thinned-out neighbours become one part, so no two neighbours are both under
        # half full: a corpus never holds much more than twice the parts it needs.
        last = batches[-1][1] if batches else None
        if last is not None and len(last) < half and len(kept) < half:
            last.extend(kept)
        else:
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


def split(df: pd.DataFrame, batches: list[tuple[int, list[str]]]) -> list[np.ndarray]:
    """Row positions of ``df`` for each batch, in the batch's article order (then the rows'
    own order), so a part's bytes depend only on its articles' rows."""
    order_ids = pd.Index([aid for _, ids in batches for aid in ids], dtype="string")
    starts = np.cumsum([0, *(len(ids) for _, ids in batches)])
    r = order_ids.get_indexer(df["article_id"])
    rows = np.flatnonzero(r >= 0)  # rows of no stored article are left out
    order = rows[np.argsort(r[rows], kind="stable")]
    bounds = np.searchsorted(r[order], starts)
    return [order[bounds[i]:bounds[i + 1]] for i in range(len(batches))]


def to_arrow(df: pd.DataFrame) -> Any:
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


def encode(part: Any) -> bytes:
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
