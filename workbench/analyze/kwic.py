"""Keyword in context: every mention of an entity, with the words around it.

The table holds plain text; :func:`workbench.notebook.kwic_table` is the only place it becomes
HTML, and it escapes every cell, because article text is untrusted input.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .frequency import entity_ids
from .periods import group_noun
from .select import add_note, group_column, restrict

KWIC_COLUMNS = ["article_id", "outlet", "published", "title", "left", "keyword", "right",
                "variant"]


def kwic(mentions: pd.DataFrame, articles: pd.DataFrame, entity: str, *,
         width: int = 60, by: str | None = None) -> pd.DataFrame:
    """Each mention of ``entity`` — an ``entity_id``, a canonical name, or a spelling as written
    (case-insensitive), covering all its variants — with up to ``width`` characters either side
    taken from ``articles.text`` at the mention offsets (line breaks shown as spaces).  Sorted
    by publication date, outlet and position.  With ``by`` a ``group`` column (the article's
    ``by`` label) follows ``outlet``."""
    m = restrict(mentions, articles)
    ids = entity_ids(m, entity)
    if ids:
        hits = m[m["entity_id"].isin(ids).fillna(False).astype(bool)]
    else:  # mentions the knowledge base did not link can still be found by their spelling
        written = m["text"].astype("string").str.strip().str.lower()
        hits = m[(written == str(entity).strip().lower()).fillna(False).astype(bool)]
    hits = hits.dropna(subset=["start", "end"])
    meta = articles.drop_duplicates("article_id").set_index("article_id")
    texts = meta["text"].astype("string").fillna("")
    rows = []
    for r in hits.itertuples(index=False):
        text = texts.get(r.article_id, "")
        start, end = int(r.start), int(r.end)
        if pd.isna(text) or end > len(text) or start < 0 or start >= end:
            continue  # offsets that do not fit the text are not shown rather than misquoted
        rows.append((r.article_id, start, end, _flat(text[start:end]),
                     _flat(text[max(0, start - width):start]), _flat(text[end:end + width]),
                     r.variant))
    out = pd.DataFrame(rows, columns=["article_id", "start", "end", "keyword", "left",
                                      "right", "variant"])
    out["outlet"] = out["article_id"].map(meta["outlet"]).astype("string")
    out["published"] = out["article_id"].map(meta["published"]).astype("datetime64[ns]")
    out["title"] = out["article_id"].map(meta["title"]).astype("string") \
        if "title" in meta.columns else pd.Series(pd.NA, index=out.index, dtype="string")
    out = out.sort_values(["published", "outlet", "article_id", "start"],
                          na_position="last", ignore_index=True)
    cols = list(KWIC_COLUMNS)
    if by is not None:
        labels = pd.Series(group_column(articles, by).to_numpy(), index=articles["article_id"])
        out["group"] = out["article_id"].map(labels[~labels.index.duplicated()]).astype(object)
        cols.insert(cols.index("outlet") + 1, "group")
        out.attrs["by"] = by
    out = out[cols]
    out.attrs["entity_ids"] = ids
    return out


def sample_across(k: pd.DataFrame, n: int = 60) -> pd.DataFrame:
    """At most ``n`` rows of a :func:`kwic` table (or any table with ``published`` and
    ``article_id``, such as :func:`~workbench.analyze.quotes_table`), spread evenly over its
    groups (``group``, else ``outlet``) and, within each group, over time (evenly spaced in
    date order), so the first lines are not all one group's first month.  Sorted by group,
    then date; a note in ``attrs`` says what the sample is."""
    if len(k) <= n:
        return k
    key = "group" if "group" in k.columns else "outlet"
    labels = k[key].astype(object).where(k[key].notna(), "(unknown)")
    sizes = labels.value_counts()
    quota = _quotas(sizes, n)
    picked = []
    for label, rows in k.groupby(labels, sort=True):
        order = [c for c in ("published", "article_id", "start") if c in rows.columns]
        rows = rows.sort_values(order, na_position="last")
        take = quota[label]
        at = np.unique(np.linspace(0, len(rows) - 1, take).round().astype(int)) if take else []
        picked.append(rows.iloc[at])
    out = pd.concat(picked).sort_values([key, "published", "article_id"], na_position="last",
                                        ignore_index=True)
    out.attrs = {a: v for a, v in k.attrs.items() if a != "notes"}
    what = group_noun(str(k.attrs.get("by", key)), len(sizes))
    add_note(out, f"{len(out)} of {len(k):,} rows, sampled evenly across the {len(sizes)} "
                  f"{what} and over time within each.")
    return out


def _quotas(sizes: pd.Series, n: int) -> dict:
    """Lines per group: an equal share each, a small group's unused share going to the others."""
    quota = {g: 0 for g in sizes.index}
    left = n
    open_ = sorted(sizes.index, key=lambda g: (sizes[g], str(g)))
    while left > 0 and open_:
        share = max(1, left // len(open_))
        for g in list(open_):
            add = min(share, int(sizes[g]) - quota[g], left)
            quota[g] += add
            left -= add
            if quota[g] >= sizes[g]:
                open_.remove(g)
            if left == 0:
                break
    return quota


_FLAT = str.maketrans({"\r": " ", "\n": " ", "\t": " "})


def _flat(s: str) -> str:
    return s.translate(_FLAT)
