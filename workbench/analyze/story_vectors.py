"""Story vectors: hashed TF-IDF of what an article is compared by, in bounded memory.

Words are hashed into ``N_FEATURES`` columns (murmurhash, as scikit-learn's
``HashingVectorizer``), so vectors of articles vectorised at different times share columns
without a corpus-wide vocabulary. Inverse document frequencies come from a sample of at most
``IDF_SAMPLE`` articles (picked by a hash of their id: deterministic, independent of row
order; every article when the corpus is no bigger), so memory is bounded by the sample and
the time window being grouped, not by the corpus.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pandas as pd

LEAD_CHARS = 3000
N_FEATURES = 2 ** 22
IDF_SAMPLE = 50_000
_TOKEN = re.compile(r"(?u)\b[^\W\d_]{2,}\b")
ENTITY_TYPES = ("PERSON", "ORG", "PLACE", "EVENT")
_NO_WORD = "\U0010ffff"


def entity_tokens(articles: pd.DataFrame, mentions: pd.DataFrame | None) -> dict[str, str]:
    """Per article id, one ``zz…`` token per canonical entity — only in a corpus of more than
    one language.

    Entity tokens are what makes "Zelensky" and "Зеленский" one thing; within one language the
    names are words already, and counting them twice glued different events about the same
    people together (two Korea summits a week apart, on NewsWCL50).
    """
    langs = articles["language"].dropna().nunique() if "language" in articles.columns else 1
    if mentions is None or not len(mentions) or langs <= 1:
        return {}
    m = mentions[mentions["type"].isin(ENTITY_TYPES) & mentions["entity_id"].notna()]
    tokens = "zz" + m["entity_id"].astype(str).str.replace(r"\W+", "", regex=True).str.lower()
    # Each entity once per article: the words already say how much it is about them.
    return (pd.DataFrame({"a": m["article_id"].astype(str), "t": tokens})
            .drop_duplicates().groupby("a")["t"].agg(" ".join).to_dict())


def story_documents(titles: Sequence, texts: Sequence, ids: Sequence,
                    ents: dict[str, str] | None = None) -> list[str]:
    """The text each article is compared by: headline twice, the first ``LEAD_CHARS``
    characters of the text (the opening outweighs late background) and its entity tokens
    (folding "ё" into "е" was tried: tgcontest ru pair accuracy 0.800 → 0.791)."""
    ents = ents or {}
    return [f"{_str(t)} {_str(t)} {_str(x)[:LEAD_CHARS]} {ents.get(str(a), '')}"
            for t, x, a in zip(titles, texts, ids, strict=True)]


def _str(value: object) -> str:
    return value if isinstance(value, str) else "" if value is None or pd.isna(value) else \
        str(value)


def rows_getter(column: pd.Series) -> Callable[[np.ndarray], list]:
    """A function giving the values of ``column`` at positions, as Python objects, without
    materialising the column: pandas' ``take`` on an Arrow-backed string column joins its
    chunks first (a 300k-article corpus: 7 s and 1.8 GB for every 2,000 rows taken)."""
    arr = column.array
    if not hasattr(arr, "__arrow_array__"):
        values = np.asarray(arr, dtype=object)
        return lambda idx: values[idx].tolist()
    import pyarrow as pa

    chunked = arr.__arrow_array__()
    chunks = getattr(chunked, "chunks", [chunked])
    starts = np.cumsum([0] + [len(c) for c in chunks])

    def get(idx: np.ndarray) -> list:
        out = np.empty(len(idx), dtype=object)
        which = np.searchsorted(starts, idx, side="right") - 1
        for c in np.unique(which):
            sel = np.flatnonzero(which == c)
            out[sel] = chunks[c].take(pa.array(idx[sel] - starts[c])).to_pylist()
        return out.tolist()
    return get


def stop_words() -> list[str]:
    """English, Russian and Ukrainian function words (spaCy's lists, as shipped with
    ``analyze.tokens``: no spaCy import)."""
    from workbench.analyze.tokens import stop_words as shipped

    # Only words the token pattern can produce ("don't" is two tokens, never one).
    return sorted(w for lang in ("en", "ru", "uk") for w in shipped(lang) if _TOKEN.fullmatch(w))


def _one(word: str) -> list[str]:
    return [word]


class StoryVectorizer:
    """Hashed, sublinear TF-IDF rows, L2-normalised; remembers a word for the columns of the
    words it has seen the vocabulary of (the IDF sample, headlines) to name stories by."""

    def __init__(self) -> None:
        from sklearn.feature_extraction.text import HashingVectorizer

        self._stop = stop_words()
        self._hashed = HashingVectorizer(token_pattern=_TOKEN.pattern, stop_words=self._stop,
                                         n_features=N_FEATURES, alternate_sign=False, norm=None,
                                         dtype=np.float32)
        # The same hashing, one word per row: the column of each vocabulary word.
        self._column = HashingVectorizer(analyzer=_one, n_features=N_FEATURES,
                                         alternate_sign=False, norm=None, dtype=np.float32)
        self.idf = np.ones(N_FEATURES, dtype=np.float32)
        self.names = np.empty(N_FEATURES, dtype=object)
        self.names.fill(_NO_WORD)  # one shared string (np.full would make 4M copies)

    def counts(self, docs: Sequence[str], learn: bool = False):  # noqa: ANN201 - scipy CSR
        """Term counts of ``docs`` in hashed columns (``learn``: and remember their words)."""
        if not learn:
            return self._hashed.transform(docs)
        from scipy import sparse

        cv, c = self._vocabulary(docs)
        if cv is None:
            return sparse.csr_matrix((len(docs), N_FEATURES), dtype=np.float32)
        cols = self._learn(cv.get_feature_names_out())
        out = sparse.csr_matrix((c.data, cols[c.indices], c.indptr),
                                shape=(len(docs), N_FEATURES))
        out.sum_duplicates()  # two words of one article hashed to one column
        return out

    def learn_words(self, texts: Sequence[str]) -> None:
        """Remember the words of ``texts`` (headlines: cheap, and what stories are named by)."""
        cv, _ = self._vocabulary(texts)
        if cv is not None:
            self._learn(cv.get_feature_names_out())

    def _vocabulary(self, docs: Sequence[str]):  # noqa: ANN202
        from sklearn.feature_extraction.text import CountVectorizer

        cv = CountVectorizer(token_pattern=_TOKEN.pattern, stop_words=self._stop,
                             dtype=np.float32)
        try:
            return cv, cv.fit_transform(docs)
        except ValueError:  # every document empty after stop words
            return None, None

    def _learn(self, words: np.ndarray) -> np.ndarray:
        cols = self._column.transform(words).indices
        better = words < self.names[cols]  # the first word in order, whatever the chunks
        self.names[cols[better]] = words[better]
        return cols

    def fit_idf(self, counts: Iterable, n_corpus: int) -> None:
        """Smoothed IDF from the sample's term counts (CSR matrices, in chunks). On a corpus
        of 50 or more, words in over half the articles are left out, and — when the sample
        is the whole corpus — words in only one."""
        df = np.zeros(N_FEATURES, dtype=np.int64)
        m = 0
        for c in counts:
            df += np.bincount(c.indices, minlength=N_FEATURES)
            m += c.shape[0]
        idf = np.log((1 + m) / (1 + df)) + 1
        if n_corpus >= 50:
            idf[df > 0.5 * m] = 0
            if m == n_corpus:
                idf[df < 2] = 0
        self.idf = idf.astype(np.float32)

    def weigh(self, counts):  # noqa: ANN001, ANN201 - scipy CSR matrices
        """L2-normalised sublinear TF-IDF rows from term counts."""
        from sklearn.preprocessing import normalize

        x = counts.copy()
        x.data = (1 + np.log(x.data)) * self.idf[x.indices]
        x.eliminate_zeros()
        return normalize(x, copy=False).astype(np.float32)

    def word(self, col: int) -> str:
        """The word a column stands for ("" if none seen)."""
        w = self.names[col]
        return "" if w == _NO_WORD else w


def idf_sample(ids: np.ndarray, size: int = IDF_SAMPLE) -> np.ndarray:
    """Positions of the ``size`` articles with the smallest hash of their id (all of them
    when there are no more): a sample independent of row order."""
    if len(ids) <= size:
        return np.arange(len(ids))
    h = np.array([int.from_bytes(hashlib.sha1(str(i).encode()).digest()[:8], "big")
                  for i in ids], dtype=np.uint64)
    return np.sort(np.argsort(h, kind="stable")[:size])
