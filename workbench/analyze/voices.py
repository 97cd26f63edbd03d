"""Whose voices each group quotes: shares of quotes by speaker and by speaker affiliation."""

from __future__ import annotations

import pandas as pd

from .frequency import OTHER, most_common, weighted_most_common
from .select import UNKNOWN, group_column, grouped, restrict

VOICE_COLUMNS = ["group", "dimension", "voice", "affiliation", "quotes", "direct", "share",
                 "group_quotes"]


def voices(
    quotes: pd.DataFrame,
    articles: pd.DataFrame,
    *,
    by: str = "outlet",
    mentions: pd.DataFrame | None = None,
    top_n: int | None = None,
) -> pd.DataFrame:
    """Quotes per group and voice, as one long table with ``dimension`` = ``"speaker"`` or
    ``"affiliation"``: ``quotes``, ``direct`` (how many are direct quotations), ``share`` of the
    group's quotes and ``group_quotes``.

    Speakers are keyed by ``speaker_id`` and named by their canonical entity name when
    ``mentions`` is given (else the most common spelling); unresolved speakers appear as
    written.  Missing affiliations are ``"(unknown)"``.  ``top_n`` keeps the speakers with most
    quotes overall and lumps the rest into ``"(other)"`` per group.
    """
    q = grouped(quotes, articles, by)
    written = q["speaker"].astype("string").str.strip()
    written = written.where(written.notna() & (written != ""), UNKNOWN)
    key = q["speaker_id"].astype("string").fillna("as-written:" + written)
    q = q.assign(key=key.astype(object), written=written.astype(object),
                 direct=(q["kind"].astype("string") == "direct").fillna(False).astype(int))
    names = most_common(q, "key", "written")
    if mentions is not None and len(mentions):
        names = most_common(mentions, "entity_id", "entity").reindex(names.index).fillna(names)
    aff = q["speaker_affiliation"].astype("string").str.strip()
    q["affiliation"] = aff.where(aff.notna() & (aff != ""), UNKNOWN).astype(object)
    q["voice"] = q["key"].map(names).fillna(q["written"])

    return voice_shares(q.assign(n=1), by=by, top_n=top_n)


def voice_shares(q: pd.DataFrame, *, by: str, top_n: int | None = None) -> pd.DataFrame:
    """:func:`voices` from quote counts: one row per (``group``, speaker ``key``, ``voice``,
    ``affiliation``, ``direct`` 0/1) standing for ``n`` quotes — the pandas path passes each
    quote with ``n=1``, the store's SQL path its grouped counts."""
    q = q.copy()
    if top_n is not None:
        totals = q.groupby("key")["n"].sum().sort_values(ascending=False, kind="stable")
        lumped = ~q["key"].isin(set(totals.index[:top_n]))
        q.loc[lumped, "key"] = OTHER
        q.loc[lumped, "voice"] = OTHER
    q["direct_n"] = q["direct"] * q["n"]
    speakers = (q.groupby(["group", "key"])
                 .agg(voice=("voice", "first"), quotes=("n", "sum"), direct=("direct_n", "sum"))
                 .reset_index())
    aff = weighted_most_common(q, "key", "affiliation")
    speakers["affiliation"] = speakers["key"].map(aff).fillna(UNKNOWN)
    speakers.loc[speakers["key"] == OTHER, "affiliation"] = OTHER
    speakers["dimension"] = "speaker"
    affs = (q.groupby(["group", "affiliation"])
              .agg(quotes=("n", "sum"), direct=("direct_n", "sum")).reset_index())
    affs["voice"] = affs["affiliation"]
    affs["dimension"] = "affiliation"
    out = pd.concat([speakers.drop(columns="key"), affs], ignore_index=True)
    out["group_quotes"] = out.groupby(["group", "dimension"])["quotes"].transform("sum")
    out["share"] = out["quotes"] / out["group_quotes"]
    for col in ("quotes", "direct", "group_quotes"):
        out[col] = out[col].astype("int64")
    out["_other"] = out["voice"] == OTHER
    out = (out.sort_values(["dimension", "group", "_other", "quotes", "voice"],
                           ascending=[False, True, True, False, True], ignore_index=True)
              [VOICE_COLUMNS])
    out.attrs["by"] = by
    return out


QUOTE_TABLE_COLUMNS = ["group", "outlet", "published", "speaker", "speaker_affiliation", "verb",
                       "kind", "quote", "article_id", "start"]


def quotes_table(quotes: pd.DataFrame, articles: pd.DataFrame, *,
                 by: str = "outlet") -> pd.DataFrame:
    """The quotes of the selected articles, one row each, with the article's ``group`` (its
    ``by`` label), outlet and publication date, sorted by group, date and position."""
    q = restrict(quotes, articles)
    meta = articles.drop_duplicates("article_id").set_index("article_id")
    labels = pd.Series(group_column(meta, by).to_numpy(), index=meta.index)
    out = q.assign(group=q["article_id"].map(labels).astype(object),
                   outlet=q["article_id"].map(meta["outlet"]).astype("string"),
                   published=q["article_id"].map(meta["published"]).astype("datetime64[ns]"))
    out = out[QUOTE_TABLE_COLUMNS].sort_values(["group", "published", "article_id", "start"],
                                              na_position="last", ignore_index=True)
    out.attrs["by"] = by
    return out
