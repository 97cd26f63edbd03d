"""Writing an annotated corpus into a store, incrementally and atomically.

Parts keep their articles from one write to the next: an article stays in the part it was
first written to, articles that are gone leave their part, and new ones top up the last part
and then fill new ones of ``rows_per_part`` articles (``frames.plan_batches``). A part whose
rows did not change keeps its files; one whose rows changed — an article added, removed,
re-annotated, or given new metadata — gets new ones, published with the manifest
(``writer.StoreWriter``): a run killed at any moment leaves the previous store whole.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workbench.store import frames as T
from workbench.store import layout as L
from workbench.store.writer import StoreWriter, WriteReport, check_destination

__all__ = ["StoreWriter", "WriteReport", "check_destination", "update_store", "write_store"]


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
    frames = T.store_tables(ann, stories=stories, raw_text=raw_text)
    writer = StoreWriter(dest, pipeline=T.pipeline_info(ann), rows_per_part=rows_per_part,
                         problems=list(getattr(ann, "problems", []) or []), raw_text=raw_text)
    with writer:
        batches = T.plan_batches(frames["articles"]["article_id"].tolist(),
                                 writer.previous_batches(), rows_per_part)
        rows = {name: T.split(df, batches) for name, df in frames.items()}
        arrow = {name: T.to_arrow(df) for name, df in frames.items()}  # once, then sliced
        for name, df in frames.items():
            writer.declare(name, list(map(str, df.columns)))
        for i, (number, ids) in enumerate(batches):
            writer.put_part(number, ids, {name: arrow[name].take(rows[name][i])
                                          for name in frames})
    assert writer.report is not None
    return writer.report
