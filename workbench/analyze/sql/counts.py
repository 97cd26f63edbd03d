"""Counts per group in SQL: entity frequency, keyness's entity counts, naming variants,
voices and co-occurrence — the pandas functions of :mod:`workbench.analyze` over a store.

Each function takes a :class:`~workbench.analyze.sql.core.Selection` where its pandas twin
takes ``(table, articles)``, pushes the per-row work into DuckDB, and finishes the small
aggregated table in pandas with the twin's own rules (shares, sorting, ``top_n``).
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from workbench.analyze.cooccurrence import COOC_COLUMNS
from workbench.analyze.frequency import FREQ_COLUMNS, _sorted, top_entities, weighted_most_common
from workbench.analyze.select import UNKNOWN
from workbench.analyze.sql.core import Selection, lit, lits, most_common, strip
from workbench.analyze.variants import VARIANT_COLUMNS
from workbench.analyze.voices import VOICE_COLUMNS, voice_shares


def entity_frequency(sel: Selection, *, by: str = "outlet", types: Iterable[str] | None = None,
                     top_n: int | None = None) -> pd.DataFrame:
    """:func:`workbench.analyze.frequency.entity_frequency` of the selection's mentions."""
    out = _frequency(sel, by, types)
    out.attrs["by"] = by
    return top_entities(out, top_n) if top_n is not None else out


def _frequency(sel: Selection, by: str | None, types: Iterable[str] | None) -> pd.DataFrame:
    cond = ""
    if types is not None:
        wanted = {types.upper()} if isinstance(types, str) else {t.upper() for t in types}
        cond = f"WHERE upper(type) IN {lits(sorted(wanted))}"
    def m(files: list[str] | None) -> str:
        rows = sel.rows("mentions", ["entity_id", "entity", "text", "type"], by=by,
                        grouped=True, files=files)
        return (f"(SELECT article_id, grp, coalesce(entity_id, CASE WHEN entity_id IS NULL "
                f"THEN 'text:' || lower({strip('text')}) END) AS eid, coalesce(entity, text) "
                f"AS ent, coalesce(type, 'OTHER') AS typ FROM {rows} {cond})")

    db = sel.db
    # Per batch of parts: (group, entity) mentions and distinct articles (exact sums: parts
    # hold disjoint articles), and counts per (entity, name, type) for names and types.
    f = db.partwise("mentions", lambda files: (
        f"SELECT grp, eid, count(*) AS mentions, count(DISTINCT article_id) AS articles "
        f"FROM {m(files)} WHERE eid IS NOT NULL GROUP BY ALL"), sums=("mentions", "articles"))
    c = db.partwise("mentions", lambda files: (
        f"SELECT eid, ent, typ, count(*) AS n FROM {m(files)} WHERE eid IS NOT NULL "
        f"GROUP BY ALL"), sums=("n",))
    freq = db.df(f"""
        WITH f AS (SELECT grp, eid, sum(mentions) AS mentions, sum(articles) AS articles
                   FROM {f} GROUP BY ALL),
        nm AS (SELECT eid AS k, ent AS v FROM (SELECT eid, ent, sum(n) AS n FROM {c}
               WHERE ent IS NOT NULL GROUP BY ALL)
               QUALIFY row_number() OVER (PARTITION BY eid ORDER BY n DESC, ent) = 1),
        ty AS (SELECT eid AS k, typ AS v FROM (SELECT eid, typ, sum(n) AS n FROM {c}
               GROUP BY ALL)
               QUALIFY row_number() OVER (PARTITION BY eid ORDER BY n DESC, typ) = 1)
        SELECT f.grp AS "group", f.eid AS entity_id, nm.v AS entity, ty.v AS type,
               f.mentions, f.articles, coalesce(w.words, 0) AS words
        FROM f LEFT JOIN nm ON nm.k = f.eid LEFT JOIN ty ON ty.k = f.eid
        LEFT JOIN {sel.group_words(by)} w ON w.grp = f.grp""")
    db.con.execute(f"DROP TABLE {f}; DROP TABLE {c}")
    freq["mentions"] = freq["mentions"].astype("int64")
    freq["articles"] = freq["articles"].astype("Int64")
    freq["words"] = freq["words"].astype("int64")
    w = freq["words"].astype("float64")
    freq["per_1k_words"] = (freq["mentions"].astype("float64") * 1000.0 / w.where(w > 0))
    freq["share"] = freq["mentions"] / freq.groupby("group")["mentions"].transform("sum")
    # entity_id last: a tie the pandas order leaves to the rows' order is settled the same
    # way on every run.
    freq = freq.sort_values(["group", "mentions", "entity", "entity_id"],
                            ascending=[True, False, True, True], kind="stable")
    return _sorted(freq[FREQ_COLUMNS])


def entity_counts(sel: Selection, *, by: str = "outlet") -> pd.DataFrame:
    """:func:`workbench.analyze.keyness.entity_counts` (the keyness input) of the selection:
    group, term (canonical name, else the mention as written), count."""
    rows = sel.rows("mentions", ["entity", "text"], by=by, grouped=True)
    out = sel.db.df(f"""
        SELECT grp AS "group", term, count(*) AS count FROM (
            SELECT grp, coalesce(entity, {strip('text')}) AS term FROM {rows})
        WHERE term IS NOT NULL GROUP BY ALL""")
    out["count"] = out["count"].astype("int64")
    out["term"] = out["term"].astype("string")
    out = out.sort_values(["group", "count", "term"], ascending=[True, False, True],
                          ignore_index=True)
    out.attrs["by"] = by
    out.attrs["unit"] = "entity mentions"
    return out


def variant_shares(sel: Selection, *, by: str = "outlet", min_variants: int = 2
                   ) -> pd.DataFrame:
    """:func:`workbench.analyze.variants.variant_shares` of the selection's mentions."""
    rows = sel.rows("mentions", ["entity_id", "entity", "text", "variant"], by=by, grouped=True)
    out = sel.db.df(f"""
        WITH m AS NOT MATERIALIZED (
            SELECT grp, entity_id, entity, text, lower({strip('variant')}) AS variant
            FROM {rows} WHERE entity_id IS NOT NULL AND variant IS NOT NULL),
        c AS (SELECT entity_id FROM m GROUP BY 1
              HAVING count(DISTINCT variant) >= {int(min_variants)}),
        mc AS NOT MATERIALIZED (SELECT *, entity_id || '|' || variant AS key FROM m
                                SEMI JOIN c USING (entity_id)),
        o AS (SELECT grp, entity_id, variant, count(*) AS mentions FROM mc GROUP BY ALL)
        SELECT o.grp AS "group", o.entity_id, coalesce(nm.v, o.entity_id) AS entity,
               o.variant, sp.v AS spelling, o.mentions,
               sum(o.mentions) OVER (PARTITION BY o.grp, o.entity_id) AS entity_mentions
        FROM o LEFT JOIN {most_common('mc', 'entity_id', 'entity')} nm ON nm.k = o.entity_id
        LEFT JOIN {most_common('mc', 'key', 'text')} sp
               ON sp.k = o.entity_id || '|' || o.variant""")
    if out.empty:
        return pd.DataFrame(columns=VARIANT_COLUMNS).assign(
            mentions=pd.Series(dtype="int64"), share=pd.Series(dtype="float64"))
    for col in ("mentions", "entity_mentions"):
        out[col] = out[col].astype("int64")
    out["share"] = out["mentions"] / out["entity_mentions"]
    out = out.sort_values(["entity", "group", "mentions", "variant"],
                          ascending=[True, True, False, True], ignore_index=True)
    out = out[VARIANT_COLUMNS]
    out.attrs["by"] = by
    return out


def voices(sel: Selection, *, by: str = "outlet", mentions: bool = False,
           top_n: int | None = None) -> pd.DataFrame:
    """:func:`workbench.analyze.voices.voices` of the selection's quotes; ``mentions=True``
    names speakers by their canonical name in the store's mentions (the pandas call's
    ``mentions=ann.mentions``)."""
    rows = sel.rows("quotes", ["speaker", "speaker_id", "speaker_affiliation", "kind"], by=by,
                    grouped=True)
    unknown = lit(UNKNOWN)
    # Counts per (group, speaker key, spelling, affiliation, direct): all voices needs.
    q = sel.db.df(f"""
        SELECT grp, coalesce(speaker_id, 'as-written:' || written) AS key, written,
               coalesce(nullif({strip('speaker_affiliation')}, ''), {unknown}) AS affiliation,
               CASE WHEN kind = 'direct' THEN 1 ELSE 0 END AS direct, count(*) AS n
        FROM (SELECT *, coalesce(nullif({strip('speaker')}, ''), {unknown}) AS written
              FROM {rows}) GROUP BY ALL""")
    if q.empty:
        return _voices_empty(by)
    names = weighted_most_common(q, "key", "written")
    if mentions:
        keys = lits(names.index)
        canon = sel.db.df("SELECT k, v FROM " + most_common(_named(sel, keys), "entity_id",
                                                             "entity"))
        if len(canon):
            names = canon.set_index("k")["v"].reindex(names.index).fillna(names)
    q["voice"] = q["key"].map(names)
    return voice_shares(q.rename(columns={"grp": "group"}), by=by, top_n=top_n)


def _named(sel: Selection, keys: str) -> str:
    """The store's mentions (every article: the pandas call passes all of them) of the
    speaker keys ``keys``."""
    return (f"(SELECT entity_id, entity FROM {sel.db.source('mentions')} "
            f"WHERE entity_id IN {keys})")


def _voices_empty(by: str) -> pd.DataFrame:
    out = pd.DataFrame({c: pd.Series(dtype="int64" if c in ("quotes", "direct", "group_quotes")
                                     else "float64" if c == "share" else object)
                        for c in VOICE_COLUMNS})
    out.attrs["by"] = by
    return out


def cooccurrence(sel: Selection, *, top_n: int = 20, unit: str = "article",
                 min_together: int = 1, by: str | None = None) -> pd.DataFrame:
    """:func:`workbench.analyze.cooccurrence.cooccurrence` with ``unit="article"``: the
    ``top_n`` entities (by articles mentioning them), each pair's articles together, Jaccard;
    with ``by``, per group over the same entities."""
    if unit != "article":
        raise ValueError("the SQL co-occurrence counts articles only (unit='article'); "
                         "sentences: use workbench.analyze.cooccurrence on a small selection")
    db = sel.db
    grp = "grp" if by is not None else "'all'"

    def rows(files: list[str] | None) -> str:
        return sel.rows("mentions", ["entity_id", "entity"], by=by, grouped=by is not None,
                        files=files)

    # Per batch of parts (they hold disjoint articles, so the sums are exact).
    ne = db.partwise("mentions", lambda files: (
        f"SELECT entity_id, count(DISTINCT article_id) AS n FROM {rows(files)} "
        f"WHERE entity_id IS NOT NULL GROUP BY 1"), sums=("n",))
    spelled = db.partwise("mentions", lambda files: (
        f"SELECT entity_id, entity, count(*) AS n FROM {rows(files)} "
        f"WHERE entity_id IS NOT NULL AND entity IS NOT NULL GROUP BY ALL"), sums=("n",))
    top = db.df(f"""
        WITH n AS (SELECT entity_id, sum(n) AS n FROM {ne} GROUP BY 1),
        nm AS (SELECT entity_id AS k, entity AS v FROM (SELECT entity_id, entity, sum(n) AS n
               FROM {spelled} GROUP BY ALL)
               QUALIFY row_number() OVER (PARTITION BY entity_id ORDER BY n DESC, entity) = 1)
        SELECT n.entity_id, n.n, nm.v AS name FROM n LEFT JOIN nm ON nm.k = n.entity_id
        ORDER BY n.n DESC, nm.v ASC NULLS LAST, n.entity_id LIMIT {int(top_n)}""")
    db.con.execute(f"DROP TABLE {ne}; DROP TABLE {spelled}")
    ids = list(top["entity_id"])
    names = pd.Series(top["name"].to_numpy(), index=ids, dtype=object).dropna()
    rank = {e: i for i, e in enumerate(ids)}
    pairs = db.partwise("mentions", lambda files: f"""
        WITH p AS (SELECT DISTINCT article_id, entity_id, {grp} AS grp FROM {rows(files)}
                   WHERE entity_id IN {lits(ids)})
        SELECT a.grp, a.entity_id AS entity_id_a, b.entity_id AS entity_id_b,
               count(*) AS together, NULL::BIGINT AS n
        FROM p a JOIN p b ON a.article_id = b.article_id AND a.grp = b.grp
             AND a.entity_id <> b.entity_id GROUP BY ALL
        UNION ALL SELECT grp, entity_id, NULL, NULL, count(*) FROM p GROUP BY ALL""")
    counts = db.df(f"""SELECT grp, entity_id_a, entity_id_b, sum(together) AS together
                       FROM {pairs} WHERE n IS NULL GROUP BY ALL
                       HAVING sum(together) >= {int(min_together)}""")
    per = db.df(f"SELECT grp, entity_id_a AS entity_id, sum(n) AS n FROM {pairs} "
                f"WHERE n IS NOT NULL GROUP BY ALL")
    db.con.execute(f"DROP TABLE {pairs}")
    units = db.df(f"SELECT grp, count(*) AS units FROM {sel.labels(by)} GROUP BY 1")
    units = units.set_index("grp")["units"]
    per = per.set_index(["grp", "entity_id"])["n"]
    counts["units_a"] = pd.Series(list(zip(counts["grp"], counts["entity_id_a"], strict=True)),
                                  dtype=object).map(per).astype("int64")
    counts["units_b"] = pd.Series(list(zip(counts["grp"], counts["entity_id_b"], strict=True)),
                                  dtype=object).map(per).astype("int64")
    counts["together"] = counts["together"].astype("int64")
    union = counts["units_a"] + counts["units_b"] - counts["together"]
    counts["jaccard"] = (counts["together"] / union).astype("float64")
    counts["entity_a"] = counts["entity_id_a"].map(names)
    counts["entity_b"] = counts["entity_id_b"].map(names)
    counts["units"] = counts["grp"].map(units).astype("int64")
    counts["unit"] = unit
    counts["_ra"] = counts["entity_id_a"].map(rank)
    counts["_rb"] = counts["entity_id_b"].map(rank)
    out = counts.sort_values(["grp", "_ra", "_rb"], ignore_index=True)
    if by is None:
        out = out[COOC_COLUMNS]
    else:
        out = out.rename(columns={"grp": "group"})[["group", *COOC_COLUMNS]]
        out.attrs["by"] = by
    out.attrs["entities"] = [names.get(e, e) for e in ids]
    return out
