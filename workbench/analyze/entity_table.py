"""The top-entities table of ``workbench entities``: one row per entity, with its spellings."""

from __future__ import annotations

import pandas as pd

from workbench.analyze.select import restrict, select_articles

COLUMNS = ["entity", "type", "mentions", "articles", "outlets", "spellings"]


def top_entities_table(mentions: pd.DataFrame, articles: pd.DataFrame, *, top: int = 25,
                       types: list[str] | None = None, once: bool = True) -> pd.DataFrame:
    """Entity, type, mentions, articles, outlets and the spellings used (``"Kiev 3, Kyiv 1"``),
    most mentioned first; ``once`` counts near-duplicate copies of a story once."""
    articles = select_articles(articles, count_duplicates_once=once)
    m = restrict(mentions, articles)
    if types:
        m = m[m["type"].isin(types)]
    if m.empty:
        return pd.DataFrame(columns=COLUMNS)
    outlets = articles.set_index("article_id")["outlet"]
    m = m.assign(outlet=m["article_id"].map(outlets))
    spellings = (m.groupby(["entity_id", "text"]).size().rename("n").reset_index()
                 .sort_values(["entity_id", "n"], ascending=[True, False])
                 .groupby("entity_id")
                 .apply(_spellings, include_groups=False))
    agg = m.groupby(["entity_id"]).agg(entity=("entity", "first"), type=("type", "first"),
                                       mentions=("text", "size"),
                                       articles=("article_id", "nunique"),
                                       outlets=("outlet", "nunique"))
    agg["spellings"] = spellings
    agg = agg.sort_values(["mentions", "articles", "entity"], ascending=[False, False, True])
    return agg.head(top).reset_index(drop=True)


def _spellings(group: pd.DataFrame) -> str:
    return ", ".join(f"{t} {n}" for t, n in zip(group["text"], group["n"], strict=True))
