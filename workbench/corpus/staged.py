"""``stage_corpus``: ``load_corpus`` for a corpus too big for memory — the same table, written
to disk in chunks, with only narrow columns of the whole corpus held at once.

The cleaned chunks (``TASK_RECORDS`` articles each, in load order) go to a private staging
folder as they come. The corpus-wide steps then run on narrow columns, reading texts from disk
where they need them:

- dates from the text: the corpus's known dates bound the years, then each chunk with undated
  articles is read, dated and rewritten;
- ids (identical content) from the ids alone;
- near-duplicates: the MinHash signatures are made reading the chunks in order, then a
  candidate's text is read back from its chunk (an LRU of chunks);
- boilerplate: a copy of each article's outlet and text goes, at load time, to one of
  ``BUCKETS`` files by a hash of its outlet, and each bucket (whole outlets: most hold one)
  is searched alone.

``StagedCorpus.chunk(i)`` gives chunk ``i`` as ``load_corpus`` would have given those rows:
the same columns, dtypes and values (tested). Memory: the narrow columns (ids, dates, outlets,
duplicate links, boilerplate spans; a few hundred bytes an article), the near-duplicate
bands (~500 bytes an article while they are matched), one chunk, and the largest bucket —
whole outlets, so the largest outlet's texts and the boilerplate search's words for them
(~60 KB an article) are held at once. Disk: the texts twice (chunks and buckets), removed by
``close``.
"""

from __future__ import annotations

import hashlib
import pickle
import shutil
import tempfile
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from workbench import tables
from workbench.corpus.boilerplate import find_boilerplate, span_words, spans_json, story_roots
from workbench.corpus.load import (
    LoadPlan,
    cleaned_chunks,
    finish_columns,
    infer_dates,
    near_duplicates,
    plan_load,
    unique_ids,
    unlisted_outlets,
)

BUCKETS = 512  # boilerplate buckets: whole outlets, about one outlet's texts at a time
CHUNKS_KEPT = 4  # chunks whose texts are kept for near-duplicate candidates
_CONTRACT = frozenset(tables.columns("articles"))
_NARROW = ["article_id", "duplicate_of", "published", "published_source",
           "published_evidence", "outlet", "language"]


class StagedCorpus:
    """A loaded corpus on disk: ``len`` articles in ``n_chunks`` chunks (see the module's
    docstring). ``narrow`` holds the whole corpus's ids, dates, outlets and languages;
    ``problems`` and ``skipped`` are ``load_corpus``'s ``attrs``. Use as a context manager,
    or call ``close`` to remove the staging folder."""

    def __init__(self, folder: Path, plan: LoadPlan, sizes: list[int],
                 narrow: pd.DataFrame, dtypes: pd.Series) -> None:
        self.folder = folder
        self.plan = plan
        self.sizes = sizes
        self.narrow = narrow
        self._dtypes = dtypes
        self._starts = [0]
        for n in sizes:
            self._starts.append(self._starts[-1] + n)

    def __len__(self) -> int:
        return len(self.narrow)

    def __enter__(self) -> StagedCorpus:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    @property
    def n_chunks(self) -> int:
        return len(self.sizes)

    @property
    def problems(self) -> list[str]:
        return list(self.plan.issues)

    @property
    def skipped(self) -> list[str]:
        return list(self.plan.found.skipped)

    def span(self, chunks: list[int]) -> tuple[int, int]:
        """The first and past-the-last row positions of consecutive ``chunks``."""
        return self._starts[chunks[0]], self._starts[chunks[-1] + 1]

    def chunk(self, i: int) -> pd.DataFrame:
        """Chunk ``i``'s rows of the articles table, as ``load_corpus`` gives them."""
        df = unstash(self._raw(i))
        for col, dtype in self._dtypes.items():  # every chunk with every column, as concat
            if col not in df.columns:
                df[col] = pd.Series([None] * len(df), dtype=object)
            if col not in _CONTRACT and df[col].dtype != dtype:
                df[col] = df[col].astype(dtype)
        df = df[list(self._dtypes.index)]
        rows = self.narrow.iloc[self._starts[i]:self._starts[i + 1]]
        for col in rows.columns:
            if col not in ("outlet", "language"):  # as cleaned: copies for corpus-wide steps
                df[col] = rows[col].to_numpy()
        df = finish_columns(df, self.plan)
        df.index = pd.RangeIndex(self._starts[i], self._starts[i + 1])
        return df

    def chunks(self) -> Iterator[pd.DataFrame]:
        """Every chunk in load order."""
        for i in range(self.n_chunks):
            yield self.chunk(i)

    def close(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)

    def _raw(self, i: int) -> Path:
        return self.folder / f"chunk-{i:06d}.pkl"


def stage_corpus(path: str | Path, staging: str | Path, *,
                 fields: Mapping[str, str | Sequence[str]] | None = None,
                 sources: str | Path | None = None, metadata: bool = True,
                 max_file_mb: float | None = None, limits: Any = None, dedupe: bool = True,
                 boilerplate: bool = True, near_duplicate_threshold: float = 0.8,
                 today: date | None = None, progress: bool = False, jobs: int = 1,
                 scheduler: str | None = None, chunk_records: int | None = None
                 ) -> StagedCorpus:
    """Load ``path`` as ``load_corpus`` does (same options), into a new folder under
    ``staging``, ``chunk_records`` articles per chunk (default ``load.TASK_RECORDS``); see the
    module's docstring."""
    plan = plan_load(path, metadata=metadata, sources=sources, max_file_mb=max_file_mb,
                     limits=limits)
    Path(staging).mkdir(parents=True, exist_ok=True)
    # Private (0700); named so that `cache.paths.sweep_stale` removes what a killed run left.
    folder = Path(tempfile.mkdtemp(prefix=".stage-", suffix=".tmp", dir=staging))
    try:
        return _stage(plan, folder, fields=fields, dedupe=dedupe, boilerplate=boilerplate,
                      threshold=near_duplicate_threshold, today=today, progress=progress,
                      jobs=jobs, scheduler=scheduler, records=chunk_records)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise


def _stage(plan: LoadPlan, folder: Path, *, fields: Any, dedupe: bool, boilerplate: bool,
           threshold: float, today: date | None, progress: bool, jobs: int,
           scheduler: str | None, records: int | None) -> StagedCorpus:
    sizes: list[int] = []
    narrow_parts: list[pd.DataFrame] = []
    heads: list[pd.DataFrame] = []
    buckets: dict[int, list[pd.DataFrame]] = {}
    start = 0
    for i, df in enumerate(cleaned_chunks(plan, fields=fields, jobs=jobs, scheduler=scheduler,
                                          progress=progress, records=records)):
        sizes.append(len(df))
        stash(folder / f"chunk-{i:06d}.pkl", df)
        narrow_parts.append(df[[c for c in _NARROW if c in df.columns]])
        heads.append(_first_row(df))
        if boilerplate:
            _add_to_buckets(folder, buckets, df, start)
        start += len(df)
    plan.check_loaded(bool(sizes))
    _flush_buckets(folder, buckets)
    narrow = pd.concat(narrow_parts, ignore_index=True)
    narrow_parts.clear()
    # The dtypes `pd.concat` gives the whole corpus: a column missing from some chunks, or
    # typed differently in two, takes the common type (an integer field missing somewhere
    # becomes float), as in one frame.
    dtypes = pd.concat(heads, ignore_index=True).dtypes
    staged = StagedCorpus(folder, plan, sizes, narrow, dtypes)
    _date_chunks(staged, today)
    narrow = unique_ids(staged.narrow)
    if dedupe:
        texts = _ChunkTexts(staged)
        narrow["duplicate_of"] = near_duplicates(narrow["article_id"], narrow["duplicate_of"],
                                                 narrow["published"], texts, threshold)
    staged.narrow = narrow
    if boilerplate:
        _boilerplate(staged, jobs=jobs, scheduler=scheduler)
    if plan.src is not None:
        plan.issues += unlisted_outlets(narrow["outlet"], plan.src, plan.src_path)
    return staged


def _first_row(df: pd.DataFrame) -> pd.DataFrame:
    """``df``'s first row in new arrays of the same dtypes: ``head(1)`` of an Arrow-backed
    column is a slice holding the whole chunk's buffer, and would keep every text alive."""
    return pd.DataFrame({c: pd.Series(df[c].iloc[:1].tolist(), dtype=df[c].dtype)
                         for c in df.columns})


def stash(path: Path, value: Any) -> None:
    """Write ``value`` (frames, a dict of them) into the staging folder."""
    # Pickle, not Parquet: the staging is this process's own, and must keep every dtype and
    # value of a cleaned chunk exactly (a dataset's mixed-type extra fields included).
    with open(path, "wb") as fh:
        pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)


def unstash(path: Path) -> Any:
    """What :func:`stash` wrote at ``path``."""
    with open(path, "rb") as fh:
        return pickle.load(fh)  # noqa: S301 - written by stash into a private folder


def _date_chunks(staged: StagedCorpus, today: date | None) -> None:
    """``infer_dates`` chunk by chunk, bounded by the whole corpus's known dates."""
    narrow = staged.narrow
    if not narrow["published"].isna().any():
        return
    known = pd.to_datetime(narrow["published"]).dropna()
    columns = ["published", "published_source", "published_evidence"]
    for i in range(staged.n_chunks):
        lo, hi = staged._starts[i], staged._starts[i + 1]
        if not narrow["published"].iloc[lo:hi].isna().any():
            continue
        df = unstash(staged._raw(i))
        infer_dates(df, today, known)
        stash(staged._raw(i), df)
        if narrow["published"].dtype != df["published"].dtype:
            narrow["published"] = pd.to_datetime(narrow["published"])
        for col in columns:
            narrow.iloc[lo:hi, narrow.columns.get_loc(col)] = df[col].to_numpy()


class _ChunkTexts(Sequence):
    """The corpus's texts ("" for none) by position, read from the staged chunks."""

    def __init__(self, staged: StagedCorpus) -> None:
        self.staged = staged
        self._kept: OrderedDict[int, list[str]] = OrderedDict()

    def __len__(self) -> int:
        return len(self.staged)

    def _texts(self, i: int) -> list[str]:
        if i in self._kept:
            self._kept.move_to_end(i)
            return self._kept[i]
        texts = unstash(self.staged._raw(i))["text"].fillna("").tolist()
        self._kept[i] = texts
        if len(self._kept) > CHUNKS_KEPT:
            self._kept.popitem(last=False)
        return texts

    def __getitem__(self, j: int) -> str:  # type: ignore[override]
        starts = self.staged._starts
        lo, hi = 0, len(starts) - 1
        while hi - lo > 1:  # the chunk holding position j
            mid = (lo + hi) // 2
            lo, hi = (mid, hi) if starts[mid] <= j else (lo, mid)
        return self._texts(lo)[j - starts[lo]]

    def __iter__(self) -> Iterator[str]:
        for i in range(self.staged.n_chunks):
            yield from self._texts(i)


def _bucket(outlet: Any) -> int:
    key = outlet.strip() if isinstance(outlet, str) else ""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"),
                                          digest_size=4).digest(), "big") % BUCKETS


def _add_to_buckets(folder: Path, buckets: dict[int, list[pd.DataFrame]], df: pd.DataFrame,
                    start: int) -> None:
    rows = pd.DataFrame({"position": range(start, start + len(df)),
                         "outlet": df["outlet"].to_numpy(), "text": df["text"].to_numpy()})
    for b, part in rows.groupby(rows["outlet"].map(_bucket), sort=False):
        buckets.setdefault(int(b), []).append(part)
    if sum(len(p) for parts in buckets.values() for p in parts) > 4 * len(df):
        _flush_buckets(folder, buckets)


def _flush_buckets(folder: Path, buckets: dict[int, list[pd.DataFrame]]) -> None:
    """Append the pending rows to the bucket files (one pickled frame after another)."""
    for b, parts in buckets.items():
        with open(folder / f"bucket-{b:03d}.pkl", "ab") as fh:
            pickle.dump(pd.concat(parts, ignore_index=True), fh,
                        protocol=pickle.HIGHEST_PROTOCOL)
    buckets.clear()


def _read_bucket(path: Path) -> pd.DataFrame:
    parts = []
    with open(path, "rb") as fh:
        while True:
            try:
                parts.append(pickle.load(fh))  # noqa: S301 - written by _flush_buckets
            except EOFError:
                break
    return pd.concat(parts, ignore_index=True).sort_values("position", ignore_index=True)


def _boilerplate(staged: StagedCorpus, *, jobs: int, scheduler: str | None) -> None:
    """``mark_boilerplate`` bucket by bucket: the rule is per outlet, and a bucket holds
    whole outlets, so the spans are the ones the whole corpus gives."""
    narrow = staged.narrow
    roots = story_roots(narrow["article_id"], narrow["duplicate_of"])
    spans: list[str | None] = [None] * len(narrow)
    words = [0] * len(narrow)
    for path in sorted(staged.folder.glob("bucket-*.pkl")):
        rows = _read_bucket(path)
        texts = rows["text"].tolist()
        positions = rows["position"].tolist()
        found = find_boilerplate(texts, rows["outlet"].astype(object).tolist(),
                                 [roots[p] for p in positions], jobs=jobs, scheduler=scheduler)
        for p, text, s in zip(positions, texts, found, strict=True):
            spans[p] = spans_json(s)
            words[p] = span_words(text, s)
        path.unlink()
    narrow["boilerplate"] = spans
    narrow["boilerplate_words"] = words
