"""Stories: articles about the same event, across outlets.

Method (deterministic, independent of row order; never all pairs; memory bounded by the time
window being grouped, not by the corpus):

1. Each article becomes a hashed TF-IDF vector (``story_vectors``) of its headline (counted
   twice), the opening ``LEAD_CHARS`` characters of its text (the opening outweighs late
   background), and, when the corpus mixes languages, its canonical entities (one token per
   ``entity_id``: "Zelensky" and "Зеленский" match). IDF comes from a bounded sample.
2. Articles are taken in time order (by day, then id), ``SEGMENT`` dated articles at a time.
   Candidate pairs: each article against those published within ``window_days`` of it, and
   against every undated article (undated ones are grouped by content alone). Pairs under
   ``pair_threshold`` are dropped.
3. A segment's pairs are merged from the most similar down (union-find), but two groups join
   only when their centroids are similar too (``merge_threshold``) and the joined story spans
   at most ``max_span_days``: average-link in effect, so a chain of pairwise-similar articles
   cannot glue two different events of the same kind (two earthquakes) into one story. A
   story that can no longer grow (nothing within its window or span is still to come) is
   written out and forgotten; on a corpus of up to ``SEGMENT`` dated articles this is the
   same as merging every pair of the corpus most-similar-first.

The thresholds were chosen on the development sets (``benchmarks/stories.py`` prints B-cubed
F1 on NewsWCL50's gold events and pair accuracy on the tgcontest same-story pairs).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from workbench.analyze.story_vectors import (
    IDF_SAMPLE,
    LEAD_CHARS,
    StoryVectorizer,
    entity_tokens,
    idf_sample,
    rows_getter,
    story_documents,
)

__all__ = ["LEAD_CHARS", "SEGMENT", "StoryOptions", "bcubed", "group_stories", "story_summary"]
SEGMENT = 20_000
_BLOCK = 2000
_ROWS = 256  # rows per band of dated pairs: a band's columns are its rows' window
_BIG = np.iinfo(np.int64).max


@dataclass(frozen=True)
class StoryOptions:
    """How articles are grouped into stories."""

    window_days: int = 3
    """Articles more than this many days apart are never in one story's candidate pairs."""
    pair_threshold: float = 0.30
    """Cosine similarity from which two articles are candidates for one story."""
    merge_threshold: float = 0.30
    """Cosine similarity two groups' centroids need to be merged."""
    max_span_days: int = 10
    """Longest a story may run, first to last dated article: coverage that goes on for months
    (an investigation) is a series of stories, not one."""


def _pairs(a, b, threshold: float, upper: bool, offset_a: int = 0,  # noqa: ANN001
           offset_b: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Index pairs (in the offsets' numbering) of rows of ``a`` and ``b`` with cosine
    ``>= threshold`` (``upper``: only ``i < j``)."""
    from scipy import sparse

    sims = sparse.coo_matrix(a @ b.T)
    mask = sims.data >= threshold
    i, j = sims.row[mask].astype(np.int64) + offset_a, sims.col[mask].astype(np.int64) + offset_b
    sel = i < j if upper else slice(None)
    return i[sel], j[sel], sims.data[mask][sel]


def _compact(*mats):  # noqa: ANN001, ANN202 - scipy CSR matrices
    """The matrices with their columns renumbered over the columns any of them uses: products
    of hashed vectors need not allocate millions of empty columns."""
    from scipy import sparse

    used = np.zeros(mats[0].shape[1] + 1, dtype=np.int64)
    for m in mats:
        used[m.indices] = 1
    new = np.cumsum(used) - 1
    width = int(new[-1]) + 1
    return [sparse.csr_matrix((m.data, new[m.indices], m.indptr), shape=(m.shape[0], width))
            for m in mats]


def dated_pairs(x, days: np.ndarray, window_days: int, threshold: float,  # noqa: ANN001
                first_new: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Pairs ``(i, j, sim)``, ``i < j``, of rows of ``x`` (sorted by ``days``) at most
    ``window_days`` apart with ``j >= first_new``: the pairs the new rows bring."""
    out = []
    (x,) = _compact(x)
    for r0 in range(0, x.shape[0], _ROWS):
        r1 = min(r0 + _ROWS, x.shape[0])
        c0 = max(r0, first_new)
        c1 = int(np.searchsorted(days, days[r1 - 1] + window_days, side="right"))
        if c0 >= c1:
            continue
        i, j, s = _pairs(x[r0:r1], x[c0:c1], threshold, True, r0, c0)
        ok = days[j] - days[i] <= window_days
        out.append((i[ok], j[ok], s[ok]))
    return out


class _Groups:
    """Union-find over article indices, each group with its vector sum, first and last day
    and whether it holds an undated article."""

    def __init__(self, days: np.ndarray, nd: int, row: Callable[[int], object],
                 opts: StoryOptions):
        n = len(days)
        self.parent = np.arange(n)
        self.undated = np.arange(n) >= nd
        self.first = np.where(self.undated, _BIG, days)
        self.last = np.where(self.undated, -_BIG, days)
        self.done = np.zeros(n, dtype=bool)
        self.sums: dict[int, object] = {}
        self.row, self.opts = row, opts

    def find(self, a: int) -> int:
        parent = self.parent
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = int(parent[a])
        return a

    def roots(self, idx: np.ndarray) -> np.ndarray:
        r = self.parent[idx]
        while True:
            nxt = self.parent[r]
            if np.array_equal(nxt, r):
                break
            r = nxt
        self.parent[idx] = r
        return r

    def merge(self, i: np.ndarray, j: np.ndarray, sim: np.ndarray) -> None:
        """Merge pairs from the most similar down (ties by index: deterministic)."""
        span, threshold = self.opts.max_span_days, self.opts.merge_threshold
        first, last = self.first, self.last
        for p in np.lexsort((j, i, -sim)):
            a, b = self.find(int(i[p])), self.find(int(j[p]))
            if a == b or self.done[a] or self.done[b]:
                continue
            lo, hi = min(first[a], first[b]), max(last[a], last[b])
            if lo != _BIG and hi - lo > span:  # some member dated, so the last one is too
                continue
            va, vb = self.sums.get(a), self.sums.get(b)
            va = self.row(a) if va is None else va
            vb = self.row(b) if vb is None else vb
            na, nb = np.sqrt(va.multiply(va).sum()), np.sqrt(vb.multiply(vb).sum())
            if na == 0 or nb == 0 or float(va.multiply(vb).sum()) / (na * nb) < threshold:
                continue
            keep, gone = (a, b) if a < b else (b, a)
            self.parent[gone] = keep
            first[keep], last[keep] = lo, hi
            self.undated[keep] |= self.undated[gone]
            self.sums[keep] = va + vb
            self.sums.pop(gone, None)

    def closed(self, idx: np.ndarray, next_day: int) -> tuple[np.ndarray, np.ndarray]:
        """Of the not yet written articles ``idx``, those (and their roots) whose story can
        take no article of ``next_day`` or later."""
        idx = idx[~self.done[idx]]
        r = self.roots(idx)
        o = self.opts
        span_over = self.first[r] < next_day - o.max_span_days
        out_of_window = (self.last[r] < next_day - o.window_days) & ~self.undated[r]
        dated = self.first[r] != _BIG
        shut = dated & (span_over | out_of_window) if next_day < _BIG else np.ones_like(dated)
        return idx[shut], r[shut]


def processing_order(articles: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, int]:
    """The rows of ``articles`` in the order stories are grouped (dated ones by day, then id;
    then undated ones by id), the rows' days since 1970, and how many are dated."""
    ids = articles["article_id"].astype(str).to_numpy()
    published = pd.to_datetime(articles["published"], errors="coerce")
    dated = published.notna().to_numpy()
    row_days = np.where(dated, (published.dt.normalize() - pd.Timestamp("1970-01-01")).dt.days,
                        0).astype(np.int64)
    return np.lexsort((ids, np.where(dated, row_days, _BIG))), row_days, int(dated.sum())


def group_stories(articles: pd.DataFrame, mentions: pd.DataFrame | None = None,
                  options: StoryOptions | None = None,
                  leads: Callable[[np.ndarray], list] | None = None) -> pd.DataFrame:
    """The ``stories`` table (see ``workbench.tables``): one row per article with its
    ``story_id``, ``score`` (cosine to its story's centroid), ``copy`` (a near-duplicate of
    another article of the story: not independent coverage) and ``dated``.

    ``leads``: where ``articles`` has no ``text`` (a corpus too big for memory), a function
    giving the first ``LEAD_CHARS`` of the texts at positions of ``processing_order``; it is
    asked for increasing positions, a block at a time."""
    opts = options or StoryOptions()
    arts = articles.reset_index(drop=True)
    n = len(arts)
    if n == 0:
        return _empty()
    ids = arts["article_id"].astype(str).to_numpy()
    order, row_days, nd = processing_order(arts)
    days = row_days[order]
    ents = entity_tokens(arts, mentions)
    clock = time.perf_counter()
    vz = StoryVectorizer()

    title_at = rows_getter(arts["title"])
    text_at = rows_getter(arts["text"]) if leads is None else None

    def docs(pos: np.ndarray) -> list[str]:
        rows = order[pos]
        texts = leads(pos) if text_at is None else text_at(rows)
        return story_documents(title_at(rows), texts, ids[rows], ents)

    if n <= IDF_SAMPLE:  # the sample is the corpus: vectorise once
        from scipy import sparse

        counts = sparse.vstack([vz.counts(docs(np.arange(s, min(s + _BLOCK, n))), learn=True)
                                for s in range(0, n, _BLOCK)]).tocsr()
        vz.fit_idf([counts], n)
        whole = vz.weigh(counts)
        del counts
        secs = {"vectors": time.perf_counter() - clock}

        def vectors(lo: int, hi: int):  # noqa: ANN202
            return whole[lo:hi]
    else:
        pos = np.argsort(order)[idf_sample(ids, IDF_SAMPLE)]
        pos = np.sort(pos)
        vz.fit_idf((vz.counts(docs(pos[s:s + _BLOCK]), learn=True)
                    for s in range(0, len(pos), _BLOCK)), n)
        secs = {"idf sample": time.perf_counter() - clock}

        def vectors(lo: int, hi: int):  # noqa: ANN202
            from scipy import sparse

            # Words outside the sample name stories only if some headline has them.
            vz.learn_words([t if isinstance(t, str) else "" for t in title_at(order[lo:hi])])
            return sparse.vstack([vz.weigh(vz.counts(docs(np.arange(s, min(s + _BLOCK, hi)))))
                                  for s in range(lo, hi, _BLOCK)]).tocsr()
    return _stream(arts, ids, order, days, nd, vectors, vz, opts, secs)


def _stream(arts: pd.DataFrame, ids: np.ndarray, order: np.ndarray, days: np.ndarray,
            nd: int, vectors: Callable[[int, int], object], vz: StoryVectorizer,
            opts: StoryOptions, secs: dict[str, float]) -> pd.DataFrame:
    """Group in time order (see the module docstring); indices are processing positions."""
    from scipy import sparse

    n, w, t = len(days), opts.window_days, opts.pair_threshold
    segs: list[tuple[int, int, object]] = []  # dated articles still needed: (lo, hi, rows)
    clock = time.perf_counter()
    und = vectors(nd, n) if n > nd else None
    clock = _tick(secs, "vectors", clock)

    def rows(idx: np.ndarray):  # noqa: ANN202 - sorted indices' vectors
        parts = [m[idx[(idx >= lo) & (idx < hi)] - lo] for lo, hi, m in segs]
        if und is not None:
            parts.append(und[idx[idx >= nd] - nd])
        return sparse.vstack(parts, format="csr")

    def row(g: int):  # noqa: ANN202 - one article's vector
        if g >= nd:
            return und[g - nd]
        lo, _, m = next(sg for sg in segs if sg[0] <= g < sg[1])
        return m[g - lo]

    groups = _Groups(days, nd, row, opts)
    story = np.empty(n, dtype=object)
    score = np.zeros(n)
    label = np.empty(n, dtype=object)

    def write(idx: np.ndarray, roots: np.ndarray) -> None:
        if not len(idx):
            return
        score[idx], label[idx] = _centroids(rows(idx), roots, vz)
        # A story is named after its earliest member (by date, then id): adding articles to
        # a corpus keeps the ids of the stories it already had.
        uniq, at, inv = np.unique(roots, return_index=True, return_inverse=True)
        names = np.array(["s" + hashlib.sha1(ids[order[idx[p]]].encode()).hexdigest()[:10]
                          for p in at], dtype=object)
        story[idx] = names[inv]
        groups.done[idx] = True
        for r in uniq:
            groups.sums.pop(int(r), None)

    pending = []
    if und is not None:  # undated against undated, once
        (und_c,) = _compact(und)
        pending = [_pairs(und_c[s:s + _BLOCK], und_c, t, True, nd + s, nd)
                   for s in range(0, n - nd, _BLOCK)]
    done_lo = 0
    clock = _tick(secs, "undated pairs", clock)
    for s in range(0, max(nd, 1), SEGMENT):
        e = min(s + SEGMENT, nd)
        if e > s:
            clock = time.perf_counter()
            segs.append((s, e, vectors(s, e)))
            clock = _tick(secs, "vectors", clock)
            w0 = int(np.searchsorted(days[:nd], days[s] - w, side="left"))
            for i, j, sim in dated_pairs(rows(np.arange(w0, e)), days[w0:e], w, t, s - w0):
                pending.append((i + w0, j + w0, sim))
            clock = _tick(secs, "pairs", clock)
            if und is not None:  # undated articles are compared with every dated one
                new, und_c = _compact(segs[-1][2], und)
                pending += [_pairs(new[b:b + _BLOCK], und_c, t, False, s + b, nd)
                            for b in range(0, e - s, _BLOCK)]
        clock = _tick(secs, "undated pairs", clock)
        if pending:
            groups.merge(*(np.concatenate([p[k] for p in pending]) for k in range(3)))
        pending = []
        clock = _tick(secs, "merge", clock)
        next_day = int(days[e]) if e < nd else _BIG
        write(*groups.closed(np.concatenate([np.arange(done_lo, e), np.arange(nd, n)]),
                             next_day))
        open_ = np.flatnonzero(~groups.done[done_lo:e])
        done_lo = done_lo + int(open_[0]) if len(open_) else e
        if e < nd:  # keep what the next window and the open stories need
            keep = min(done_lo, int(np.searchsorted(days[:nd], next_day - w, side="left")))
            segs = [sg for sg in segs if sg[1] > keep]
        _tick(secs, "write", clock)
    out_story, out_score, out_label = (np.empty(n, dtype=object), np.zeros(n),
                                       np.empty(n, dtype=object))
    out_story[order], out_score[order], out_label[order] = story, score, label
    dup = arts["duplicate_of"] if "duplicate_of" in arts.columns else pd.Series([None] * n)
    out = pd.DataFrame({"article_id": pd.array(ids, dtype="string"),
                        "story_id": pd.array(out_story, dtype="string"),
                        "score": np.round(out_score, 4), "copy": dup.notna().to_numpy(),
                        "dated": np.argsort(order) < nd,
                        "label": pd.Categorical(out_label)})
    out.attrs["options"] = opts.__dict__.copy()
    out.attrs["seconds"] = {k: round(v, 2) for k, v in secs.items()}
    return out


def _tick(secs: dict[str, float], what: str, since: float) -> float:
    """Add the time since ``since`` to ``secs[what]`` (where grouping time goes: the
    benchmark prints it); the time now."""
    now = time.perf_counter()
    secs[what] = secs.get(what, 0.0) + now - since
    return now


def _centroids(x, labels: np.ndarray, vz: StoryVectorizer, n_terms: int = 4  # noqa: ANN001
               ) -> tuple[np.ndarray, list[str]]:
    """Each article's cosine to its story's centroid, and each article's story label (the
    centroid's heaviest words, entity tokens left out)."""
    from scipy import sparse

    uniq, inv = np.unique(labels, return_inverse=True)
    member = sparse.csr_matrix((np.ones(len(labels), dtype=np.float32),
                                (inv, np.arange(len(labels)))), shape=(len(uniq), len(labels)))
    cent = (member @ x).tocsr()
    norms = np.sqrt(np.asarray(cent.multiply(cent).sum(axis=1))).ravel()
    norms[norms == 0] = 1
    sims = np.asarray(x.multiply(cent[inv]).sum(axis=1)).ravel() / norms[inv]
    words = []
    for r in range(cent.shape[0]):
        lo, hi = cent.indptr[r], cent.indptr[r + 1]
        cols, vals = cent.indices[lo:hi], cent.data[lo:hi]
        top = []
        for c in cols[np.lexsort((cols, -vals))]:  # heaviest first, ties by column
            word = vz.word(int(c))
            if word and not word.startswith("zz"):
                top.append(word)
                if len(top) == n_terms:
                    break
        words.append(" · ".join(top))
    return sims.astype(np.float64), [words[k] for k in inv]


def _empty() -> pd.DataFrame:
    return pd.DataFrame({"article_id": pd.Series(dtype="string"),
                         "story_id": pd.Series(dtype="string"),
                         "score": pd.Series(dtype="float64"), "copy": pd.Series(dtype=bool),
                         "dated": pd.Series(dtype=bool), "label": pd.Categorical([])})


def story_summary(stories: pd.DataFrame, articles: pd.DataFrame, *,
                  by: str = "outlet") -> pd.DataFrame:
    """One row per story, largest first: ``story_id, label, title`` (the member closest to
    the centroid), ``first, last, articles, independent`` (not marked as copies), ``groups``
    (distinct values of ``by``) — restricted to the ``articles`` given."""
    from workbench.analyze.select import group_column

    cols = ["story_id", "label", "title", "first", "last", "articles", "independent", "groups"]
    df = stories.merge(articles[["article_id", "title", "published"]].assign(
        group=group_column(articles, by).to_numpy()), on="article_id", how="inner")
    if df.empty:
        return pd.DataFrame(columns=cols)
    best = (df.sort_values(["story_id", "score", "article_id"], ascending=[True, False, True])
            .drop_duplicates("story_id").set_index("story_id"))
    g = df.groupby("story_id", observed=True)
    out = pd.DataFrame({
        "label": best["label"].astype(str), "title": best["title"],
        "first": g["published"].min(), "last": g["published"].max(),
        "articles": g.size(), "independent": g["copy"].apply(lambda c: int((~c).sum())),
        "groups": g["group"].nunique()}).rename_axis("story_id").reset_index()
    return out.sort_values(["articles", "first", "story_id"], ascending=[False, True, True],
                           kind="stable", ignore_index=True)[cols]


def bcubed(gold: list, predicted: list) -> tuple[float, float, float]:
    """B-cubed precision, recall and F1 of a grouping against gold labels (one per article,
    in the same order): how a grouping is scored against a hand-made one."""
    g, p = pd.Series(list(gold)), pd.Series(list(predicted))
    both = pd.crosstab(g, p)
    n_gold, n_pred = g.map(g.value_counts()), p.map(p.value_counts())
    inter = np.array([both.at[a, b] for a, b in zip(g, p, strict=True)])
    prec, rec = float(np.mean(inter / n_pred)), float(np.mean(inter / n_gold))
    return prec, rec, (2 * prec * rec / (prec + rec)) if prec + rec else 0.0
