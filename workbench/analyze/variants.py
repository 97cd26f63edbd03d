"""Naming variants: which spelling of a contested name each group uses ("Kiev" or "Kyiv")."""

from __future__ import annotations

import pandas as pd

from .frequency import most_common
from .select import grouped

VARIANT_COLUMNS = ["group", "entity_id", "entity", "variant", "spelling", "mentions", "share",
                   "entity_mentions"]


def variant_shares(
    mentions: pd.DataFrame,
    articles: pd.DataFrame,
    *,
    by: str = "outlet",
    min_variants: int = 2,
) -> pd.DataFrame:
    """For each entity with at least ``min_variants`` variant tags in use across the selected
    articles, each group's ``mentions`` per tag and ``share`` of the group's tagged mentions of
    that entity (e.g. Izvestia: kiev 100 %; Moldova 1: kyiv 100 %).  ``spelling`` is the most
    common written form of the tag, ``entity_mentions`` the group's tagged mentions of the
    entity.  Mentions without a tag are not counted: the share says which spelling a group
    chooses when the knowledge base recognised a choice."""
    m = grouped(mentions, articles, by)
    m = m[m["entity_id"].notna() & m["variant"].notna()]
    m = m.assign(variant=m["variant"].astype("string").str.strip().str.lower())
    n_tags = m.groupby("entity_id")["variant"].nunique()
    contested = n_tags.index[n_tags >= min_variants]
    m = m[m["entity_id"].isin(contested)]
    if m.empty:
        return pd.DataFrame(columns=VARIANT_COLUMNS).assign(
            mentions=pd.Series(dtype="int64"), share=pd.Series(dtype="float64"))
    out = (m.groupby(["group", "entity_id", "variant"]).size().rename("mentions")
            .reset_index())
    out["entity_mentions"] = out.groupby(["group", "entity_id"])["mentions"].transform("sum")
    out["share"] = out["mentions"] / out["entity_mentions"]
    out["entity"] = out["entity_id"].map(most_common(m, "entity_id", "entity"))
    out["entity"] = out["entity"].fillna(out["entity_id"])
    spelling = most_common(m.assign(key=m["entity_id"] + "|" + m["variant"]), "key", "text")
    out["spelling"] = (out["entity_id"] + "|" + out["variant"]).map(spelling)
    out = out.sort_values(["entity", "group", "mentions", "variant"],
                          ascending=[True, True, False, True], ignore_index=True)
    out = out[VARIANT_COLUMNS]
    out.attrs["by"] = by
    return out
