"""``build_store``: load, annotate and store a corpus too big for memory, shard by shard.

``workbench store --shard N`` (or ``build_store``) gives the store ``update_store`` writes
from ``open_corpus`` (tested: the same tables), holding at most a shard of articles with their
texts and annotations at a time, and narrow columns of the whole corpus:

1. ``corpus.staged.stage_corpus`` loads the corpus into a private staging folder in chunks
   (the corpus-wide loading steps on narrow columns and texts read back from disk);
2. each shard of ``shard_articles`` is annotated through the cache (``annotate``, on a Dask
   cluster with ``scheduler``) without the corpus-wide name rules; its tables go to the
   staging folder, and its names' counts to a summary (``annotate.links.NameCounts``);
3. the rules run on the names' counts, then on the surname evidence gathered from the shards
   (``annotate.links``: a row per distinct name, plus the evidence mentions);
4. stories are grouped from the articles' ids, dates and titles, and the first
   ``LEAD_CHARS`` of their texts (all that the grouping reads), which wait on disk, sorted by
   DuckDB in the order the grouping reads them;
5. each part of the store is written from its shard, the rules applied, and the store is
   published at once (``writer.StoreWriter``).

Held in memory: the staging's narrow columns, the name rules' summaries, the stories' narrow
inputs (~200 bytes an article), and one shard. The load is not cached (the annotation is,
article by article).
"""

from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from workbench import tables as contract
from workbench.annotate.cyrillic import pipeline_notes
from workbench.annotate.errors import AnnotateError
from workbench.annotate.kb import KBError, load_kb
from workbench.annotate.links import Links, NameCounts, SurnameEvidence
from workbench.annotate.pipeline import pipeline_info
from workbench.annotate.run import annotate
from workbench.cache.paths import default_cache_dir, sweep_stale
from workbench.corpus import load
from workbench.corpus.staged import StagedCorpus, stage_corpus, stash, unstash
from workbench.store import frames as T
from workbench.store import layout as L
from workbench.store.writer import StoreWriter, WriteReport, check_destination

SHARD_ARTICLES = 5000
"""Articles annotated and assembled at a time (rounded up to whole loading chunks)."""
_TABLES = ("mentions", "quotes", "dates", "aside_mentions")
_STORY_COLUMNS = ["article_id", "published", "title", "language", "duplicate_of"]
_LEAD_ROWS = 2048  # leads per row group of the sorted leads file
_DUCKDB_MEMORY = "1GB"  # sorting the leads: the rest spills to the staging folder


@dataclass
class BuildReport:
    """What ``build_store`` did: the store write's report, annotation counts, problems."""

    write: WriteReport
    stats: dict[str, Any]
    problems: list[str] = field(default_factory=list)
    pipeline: Any = None


def build_store(path: str | Path, dest: str | Path, *, shard_articles: int = SHARD_ARTICLES,
                rows_per_part: int = L.ROWS_PER_PART, stories: bool = True,
                raw_text: bool = False, model: str | None = None, jobs: int = 1,
                cache_dir: str | Path | None = None, kb: str | Path | None = None,
                progress: bool | None = None, scheduler: str | None = None,
                **load_options: Any) -> BuildReport:
    """Write (or update) the store at ``dest`` from the corpus at ``path``, a shard at a
    time (see the module's docstring). Options as ``open_corpus`` and ``update_store``."""
    if shard_articles < 1:
        raise ValueError(f"shard_articles must be 1 or more, got {shard_articles}")
    check_destination(dest)  # a wrong destination fails before anything is loaded
    started = time.perf_counter()
    try:
        kb_obj = load_kb(kb)
    except KBError as exc:
        raise AnnotateError(str(exc)) from None
    cache = Path(cache_dir) if cache_dir else default_cache_dir()
    staging = cache / "staging"
    if staging.is_dir():
        sweep_stale(staging, max_age_s=24 * 3600)  # what a killed build left
    with stage_corpus(path, staging, jobs=jobs, scheduler=scheduler, progress=bool(progress),
                      chunk_records=min(load.TASK_RECORDS, shard_articles),
                      **load_options) as staged:
        info = pipeline_info(model, kb_obj)
        by_language, notes = pipeline_notes(staged.narrow["language"], info.label)
        shards = _shards(staged, shard_articles)
        stats = {"articles": len(staged), "annotated": 0, "from_cache": 0, "shards": len(shards),
                 "pipelines": by_language}
        problems = [*staged.problems, *([info.notice] if info.notice else []), *notes]
        names, story_inputs = NameCounts(), []
        for s, chunks in enumerate(shards):
            arts = pd.concat([staged.chunk(i) for i in chunks], ignore_index=True)
            ann = annotate(arts, model=model, jobs=jobs, cache_dir=cache, kb=kb_obj,
                           progress=progress, scheduler=scheduler, corpus_rules=False)
            stats["annotated"] += ann.stats["annotated"]
            stats["from_cache"] += ann.stats["from_cache"]
            problems += ann.problems[ann.stats["notes"]:]
            stash(_shard_file(staged, s), {name: getattr(ann, name) for name in _TABLES})
            names.add(ann.mentions)
            if stories:
                story_inputs.append(_story_input(staged, s, staged.span(chunks)[0], arts))
            del ann, arts
        links = _links(staged, shards, names)
        story_table = _stories(staged, shards, story_inputs, links) if stories else None
        del story_inputs
        stats["seconds"] = round(time.perf_counter() - started, 3)
        report = _write(staged, shards, links, story_table, dest, info=info,
                        rows_per_part=rows_per_part, raw_text=raw_text, problems=problems)
    return BuildReport(write=report, stats=stats, problems=problems, pipeline=info)


def _shards(staged: StagedCorpus, shard_articles: int) -> list[list[int]]:
    """Consecutive loading chunks, grouped into shards of at least ``shard_articles``."""
    shards: list[list[int]] = [[]]
    size = 0
    for i, n in enumerate(staged.sizes):
        if size >= shard_articles:
            shards.append([])
            size = 0
        shards[-1].append(i)
        size += n
    return shards


def _shard_file(staged: StagedCorpus, s: int) -> Path:
    return staged.folder / f"shard-{s:05d}.pkl"


def _links(staged: StagedCorpus, shards: list[list[int]], names: NameCounts) -> Links:
    """The corpus-wide name rules' ``Links``: the name counts' stage, then the surname
    evidence's, gathered from the shards' mentions with the first stage applied."""
    first = names.stage()
    evidence = SurnameEvidence()
    for s in range(len(shards)):
        mentions, _ = first.apply(unstash(_shard_file(staged, s))["mentions"],
                                  contract.empty("quotes"))
        evidence.add(mentions)
    return Links([first, evidence.stage()])


def _story_input(staged: StagedCorpus, s: int, start: int, arts: pd.DataFrame) -> pd.DataFrame:
    """What grouping stories reads of a shard's articles: the narrow columns, returned, and
    the first ``LEAD_CHARS`` of each text, written to the staging folder by load position."""
    from workbench.analyze.story_vectors import LEAD_CHARS

    leads = pa.table({"pos": pa.array(range(start, start + len(arts)), type=pa.int64()),
                      "lead": pa.array(arts["text"].str.slice(0, LEAD_CHARS).astype(object),
                                       type=pa.large_string(), from_pandas=True)})
    pq.write_table(leads, staged.folder / f"leads-{s:05d}.parquet")
    return arts[_STORY_COLUMNS].copy()


def _stories(staged: StagedCorpus, shards: list[list[int]], inputs: list[pd.DataFrame],
             links: Links) -> pd.DataFrame:
    """The stories table of the whole corpus (``analyze.stories.group_stories``), its texts'
    leads read from disk in the order the grouping reads them."""
    from workbench.analyze.stories import group_stories, processing_order
    from workbench.analyze.story_vectors import ENTITY_TYPES

    articles = pd.concat(inputs, ignore_index=True)
    mentions = None
    if articles["language"].dropna().nunique() > 1:  # entity tokens join the languages
        parts = []
        for s in range(len(shards)):
            m, _ = links.apply(unstash(_shard_file(staged, s))["mentions"],
                               contract.empty("quotes"))
            m = m[m["type"].isin(ENTITY_TYPES) & m["entity_id"].notna()]
            parts.append(m[["article_id", "entity_id", "type"]].drop_duplicates())
        mentions = pd.concat(parts, ignore_index=True)
    order, _, _ = processing_order(articles)
    leads = _sorted_leads(staged, order)
    return contract.conform(group_stories(articles, mentions, leads=leads), "stories")


def _sorted_leads(staged: StagedCorpus, order: Any) -> _Leads:
    """The shards' leads in processing order (``order``: load positions), sorted out of core
    by DuckDB into one Parquet file of row groups."""
    import duckdb
    import numpy as np

    from workbench.analyze.sql.core import lit  # a path as an SQL string literal

    folder = staged.folder
    rank = np.empty(len(order), dtype=np.int64)
    rank[order] = np.arange(len(order))
    pq.write_table(pa.table({"pos": np.arange(len(order)), "rank": rank}),
                   folder / "rank.parquet")
    db = duckdb.connect()
    try:
        db.execute(f"SET temp_directory = {lit(folder / 'duckdb')}")
        db.execute(f"SET memory_limit = '{_DUCKDB_MEMORY}'")
        db.execute("SET threads = 2")
        db.execute(f"COPY (SELECT l.lead FROM read_parquet({lit(f'{folder}/leads-*.parquet')})"
                   f" l JOIN read_parquet({lit(folder / 'rank.parquet')}) r USING (pos) "
                   f"ORDER BY r.rank) TO {lit(folder / 'leads.parquet')} "
                   f"(FORMAT parquet, ROW_GROUP_SIZE {_LEAD_ROWS})")
    finally:
        db.close()
    for path in folder.glob("leads-*.parquet"):
        path.unlink()
    return _Leads(folder / "leads.parquet")


class _Leads:
    """Leads by processing position, read a row group at a time (the last two kept)."""

    def __init__(self, path: Path) -> None:
        self.file = pq.ParquetFile(path)
        sizes = [self.file.metadata.row_group(i).num_rows
                 for i in range(self.file.num_row_groups)]
        self.starts = [0]
        for n in sizes:
            self.starts.append(self.starts[-1] + n)
        self._kept: OrderedDict[int, list] = OrderedDict()

    def __call__(self, positions: Any) -> list:
        import bisect

        out = []
        for p in positions:
            g = bisect.bisect_right(self.starts, int(p)) - 1
            out.append(self._group(g)[int(p) - self.starts[g]])
        return out

    def _group(self, g: int) -> list:
        if g not in self._kept:
            self._kept[g] = self.file.read_row_group(g, columns=["lead"]).column(0).to_pylist()
            if len(self._kept) > 2:
                self._kept.popitem(last=False)
        return self._kept[g]


def _write(staged: StagedCorpus, shards: list[list[int]], links: Links,
           story_table: pd.DataFrame | None, dest: str | Path, *, info: Any,
           rows_per_part: int, raw_text: bool, problems: list[str]) -> WriteReport:
    ids = staged.narrow["article_id"].astype(str).tolist()
    shard_of: dict[str, int] = {}
    for s, chunks in enumerate(shards):
        lo, hi = staged.span(chunks)
        shard_of.update((a, s) for a in ids[lo:hi])
    frames_of = _ShardFrames(staged, shards, links, story_table, raw_text)
    writer = StoreWriter(dest, pipeline=T.pipeline_info(SimpleNamespace(pipeline=info)),
                         rows_per_part=rows_per_part, problems=problems, raw_text=raw_text)
    with writer:
        for name, columns in frames_of.columns().items():
            writer.declare(name, columns)
        for number, part_ids in T.plan_batches(ids, writer.previous_batches(), rows_per_part):
            needed = list(dict.fromkeys(shard_of[a] for a in part_ids))
            pieces = [frames_of.get(s) for s in needed]
            tables = {}
            for name in pieces[0]:
                keys = pd.concat([p[name][0] for p in pieces], ignore_index=True)
                rows = T.split(keys, [(number, part_ids)])[0]
                arrow = pa.concat_tables([p[name][1] for p in pieces],
                                         promote_options="default")
                tables[name] = arrow.take(rows)
            writer.put_part(number, part_ids, tables)
    assert writer.report is not None
    return writer.report


class _ShardFrames:
    """A shard's store tables (``frames.store_tables``, the rules applied) as Arrow, with each
    table's ``article_id`` column; the last one kept: a part takes its rows from one shard,
    or from two consecutive ones, rarely from others (where an update moved articles)."""

    KEPT = 1

    def __init__(self, staged: StagedCorpus, shards: list[list[int]], links: Links,
                 story_table: pd.DataFrame | None, raw_text: bool) -> None:
        self.staged, self.shards, self.links = staged, shards, links
        self.story_table, self.raw_text = story_table, raw_text
        self._kept: OrderedDict[int, Any] = OrderedDict()

    def columns(self) -> dict[str, list[str]]:
        return {name: table.schema.names for name, (_, table) in self.get(0).items()}

    def get(self, s: int) -> dict[str, tuple[pd.DataFrame, Any]]:
        """Shard ``s``'s tables: by name, its ``article_id`` column and the Arrow table."""
        if s in self._kept:
            self._kept.move_to_end(s)
            return self._kept[s]
        tables = unstash(_shard_file(self.staged, s))
        articles = pd.concat([self.staged.chunk(i) for i in self.shards[s]],
                             ignore_index=True)
        mentions, quotes = self.links.apply(tables["mentions"], tables["quotes"])
        ann = SimpleNamespace(articles=articles, mentions=mentions, quotes=quotes,
                              dates=tables["dates"], aside_mentions=tables["aside_mentions"])
        if self.story_table is not None:
            ann.stories = self.story_table[self.story_table["article_id"].isin(
                articles["article_id"])]
        frames = T.store_tables(ann, stories=self.story_table is not None,
                                raw_text=self.raw_text)
        del tables, articles, ann
        kept = {}
        for name in list(frames):  # one frame at a time becomes Arrow, the frame dropped
            df = frames.pop(name)
            kept[name] = (df[["article_id"]], T.to_arrow(df))
        self._kept[s] = kept
        if len(self._kept) > self.KEPT:
            self._kept.popitem(last=False)
        return self._kept[s]
