"""Stories: articles about the same event, across outlets.

Method (deterministic; never all pairs):

1. Each article becomes a TF-IDF vector of its headline (counted twice), its lead and body
   (the first ``LEAD_CHARS`` characters, so the opening outweighs late background), and, when
   the corpus mixes languages, its canonical entities (one token per ``entity_id``:
   "Zelensky" and "Зеленский" match).
2. Candidate pairs come from blocks by publication day: an article is compared only with
   articles published within ``window_days`` of it (sparse products per day), and an undated
   article with every article, by content alone. Pairs under ``pair_threshold`` are dropped.
3. Pairs are merged from the most similar down (union-find), but two groups join only when
   their centroids are similar too (``merge_threshold``): average-link in effect, so a chain
   of pairwise-similar articles cannot glue two different events of the same kind (two
   earthquakes) into one story.

The thresholds were chosen on the development sets (``benchmarks/stories.py`` prints B-cubed
F1 on NewsWCL50's gold events and pair accuracy on the tgcontest same-story pairs).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

LEAD_CHARS = 3000
_TOKEN = re.compile(r"(?u)\b[^\W\d_]{2,}\b")
ENTITY_TYPES = ("PERSON", "ORG", "PLACE", "EVENT")


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


def story_documents(articles: pd.DataFrame, mentions: pd.DataFrame | None = None) -> list[str]:
    """The text each article is compared by: headline twice, lead and body, and — in a corpus
    of more than one language — entity tokens.

    Entity tokens are what makes "Zelensky" and "Зеленский" one thing; within one language the
    names are words already, and counting them twice glued different events about the same
    people together (two Korea summits a week apart, on NewsWCL50).
    """
    ents: dict[str, str] = {}
    langs = articles["language"].dropna().nunique() if "language" in articles.columns else 1
    if mentions is not None and len(mentions) and langs > 1:
        m = mentions[mentions["type"].isin(ENTITY_TYPES) & mentions["entity_id"].notna()]
        tokens = "zz" + m["entity_id"].astype(str).str.replace(r"\W+", "", regex=True).str.lower()
        # Each entity once per article: the words already say how much it is about them; the
        # token only has to make "Zelensky" and "Зеленский" the same thing.
        ents = (pd.DataFrame({"a": m["article_id"].astype(str), "t": tokens})
                .drop_duplicates().groupby("a")["t"].agg(" ".join).to_dict())
    titles = articles["title"].fillna("").astype(str)
    texts = articles["text"].fillna("").astype(str).str.slice(0, LEAD_CHARS)
    return [f"{t} {t} {x} {ents.get(str(a), '')}"
            for t, x, a in zip(titles, texts, articles["article_id"], strict=True)]


def vectorize(docs: list[str]):  # noqa: ANN201 - a scipy CSR matrix
    """L2-normalised TF-IDF rows (sublinear term frequency; words seen in one article only, and
    words in over half the articles, left out on corpora big enough to say so)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    n = len(docs)
    vec = TfidfVectorizer(sublinear_tf=True, min_df=2 if n >= 50 else 1,
                          max_df=0.5 if n >= 50 else 1.0, stop_words=_stop_words(),
                          token_pattern=_TOKEN.pattern, dtype=np.float32)
    try:
        return vec.fit_transform(docs), vec
    except ValueError:  # every document empty after stop words
        from scipy import sparse

        return sparse.csr_matrix((n, 1), dtype=np.float32), None


def _stop_words() -> list[str]:
    """English, Russian and Ukrainian function words (spaCy's lists; no model needed)."""
    from spacy.lang.en.stop_words import STOP_WORDS as EN
    from spacy.lang.ru.stop_words import STOP_WORDS as RU
    from spacy.lang.uk.stop_words import STOP_WORDS as UK

    # Only words the token pattern can produce ("don't" is two tokens, never one).
    return sorted(w for w in EN | RU | UK if _TOKEN.fullmatch(w))


def candidate_pairs(X, days: np.ndarray, window_days: int,  # noqa: ANN001
                    threshold: float, block: int = 2000) -> pd.DataFrame:
    """Pairs ``(i, j, sim)`` with ``i < j`` and cosine ``sim >= threshold``: dated articles
    against those within ``window_days``, undated ones against all."""
    from scipy import sparse

    n = X.shape[0]
    out: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    dated = np.flatnonzero(days >= 0)
    undated = np.flatnonzero(days < 0)
    order = dated[np.argsort(days[dated], kind="stable")]
    sorted_days = days[order]

    def keep(rows: np.ndarray, cols: np.ndarray) -> None:
        if not len(rows) or not len(cols):
            return
        sims = sparse.coo_matrix(X[rows] @ X[cols].T)
        mask = sims.data >= threshold
        i, j = rows[sims.row[mask]], cols[sims.col[mask]]
        sel = i < j
        out.append((i[sel], j[sel], sims.data[mask][sel]))

    start = 0
    while start < len(order):
        stop = min(start + block, len(order))
        rows = order[start:stop]
        # Forward only: the pair (earlier, later) is found from the earlier article's block.
        hi = np.searchsorted(sorted_days, sorted_days[stop - 1] + window_days, side="right")
        lo = np.searchsorted(sorted_days, sorted_days[start], side="left")
        cols = order[lo:hi]
        keep(rows, cols)
        keep(cols, rows)  # same-day pairs whose earlier index sits in the later block
        start = stop
    for s in range(0, len(undated), block):
        rows = undated[s:s + block]
        keep(rows, np.arange(n))
        keep(np.arange(n), rows)
    if not out:
        return pd.DataFrame({"i": [], "j": [], "sim": []})
    df = pd.DataFrame({"i": np.concatenate([o[0] for o in out]),
                       "j": np.concatenate([o[1] for o in out]),
                       "sim": np.concatenate([o[2] for o in out])})
    df = df.drop_duplicates(["i", "j"])
    # Dated pairs further apart than the window can come in through same-block products.
    di, dj = days[df["i"].to_numpy()], days[df["j"].to_numpy()]
    ok = (di < 0) | (dj < 0) | (np.abs(di - dj) <= window_days)
    return df[ok].sort_values(["sim", "i", "j"], ascending=[False, True, True],
                              kind="stable", ignore_index=True)


def merge_pairs(X, pairs: pd.DataFrame, threshold: float,  # noqa: ANN001
                days: np.ndarray | None = None, max_span_days: int | None = None
                ) -> np.ndarray:
    """A group label per article: pairs merged from the most similar, two groups joining only
    when their centroids' cosine reaches ``threshold`` and, with ``days`` (-1: undated), the
    joined group spans at most ``max_span_days``."""
    n = X.shape[0]
    parent = np.arange(n)
    sums: dict[int, object] = {}
    big = np.iinfo(np.int64).max
    d = days if days is not None else np.full(n, -1)
    first = np.where(d >= 0, d, big)
    last = np.where(d >= 0, d, -1)

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    def vec(root: int):  # noqa: ANN202
        return sums.get(root, X[root])

    for i, j in zip(pairs["i"].to_numpy(), pairs["j"].to_numpy(), strict=True):
        a, b = find(int(i)), find(int(j))
        if a == b:
            continue
        lo, hi = min(first[a], first[b]), max(last[a], last[b])
        if max_span_days is not None and hi >= 0 and lo != big and hi - lo > max_span_days:
            continue
        va, vb = vec(a), vec(b)
        na, nb = np.sqrt(va.multiply(va).sum()), np.sqrt(vb.multiply(vb).sum())
        if na == 0 or nb == 0 or float(va.multiply(vb).sum()) / (na * nb) < threshold:
            continue
        keep, gone = (a, b) if a < b else (b, a)
        parent[gone] = keep
        first[keep], last[keep] = lo, hi
        sums[keep] = va + vb
        sums.pop(gone, None)
    return np.array([find(i) for i in range(n)])


def group_stories(articles: pd.DataFrame, mentions: pd.DataFrame | None = None,
                  options: StoryOptions | None = None) -> pd.DataFrame:
    """The ``stories`` table (see ``workbench.tables``): one row per article with its
    ``story_id``, ``score`` (cosine to its story's centroid), ``copy`` (a near-duplicate of
    another article of the story: not independent coverage) and ``dated``."""
    opts = options or StoryOptions()
    arts = articles.reset_index(drop=True)
    n = len(arts)
    if n == 0:
        return _empty()
    X, vec = vectorize(story_documents(arts, mentions))
    published = pd.to_datetime(arts["published"], errors="coerce")
    days = np.where(published.notna(),
                    (published.dt.normalize() - pd.Timestamp("1970-01-01")).dt.days, -1
                    ).astype(np.int64)
    pairs = candidate_pairs(X, days, opts.window_days, opts.pair_threshold)
    labels = merge_pairs(X, pairs, opts.merge_threshold, days, opts.max_span_days)
    ids = arts["article_id"].astype(str).to_numpy()
    # A story is named after its earliest member (by date, then id): adding articles to a
    # corpus keeps the ids of the stories it already had.
    key = pd.DataFrame({"label": labels, "day": np.where(days >= 0, days, np.iinfo(np.int64).max),
                        "id": ids})
    first = key.sort_values(["label", "day", "id"]).groupby("label")["id"].first()
    story = np.array(["s" + hashlib.sha1(first[lab].encode()).hexdigest()[:10]
                      for lab in labels])
    score, words = _centroids(X, labels, vec)
    dup = arts["duplicate_of"] if "duplicate_of" in arts.columns else pd.Series([None] * n)
    out = pd.DataFrame({"article_id": pd.array(ids, dtype="string"),
                        "story_id": pd.array(story, dtype="string"), "score": score,
                        "copy": dup.notna().to_numpy(), "dated": days >= 0,
                        "label": pd.Categorical(words)})
    out.attrs["options"] = opts.__dict__.copy()
    return out


def _centroids(X, labels: np.ndarray, vec, n_terms: int = 4  # noqa: ANN001
               ) -> tuple[np.ndarray, list[str]]:
    """Each article's cosine to its story's centroid, and each article's story label (the
    centroid's heaviest words, entity tokens left out)."""
    from scipy import sparse

    uniq, inv = np.unique(labels, return_inverse=True)
    member = sparse.csr_matrix((np.ones(len(labels), dtype=np.float32),
                                (inv, np.arange(len(labels)))), shape=(len(uniq), len(labels)))
    cent = (member @ X).tocsr()
    norms = np.sqrt(np.asarray(cent.multiply(cent).sum(axis=1))).ravel()
    norms[norms == 0] = 1
    sims = np.asarray(X.multiply(cent[inv]).sum(axis=1)).ravel() / norms[inv]
    names = vec.get_feature_names_out() if vec is not None else np.array([])
    words = []
    for r in range(cent.shape[0]):
        lo, hi = cent.indptr[r], cent.indptr[r + 1]
        cols, vals = cent.indices[lo:hi], cent.data[lo:hi]
        order = np.lexsort((cols, -vals))  # heaviest first, ties by column: deterministic
        top = [names[c] for c in cols[order] if not names[c].startswith("zz")][:n_terms]
        words.append(" · ".join(top))
    return np.round(sims.astype(np.float64), 4), [words[k] for k in inv]


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
