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

Words are compared within one language only: a Russian article's words never stand against
English words (every one of them would be "favoured").  Word counts carry the article's
``language``; :func:`keyness` compares the groups within each language that at least two of
them wrote in (its own prior and totals), says in a note which languages it left out, and
:func:`by_language` splits the result, one chart per language.  Entity counts need no such
split: canonical entities are the same in every language (Путин and Putin are one id).
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from .adequacy import MIN_GROUP_TOKENS, thin_groups
from .languages import article_languages, language_name, rules
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
    more words only when used :data:`LONG_MIN_COUNT` times or more; Russian and Ukrainian
    words by lemma).  Columns: group, term, count, language (the articles' ``language``,
    ``"(unknown)"`` where missing: each group's words are counted per language)."""
    labels = group_column(articles, by).to_numpy()
    languages = article_languages(articles).to_numpy()
    per_group: dict[tuple[str, str], Counter[str]] = {}
    for label, lang, text in zip(labels, languages, analysis_texts(articles)):  # no boilerplate
        per_group.setdefault((label, lang), Counter()).update(terms(text, ngram, rules(lang)))
    rows = [(g, t, n, lang) for (g, lang), c in per_group.items() for t, n in c.items()]
    return _counts_table(pd.DataFrame(rows, columns=["group", "term", "count", "language"]),
                         by, "words")




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
    threshold as to ``check_keyness``).  Sorted by group, then z descending.

    Counts with a ``language`` column (word counts) are compared within each language: the
    result has a ``language`` column, the languages with most counted terms first, and
    ``attrs["languages"]`` (language → its ``group_totals`` and ``alpha0``); a language only
    one group wrote in is left out and a note names it (:func:`by_language` splits the
    result for charts)."""
    if alpha0 is not None and alpha0 <= 0:
        raise ValueError("alpha0 must be positive (or None for min(1000, corpus size))")
    if "language" not in counts.columns:
        return _keyness(counts, alpha0, min_count, min_tokens)
    parts, languages, alone = [], {}, []
    split = _language_parts(counts)
    for lang, sub in split:
        sub.attrs = dict(counts.attrs)
        k = _keyness(sub, alpha0, min_count, min_tokens).assign(language=lang)
        if sub["group"].nunique() < 2:
            if len(split) > 1:
                alone.append(f"{language_name(lang)}: only "
                             f"{', '.join(sorted(map(str, sub['group'].unique())))}")
            continue
        languages[lang] = {"group_totals": k.attrs.get("group_totals", {}),
                           "alpha0": k.attrs.get("alpha0"), "notes": k.attrs.get("notes", [])}
        parts.append(k)
    return _by_language_result(counts, parts, languages, alone)


def _language_parts(counts: pd.DataFrame) -> list[tuple[str, pd.DataFrame]]:
    """The counts of each language, the language with most counted terms first."""
    totals = counts.groupby("language")["count"].sum().sort_values(ascending=False,
                                                                    kind="stable")
    return [(str(lang), counts[counts["language"] == lang]) for lang in totals.index]


def _by_language_result(counts: pd.DataFrame, parts: list[pd.DataFrame],
                        languages: dict[str, dict], alone: list[str]) -> pd.DataFrame:
    """One table of the languages compared, with their attrs (see :func:`keyness`)."""
    out = (pd.concat(parts, ignore_index=True) if parts
           else pd.DataFrame(columns=[*KEYNESS_COLUMNS, "language"]))
    out.attrs = {k: v for k, v in counts.attrs.items() if k != "notes"}
    out.attrs["notes"] = list(counts.attrs.get("notes", []))
    out.attrs["languages"] = {lang: {k: v for k, v in info.items() if k != "notes"}
                              for lang, info in languages.items()}
    totals: dict[str, int] = {}
    for info in languages.values():
        for group, n in info["group_totals"].items():
            totals[group] = totals.get(group, 0) + n
    out.attrs["group_totals"] = totals
    if languages:
        out.attrs["alpha0"] = next(iter(languages.values()))["alpha0"]
    inherited = set(out.attrs["notes"])  # the counts' own notes (a text sample's) are kept once
    for lang, info in languages.items():  # thin-group notes, each naming its language
        for text in info["notes"]:
            if text not in inherited:
                add_note(out, text if len(languages) == 1 else f"{language_name(lang)}: {text}")
    by = str(counts.attrs.get("by", "group"))
    if by == "language" and alone and not languages:
        add_note(out, "Grouped by language, each group is a language of its own, and words are "
                      "compared within one language only: no word keyness. Entity keyness "
                      "compares the languages through canonical entities.")
    elif len(languages) > 1 or alone:
        compared = ", ".join(language_name(lang) for lang in languages) or "none"
        left = (f" Left out, for want of a second {by} writing in the language: "
                f"{'; '.join(alone)}." if alone else "")
        add_note(out, f"Words are compared within one language only (a Russian word is never "
                      f"set against English ones); languages compared: {compared}.{left}"
                      + (" Entity keyness compares languages through canonical entities."
                         if alone else ""))
    return out


def by_language(k: pd.DataFrame) -> list[pd.DataFrame]:
    """A :func:`keyness` (or :func:`~workbench.analyze.keyness_by_period`) result split into
    one table per language compared, the largest first, each with that language's
    ``group_totals`` and ``alpha0`` in ``attrs`` and ``attrs["language"]`` (a result without
    a ``language`` column is returned whole, ``attrs["language"]`` None)."""
    if "language" not in k.columns:
        one = k.copy()
        one.attrs = {**k.attrs, "language": None}
        return [one]
    info = k.attrs.get("languages") or {lang: {} for lang in pd.unique(k["language"])}
    out = []
    for lang, extra in info.items():
        part = k[k["language"] == lang].reset_index(drop=True)
        part.attrs = {**{a: v for a, v in k.attrs.items() if a != "languages"}, **extra,
                      "language": lang}
        out.append(part)
    return out


def _keyness(counts: pd.DataFrame, alpha0: float | None, min_count: int,
             min_tokens: int) -> pd.DataFrame:
    """:func:`keyness` of counts in one language."""
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
    side (per language, when ``k`` has one).  Sorted by group, then z descending."""
    keys = ["language", "group"] if "language" in k.columns else ["group"]
    pos = k[k["z"] > 0].sort_values(["group", "z", "term"], ascending=[True, False, True])
    neg = k[k["z"] < 0].sort_values(["group", "z", "term"], ascending=[True, True, True])
    pos = pos.groupby(keys, sort=False).head(n).assign(side="group")
    neg = neg.groupby(keys, sort=False).head(n).assign(side="rest")
    out = pd.concat([pos, neg], ignore_index=True)
    out["rank"] = out.groupby([*keys, "side"]).cumcount() + 1
    out = out.sort_values(["group", "z", "term"], ascending=[True, False, True],
                          ignore_index=True)
    out.attrs = dict(k.attrs)
    out.attrs["top_n"] = n
    return out
