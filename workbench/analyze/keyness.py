"""Keyness: the words and names each group favours compared with the rest of the corpus.

The statistic is the log-odds ratio with an informative Dirichlet prior of Monroe, Colaresi &
Quinn (2008), "Fightin' Words", section 3.5.1, eq. 22, for group *i* against the rest *j*::

    delta_w = log((y_iw + a_w) / (n_i + a0 - y_iw - a_w))
              - log((y_jw + a_w) / (n_j + a0 - y_jw - a_w))
    var_w  ≈ 1 / (y_iw + a_w) + 1 / (y_jw + a_w)          z_w = delta_w / sqrt(var_w)

where ``y`` are term counts, ``n`` total counts, and the prior ``a_w = a0 * y_w / N`` spreads
``a0`` pseudo-counts over the vocabulary in proportion to corpus-wide counts (eq. 22's
informative prior).  The default ``alpha0=None`` means ``a0 = min(1000, N)``: a prior worth
1,000 words — enough to keep a word used twice by one small outlet from topping the list, light
next to a corpus of tens of thousands of words — but never more than the corpus itself, so on a
handful of articles the prior weighs as much as the data (as in tidylo's weighted log odds)
rather than drowning it.  Pass a number to fix ``a0``.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from .adequacy import MIN_GROUP_TOKENS, thin_groups
from .select import add_note, analysis_texts, group_column, grouped
from .tokens import terms

KEYNESS_COLUMNS = ["group", "term", "count", "count_rest", "delta", "se", "z"]


# Words and phrases of up to four words ("special military operation"); a phrase of three or
# more words counts only when it recurs (LONG_MIN_COUNT times in the corpus), so one-off runs
# of words neither crowd the vocabulary nor inflate the totals the statistic divides by.
WORD_NGRAM = (1, 4)
LONG_MIN_COUNT = 3


def word_counts(articles: pd.DataFrame, *, by: str = "outlet",
                ngram: tuple[int, int] = WORD_NGRAM) -> pd.DataFrame:
    """Term counts per group from ``articles.text`` less its boilerplate (see
    :func:`~workbench.analyze.select.select_articles`; tokenised as described in
    :mod:`workbench.analyze.tokens`; ``ngram=(1, 4)`` counts words and phrases of up to four
    words — ``kiev regime``, ``special military operation`` — together, phrases of three or
    more words only when used :data:`LONG_MIN_COUNT` times or more).  Columns: group, term,
    count."""
    labels = group_column(articles, by).to_numpy()
    per_group: dict[str, Counter[str]] = {}
    for label, text in zip(labels, analysis_texts(articles)):  # boilerplate left out
        per_group.setdefault(label, Counter()).update(terms(text, ngram))
    rows = [(g, t, n) for g, c in per_group.items() for t, n in c.items()]
    return _counts_table(pd.DataFrame(rows, columns=["group", "term", "count"]), by, "words")


def entity_counts(mentions: pd.DataFrame, articles: pd.DataFrame, *,
                  by: str = "outlet") -> pd.DataFrame:
    """Entity mentions per group as a counts table (term = canonical name, or the mention as
    written when the knowledge base has none).  Columns: group, term, count."""
    m = grouped(mentions, articles, by)
    term = m["entity"].astype("string").fillna(m["text"].astype("string").str.strip())
    out = (m.assign(term=term).dropna(subset=["term"])
            .groupby(["group", "term"]).size().rename("count").reset_index())
    return _counts_table(out, by, "entity mentions")


def _counts_table(out: pd.DataFrame, by: str, unit: str) -> pd.DataFrame:
    """The counts-table form both counters return: int64 counts, most frequent first per group,
    and what was counted in ``attrs``."""
    out["count"] = out["count"].astype("int64")
    if unit == "words" and len(out):
        out = _recurring(out)
    out = out.sort_values(["group", "count", "term"], ascending=[True, False, True],
                          ignore_index=True)
    out.attrs["by"] = by
    out.attrs["unit"] = unit
    return out


def _recurring(out: pd.DataFrame) -> pd.DataFrame:
    """Drop phrases of three or more words used fewer than LONG_MIN_COUNT times in all."""
    long = out["term"].str.count(" ").to_numpy() >= 2
    if not long.any():
        return out
    total = out.loc[long].groupby("term")["count"].sum()
    rare = set(total.index[total < LONG_MIN_COUNT])
    return out[~(long & out["term"].isin(rare).to_numpy())]


DEFAULT_ALPHA0 = 1000.0


def keyness(counts: pd.DataFrame, *, alpha0: float | None = None,
            min_count: int = 3, min_tokens: int = MIN_GROUP_TOKENS) -> pd.DataFrame:
    """Each group against the rest of the corpus, for every term used at least ``min_count``
    times in the whole corpus: ``count`` (in the group), ``count_rest``, ``delta`` (log-odds
    difference; > 0 means the group favours the term), ``se`` and ``z``.  Totals and the prior
    use all terms, before the ``min_count`` filter; ``alpha0`` is explained in the module
    docstring; groups with fewer than ``min_tokens`` counted terms get a note (pass the same
    threshold as to ``check_keyness``).  Sorted by group, then z descending."""
    if alpha0 is not None and alpha0 <= 0:
        raise ValueError("alpha0 must be positive (or None for min(1000, corpus size))")
    c = counts.groupby(["group", "term"], sort=False)["count"].sum()
    c = c[c > 0]
    groups = c.index.get_level_values(0).unique()
    if c.empty or len(groups) < 2:
        out = pd.DataFrame(columns=KEYNESS_COLUMNS)
        out.attrs = dict(counts.attrs)
        return out
    wide = c.unstack("group", fill_value=0)
    y = wide.to_numpy(dtype="float64")                 # terms × groups
    y_w = y.sum(axis=1, keepdims=True)                 # corpus count per term
    n_g = y.sum(axis=0, keepdims=True)                 # total per group
    total = float(y.sum())
    a0 = min(DEFAULT_ALPHA0, total) if alpha0 is None else float(alpha0)
    a_w = a0 * y_w / total

    y_i, y_j = y, y_w - y
    n_i, n_j = n_g, total - n_g
    with np.errstate(divide="ignore", invalid="ignore"):  # a one-term vocabulary gives NaN
        delta = (np.log((y_i + a_w) / (n_i + a0 - y_i - a_w))
                 - np.log((y_j + a_w) / (n_j + a0 - y_j - a_w)))
        se = np.sqrt(1.0 / (y_i + a_w) + 1.0 / (y_j + a_w))

    keep = y_w[:, 0] >= min_count
    terms, cols = wide.index[keep], wide.columns
    n_t, n_c = len(terms), len(cols)
    out = pd.DataFrame({
        "group": np.tile(cols.to_numpy(dtype=object), n_t),
        "term": np.repeat(terms.to_numpy(dtype=object), n_c),
        "count": y_i[keep].ravel().astype("int64"),
        "count_rest": y_j[keep].ravel().astype("int64"),
        "delta": delta[keep].ravel(),
        "se": se[keep].ravel(),
    })
    out["z"] = out["delta"] / out["se"]
    out = out.sort_values(["group", "z", "term"], ascending=[True, False, True],
                          ignore_index=True)
    out.attrs = dict(counts.attrs)
    out.attrs["alpha0"] = a0
    out.attrs["group_totals"] = {str(k): int(v) for k, v in zip(cols, n_g[0])}
    thin = thin_groups(counts, min_tokens=min_tokens)
    if thin:
        add_note(out, f"Fewer than {min_tokens} counted terms for {', '.join(thin)}: "
                      f"their keyness scores rest on very little text.")
    return out


def top_keyness(k: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The ``n`` terms each group favours most (z > 0, ``side="group"``) and the ``n`` the rest
    of the corpus favours most against it (z < 0, ``side="rest"``), with ``rank`` 1… on each
    side.  Sorted by group, then z descending."""
    pos = k[k["z"] > 0].sort_values(["group", "z", "term"], ascending=[True, False, True])
    neg = k[k["z"] < 0].sort_values(["group", "z", "term"], ascending=[True, True, True])
    pos = pos.groupby("group", sort=False).head(n).assign(side="group")
    neg = neg.groupby("group", sort=False).head(n).assign(side="rest")
    out = pd.concat([pos, neg], ignore_index=True)
    out["rank"] = out.groupby(["group", "side"]).cumcount() + 1
    out = out.sort_values(["group", "z", "term"], ascending=[True, False, True],
                          ignore_index=True)
    out.attrs = dict(k.attrs)
    out.attrs["top_n"] = n
    return out
