"""Keyness within time slices: framing, not timing.

When one group published over twelve months and another over four, "each group against the
rest" rewards the longer group for the topics of months the other never covered.  Here the
groups are compared within each period (month, by default) in which at least two of them
published, and the per-period log-odds are pooled by inverse variance (a fixed-effect
combination: ``delta = Σ(delta_s / se_s²) / Σ(1 / se_s²)``, ``se = 1 / sqrt(Σ 1 / se_s²)``).
A term only one group used, in a month only it covered, contributes nothing: there was nobody
to compare it with.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from .keyness import KEYNESS_COLUMNS, WORD_NGRAM, _counts_table, keyness
from .languages import article_languages, rules
from .select import add_note, analysis_texts, group_column, grouped
from .timeline import periods, resolve_freq
from .tokens import terms


def word_counts_by_period(articles: pd.DataFrame, *, by: str = "outlet", freq: str = "M",
                          ngram: tuple[int, int] = WORD_NGRAM) -> pd.DataFrame:
    """Term counts per group and publication period: group, period (first day; NaT for
    undated articles), term, count, language.  Summed over periods it is
    :func:`~workbench.analyze.word_counts` (``keyness`` and ``check_keyness`` take either)."""
    freq = resolve_freq(freq, articles["published"])
    labels = group_column(articles, by).to_numpy()
    starts = periods(articles["published"], freq)["period"].to_numpy()
    languages = article_languages(articles).to_numpy()
    per: dict[tuple, Counter[str]] = {}
    texts = analysis_texts(articles)  # boilerplate left out, as in word_counts
    for label, start, lang, text in zip(labels, starts, languages, texts, strict=True):
        per.setdefault((label, start, lang), Counter()).update(terms(text, ngram, rules(lang)))
    rows = [(g, p, t, n, lang) for (g, p, lang), c in per.items() for t, n in c.items()]
    out = _counts_table(pd.DataFrame(rows, columns=["group", "period", "term", "count",
                                                    "language"]), by, "words")
    out["period"] = out["period"].astype("datetime64[ns]")
    out.attrs["freq"] = freq
    return out


def entity_counts_by_period(mentions: pd.DataFrame, articles: pd.DataFrame, *,
                            by: str = "outlet", freq: str = "M") -> pd.DataFrame:
    """Entity mentions per group and publication period (as :func:`word_counts_by_period`)."""
    freq = resolve_freq(freq, articles["published"])
    m = grouped(mentions, articles, by)
    start = pd.Series(periods(articles["published"], freq)["period"].to_numpy(),
                      index=articles["article_id"].to_numpy())
    start = start[~start.index.duplicated()]
    term = m["entity"].astype("string").fillna(m["text"].astype("string").str.strip())
    m = m.assign(term=term, period=m["article_id"].map(start)).dropna(subset=["term"])
    out = (m.groupby(["group", "period", "term"], dropna=False).size().rename("count")
            .reset_index())
    out = _counts_table(out, by, "entity mentions")
    out["period"] = out["period"].astype("datetime64[ns]")
    out.attrs["freq"] = freq
    return out


def keyness_by_period(counts: pd.DataFrame, *, alpha0: float | None = None,
                      min_count: int = 3) -> pd.DataFrame:
    """Each group against the others within each period, pooled over periods (see the module
    docstring), from a counts table with a ``period`` column.  Columns as
    :func:`~workbench.analyze.keyness` (``count`` / ``count_rest`` summed over the compared
    periods) plus ``periods`` (how many periods the term was compared in); terms used fewer
    than ``min_count`` times in the compared periods are left out.  ``attrs["periods"]`` lists
    the compared periods; a note says how many periods had a single group."""
    dated = counts[counts["period"].notna()]
    # A period is compared when two groups wrote in it in one language (words never meet
    # across languages: see keyness).
    lang = ["language"] if "language" in counts.columns else []
    present = dated.groupby(["period", *lang])["group"].nunique().groupby(level=0).max()
    compared = sorted(present.index[present >= 2])
    alone = int((present < 2).sum())
    parts = []
    for start in compared:
        k = keyness(dated[dated["period"] == start], alpha0=alpha0, min_count=1, min_tokens=0)
        if len(k):
            parts.append(k.assign(w=1.0 / k["se"] ** 2))
    if parts:
        k = pd.concat(parts, ignore_index=True)
        k["wd"] = k["delta"] * k["w"]
        out = (k.groupby([*lang, "group", "term"], sort=False)
                .agg(count=("count", "sum"), count_rest=("count_rest", "sum"),
                     wd=("wd", "sum"), w=("w", "sum"), periods=("delta", "size"))
                .reset_index())
        out["delta"] = out["wd"] / out["w"]
        out["se"] = 1.0 / np.sqrt(out["w"])
        out["z"] = out["delta"] / out["se"]
        out = out[(out["count"] + out["count_rest"]) >= min_count]
        out = out[[*KEYNESS_COLUMNS, "periods", *lang]]
        out["periods"] = out["periods"].astype("int64")
        out = out.sort_values([*lang, "group", "z", "term"],
                              ascending=[True] * len(lang) + [True, False, True],
                              ignore_index=True)
    else:
        out = pd.DataFrame(columns=[*KEYNESS_COLUMNS, "periods", *lang])
    out.attrs = {k: v for k, v in counts.attrs.items() if k != "notes"}
    out.attrs["periods"] = [pd.Timestamp(p) for p in compared]
    used = dated[dated["period"].isin(compared)]
    totals = used.groupby("group")["count"].sum()
    out.attrs["group_totals"] = {str(g): int(n) for g, n in totals.items()}
    if lang:  # each language's totals, the largest first, for by_language
        found = set(out["language"])
        per = used[used["language"].isin(found)].groupby(["language", "group"])["count"].sum()
        order = per.groupby(level=0).sum().sort_values(ascending=False, kind="stable").index
        out.attrs["languages"] = {str(lg): {"group_totals": {str(g): int(n) for g, n
                                                             in per[lg].items()}}
                                  for lg in order}
    if alone:
        add_note(out, f"{alone} period{'s' if alone != 1 else ''} in which only one group "
                      f"published {'is' if alone == 1 else 'are'} left out of the within-period "
                      f"comparison ({len(compared)} compared).")
    return out


def timing_terms(counts: pd.DataFrame, overall: pd.DataFrame, within: pd.DataFrame, *,
                 n: int = 12, max_share: float = 0.5, z: float = 1.96) -> pd.DataFrame:
    """Among each group's ``n`` most favoured terms overall (:func:`keyness` of ``counts``, a
    table with a ``period`` column), those whose uses by the group fall mostly (more than
    ``1 - max_share``) in periods no other group covered and which are not favoured
    (``z_within`` below ``z``) when compared within periods (``within``, from
    :func:`keyness_by_period`): differences of timing rather than of framing.
    Columns: group, term, z (overall), z_within (NaN when not compared), share_compared
    (the group's uses in compared periods ÷ all its uses), and language when the counts have
    one.  Groups never compared at all (e.g. only undated articles) are left out: nothing is
    known."""
    lang = (["language"] if all("language" in t.columns for t in (counts, overall, within))
            else [])  # terms of each language apart (see keyness)
    key = [*lang, "group", "term"]
    top = (overall[overall["z"] > 0].sort_values(["group", "z"], ascending=[True, False])
           .groupby([*lang, "group"], sort=False).head(n)[[*key, "z"]])
    compared_periods = set(within.attrs.get("periods", []))
    in_compared = counts["period"].isin(compared_periods)
    groups = set(counts.loc[in_compared, "group"])
    top = top[top["group"].isin(groups)]
    uses = counts.groupby(key)["count"].sum()
    shared = counts[in_compared].groupby(key)["count"].sum()
    keys = pd.MultiIndex.from_frame(top[key])
    top = top.assign(share_compared=(shared.reindex(keys).fillna(0).to_numpy()
                                     / uses.reindex(keys).to_numpy()))
    inner = within[[*key, "z"]].rename(columns={"z": "z_within"})
    out = top.merge(inner, on=key, how="left")
    out = out[(out["share_compared"] < max_share) & ~(out["z_within"] >= z)]
    return out[["group", "term", "z", "z_within", "share_compared", *lang]].reset_index(
        drop=True)


def check_keyness_by_period(counts: pd.DataFrame, *, min_tokens: int = 200) -> str | None:
    """Too little for keyness within periods: no period in which two groups each have
    ``min_tokens`` counted terms (``counts`` with a ``period`` column)."""
    dated = counts[counts["period"].notna()]
    lang = ["language"] if "language" in counts.columns else []  # within one language
    per = dated.groupby(["period", *lang, "group"])["count"].sum()
    levels = ["period", *lang]
    enough = (per[per >= min_tokens].groupby(level=levels).size() >= 2).sum()
    if enough == 0:
        freq = str(counts.attrs.get("freq", "M"))
        name = {"D": "day", "W": "week", "M": "month"}.get(freq, "period")
        within = (" in one language" if lang and counts["language"].nunique() > 1 else "")
        return (f"No {name} in which two groups each have {min_tokens} counted terms"
                f"{within}: there is no period to compare them within.")
    return None
