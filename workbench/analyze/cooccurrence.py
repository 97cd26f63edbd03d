"""Which entities are mentioned together, within articles or within sentences.

The normalised measure is the Jaccard index, ``together / (units_a + units_b - together)``:
the share of units mentioning either entity that mention both.  It is bounded 0–1 and stays
readable with the small counts a few dozen articles give; PMI was not used because it explodes
for rare pairs (one shared article between two rare names scores highest).
"""

from __future__ import annotations

import itertools

import pandas as pd

from .frequency import most_common
from .select import group_column, restrict

COOC_COLUMNS = ["entity_a", "entity_b", "entity_id_a", "entity_id_b", "together", "units_a",
                "units_b", "jaccard", "units", "unit"]


def cooccurrence(
    mentions: pd.DataFrame,
    articles: pd.DataFrame,
    *,
    top_n: int = 20,
    unit: str = "article",
    min_together: int = 1,
    by: str | None = None,
) -> pd.DataFrame:
    """Co-occurrence of the ``top_n`` entities (by number of units mentioning them) within each
    ``unit`` (``"article"`` or ``"sentence"``, via ``sent_index``).

    A long, symmetric table — both (a, b) and (b, a), no diagonal — for a matrix chart:
    ``together`` (units mentioning both), ``units_a`` / ``units_b`` (units mentioning each),
    ``jaccard`` and ``units`` (units looked at: the selected articles, or their sentences that
    mention any entity).  Pairs seen together fewer than ``min_together`` times are left out.
    With ``by`` the pairs are counted within each group (``group`` column first), over the
    same ``top_n`` entities of the whole selection, so the groups' matrices can be compared.
    """
    if unit not in ("article", "sentence"):
        raise ValueError("unit must be 'article' or 'sentence'")
    m = restrict(mentions, articles)
    m = m[m["entity_id"].notna()]
    keys = ["article_id"] if unit == "article" else ["article_id", "sent_index"]
    m = m.dropna(subset=keys)
    presence = m[keys + ["entity_id"]].drop_duplicates()
    presence = presence.assign(unit_key=_unit_key(presence, keys))

    per_entity = presence.groupby("entity_id")["unit_key"].nunique()
    names = most_common(m, "entity_id", "entity")
    order = (pd.DataFrame({"n": per_entity, "name": names.reindex(per_entity.index)})
               .sort_values(["n", "name"], ascending=[False, True]))
    top = list(order.index[:top_n])
    presence = presence[presence["entity_id"].isin(top)]

    rank = {e: i for i, e in enumerate(top)}
    if by is None:
        out = _pairs(presence, articles, unit, rank, per_entity, names, min_together)
    else:
        labels = pd.Series(group_column(articles, by).to_numpy(), index=articles["article_id"])
        labels = labels[~labels.index.duplicated()]
        presence = presence.assign(group=presence["article_id"].map(labels))
        parts = []
        for group, arts in articles.groupby(group_column(articles, by).to_numpy(), sort=True):
            p = presence[presence["group"] == group]
            counts = p.groupby("entity_id")["unit_key"].nunique()
            part = _pairs(p, arts, unit, rank, counts, names, min_together)
            parts.append(part.assign(group=group))
        out = (pd.concat(parts, ignore_index=True) if parts
               else pd.DataFrame(columns=COOC_COLUMNS).assign(group=None))
        out = out[["group", *COOC_COLUMNS]]
        out.attrs["by"] = by
    # Kept so a matrix can order both axes by frequency even for entities with no pair.
    out.attrs["entities"] = [names.get(e, e) for e in top]
    return out


def _pairs(presence: pd.DataFrame, articles: pd.DataFrame, unit: str, rank: dict[str, int],
           per_entity: pd.Series, names: pd.Series, min_together: int) -> pd.DataFrame:
    """The symmetric pair table of the entities in ``rank`` over the units of ``presence``."""
    n_units = (articles["article_id"].nunique() if unit == "article"
               else presence["unit_key"].nunique())
    pairs: dict[tuple[str, str], int] = {}
    for ents in presence.groupby("unit_key")["entity_id"].agg(list):
        for a, b in itertools.combinations(sorted(set(ents), key=rank.__getitem__), 2):
            pairs[(a, b)] = pairs.get((a, b), 0) + 1

    rows = [(a, b, n) for (a, b), n in pairs.items() if n >= min_together]
    rows += [(b, a, n) for a, b, n in rows]
    out = pd.DataFrame(rows, columns=["entity_id_a", "entity_id_b", "together"])
    out["units_a"] = out["entity_id_a"].map(per_entity).astype("int64")
    out["units_b"] = out["entity_id_b"].map(per_entity).astype("int64")
    out["together"] = out["together"].astype("int64")
    union = out["units_a"] + out["units_b"] - out["together"]
    out["jaccard"] = (out["together"] / union).astype("float64")
    out["entity_a"] = out["entity_id_a"].map(names)
    out["entity_b"] = out["entity_id_b"].map(names)
    out["units"] = int(n_units)
    out["unit"] = unit
    out["_ra"] = out["entity_id_a"].map(rank)
    out["_rb"] = out["entity_id_b"].map(rank)
    out = out.sort_values(["_ra", "_rb"]).drop(columns=["_ra", "_rb"]).reset_index(drop=True)
    return out[COOC_COLUMNS]


def _unit_key(presence: pd.DataFrame, keys: list[str]) -> pd.Series:
    if len(keys) == 1:
        return presence["article_id"].astype(str)
    return presence["article_id"].astype(str) + "#" + presence["sent_index"].astype(str)
