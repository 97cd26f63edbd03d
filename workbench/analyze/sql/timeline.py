"""Timelines in SQL: :mod:`workbench.analyze.timeline`'s articles and mentions per period, and
the dated events the texts cite, over a store."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from workbench.analyze.frequency import top_entities
from workbench.analyze.select import add_note
from workbench.analyze.sql.core import Selection, lit, lits, strip
from workbench.analyze.sql.counts import _frequency
from workbench.analyze.timeline import (
    FREQS,
    _date_end,
    linked,
    mentions_table,
    resolve_freq,
    when,
)

_TRUNC = {"D": ("day", "INTERVAL 1 DAY"), "W": ("week", "INTERVAL 7 DAY"),
          "M": ("month", "INTERVAL 1 MONTH")}


def _freq(sel: Selection, freq: str) -> str:
    """``resolve_freq`` over the selection's publication dates (only their span counts)."""
    lo, hi = sel.db.con.execute(f"SELECT min(published), max(published) "
                                f"FROM {sel.name}").fetchone()
    freq = resolve_freq(freq, pd.Series([lo, hi], dtype="datetime64[ns]"))
    if freq not in FREQS:
        raise ValueError(f"freq must be one of {sorted(FREQS)}, not {freq!r}")
    return freq


def _period(freq: str, col: str = "published") -> tuple[str, str]:
    """SQL of :func:`~workbench.analyze.timeline.periods`: a period's first day, and the next
    period's (weeks from Monday, as ``W-SUN`` periods)."""
    unit, step = _TRUNC[freq]
    start = f"date_trunc('{unit}', {col})"
    return start, f"({start} + {step})"


def articles_over_time(sel: Selection, *, by: str = "outlet", freq: str = "D"
                       ) -> pd.DataFrame:
    """:func:`workbench.analyze.timeline.articles_over_time` of the selection."""
    freq = _freq(sel, freq)
    start, end = _period(freq, "s.published")
    estimated = ("CASE WHEN s.published_source = 'text' THEN 1 ELSE 0 END")
    out = sel.db.df(f"""
        SELECT g.grp AS "group", {start} AS period, {end} AS period_end, count(*) AS articles,
               sum({estimated}) AS estimated
        FROM {sel.name} s JOIN {sel.labels(by)} g USING (article_id) GROUP BY ALL""")
    out = _times(out, ["period", "period_end"])
    out["articles"] = out["articles"].astype("int64")
    out["estimated"] = out["estimated"].astype("int64")
    out["undated"] = out["period"].isna()
    out = out[["group", "period", "period_end", "articles", "estimated", "undated"]]
    out = out.sort_values(["undated", "period", "group"], ignore_index=True)
    out.attrs.update(by=by, freq=freq)
    return out


def _times(df: pd.DataFrame, cols: list[str]) -> pd.DataFrame:
    for col in cols:
        df[col] = pd.to_datetime(df[col]).astype("datetime64[ns]")
    return df


def entity_ids(sel: Selection, wanted: str | Iterable[str]) -> list[str]:
    """:func:`workbench.analyze.frequency.entity_ids` over the selection's mentions: ids,
    names or spellings (case-insensitive, tried in that order), in order of appearance."""
    items = [wanted] if isinstance(wanted, str) else list(wanted)
    rows = sel.rows("mentions", ["entity_id", "entity", "text"], order=True)
    found: list[str] = []
    for item in items:
        needle = lit(str(item).strip().lower())
        for field in ("lower(entity_id)", "lower(entity)", f"lower({strip('text')})"):
            hit = sel.db.df(f"SELECT entity_id FROM {rows} WHERE entity_id IS NOT NULL AND "
                            f"{field} = {needle} GROUP BY 1 "
                            f"ORDER BY min({{'f': _file, 'r': _row}})")
            if len(hit):
                found.extend(h for h in hit["entity_id"] if h not in found)
                break
    return found


def mentions_over_time(sel: Selection, entities: str | Iterable[str] | None = None, *,
                       freq: str = "D", top_n: int = 5, by: str | None = None
                       ) -> pd.DataFrame:
    """:func:`workbench.analyze.timeline.mentions_over_time` of the selection: mentions of
    ``entities`` (default: the ``top_n`` most mentioned) per period of publication."""
    freq = _freq(sel, freq)
    if entities is None:
        wanted = list(top_entities(linked(_frequency(sel, None, None)), top_n,
                                   other=False)["entity_id"])
    else:
        wanted = entity_ids(sel, entities)
    start, end = _period(freq, "s.published")
    grp = "g.grp" if by is not None else "'all'"
    per = (f"(SELECT s.article_id, {grp} AS grp, {start} AS period, {end} AS period_end, "
           f"coalesce(s.n_words, 0) AS words FROM {sel.name} s "
           f"JOIN {sel.labels(by)} g USING (article_id))")
    rows = sel.rows("mentions", ["entity_id", "entity"])
    out = sel.db.df(f"""
        WITH per AS {per},
        slots AS (SELECT grp, period, period_end, sum(words)::BIGINT AS words FROM per
                  GROUP BY ALL),
        m AS (SELECT m.article_id, m.entity_id, m.entity, per.grp, per.period
              FROM {rows} m JOIN per USING (article_id) WHERE m.entity_id IN {lits(wanted)}),
        c AS (SELECT entity_id, grp, period, sum(n) AS mentions, count(*) AS articles
              FROM (SELECT entity_id, grp, period, article_id, count(*) AS n FROM m
                    GROUP BY ALL) GROUP BY ALL),
        nm AS (SELECT k, v FROM (SELECT entity_id AS k, entity AS v, count(*) AS n FROM m
               WHERE entity IS NOT NULL GROUP BY ALL)
               QUALIFY row_number() OVER (PARTITION BY k ORDER BY n DESC, v) = 1),
        ents AS (SELECT unnest({_list(wanted)}) AS entity_id)
        SELECT s.grp AS "group", s.period, s.period_end, e.entity_id, nm.v AS entity,
               coalesce(c.mentions, 0) AS mentions, coalesce(c.articles, 0) AS articles,
               s.words
        FROM slots s CROSS JOIN ents e
        LEFT JOIN c ON c.entity_id = e.entity_id AND c.grp = s.grp
             AND c.period IS NOT DISTINCT FROM s.period
        LEFT JOIN nm ON nm.k = e.entity_id""")
    out = _times(out, ["period", "period_end"])
    for col in ("mentions", "articles", "words"):
        out[col] = out[col].astype("int64")
    out["entity_id"] = out["entity_id"].astype(object)
    out["undated"] = out["period"].isna()
    return mentions_table(out, wanted, freq=freq, by=by)


def _list(values: list[str]) -> str:
    return "[" + ", ".join(lit(v) for v in values) + "]::VARCHAR[]"


_PRECISION = ("CASE WHEN lower(d.precision) IN ('day', 'month', 'year') "
              "THEN lower(d.precision) ELSE 'day' END")


def _events_sql(sel: Selection, by: str, files: list[str] | None = None) -> str:
    """The selection's date expressions (in ``files`` of the parts, default all) with their
    group, article title and row order (as ``dated_events`` builds them, before dropping the
    unresolved ones)."""
    rows = sel.rows("dates", ["date", "precision", "text", "sentence"], by=by, grouped=True,
                    order=True, files=files)
    return (f"(SELECT d.article_id, d.grp, CAST(d.date AS TIMESTAMP) AS date, {_PRECISION} AS "
            f"precision, d.text, d.sentence, a.title, d._file, d._row FROM {rows} d "
            f"JOIN (SELECT article_id, title FROM {sel.db.source('articles')}) a "
            f"USING (article_id))")


def _event_attrs(sel: Selection, out: pd.DataFrame, by: str, n_unresolved: int) -> None:
    out.attrs["by"] = by
    published = sel.published_range()
    if published:
        out.attrs["published_range"] = published
    if n_unresolved:
        one = n_unresolved == 1
        add_note(out, f"{n_unresolved} date expression{'' if one else 's'} could not be "
                      f"resolved to a calendar date and {'is' if one else 'are'} not shown.")


def dated_events(sel: Selection, *, by: str = "outlet") -> pd.DataFrame:
    """:func:`workbench.analyze.timeline.dated_events`: one row per resolved date expression
    of the selection — as many rows as the store has such expressions, so for a large
    selection prefer :func:`events_by_date`."""
    ev = _events_sql(sel, by)
    n_unresolved = int(sel.db.scalar(f"SELECT count(*) FROM {ev} WHERE date IS NULL"))
    d = sel.db.df(f"SELECT e.*, CAST(a.published AS TIMESTAMP) AS published FROM {ev} e "
                  f"JOIN {sel.name} a USING (article_id) WHERE e.date IS NOT NULL "
                  f"ORDER BY e._file, e._row")
    d = _times(d, ["date", "published"])
    d["precision"] = d["precision"].astype(object)
    d["date_end"] = _date_end(d["date"], d["precision"])
    d["when"] = when(d["date"], d["precision"])
    d = d.rename(columns={"grp": "group"})
    out = d[["date", "date_end", "precision", "when", "text", "sentence", "article_id", "title",
             "group", "published"]]
    out = out.sort_values(["date", "precision", "group", "article_id"], ignore_index=True)
    _event_attrs(sel, out, by, n_unresolved)
    return out


def events_by_date(sel: Selection, *, by: str = "outlet", per_group: bool = False
                   ) -> pd.DataFrame:
    """``events_by_date(dated_events(...), per_group=...)`` of
    :mod:`workbench.analyze.timeline` straight from the store: per (date, precision[, group])
    the mentions, articles, groups, group_list, the most common expression, and the first
    sentence and title in the events' order."""
    db = sel.db
    keys = ["date", "precision"] + (["grp"] if per_group else [])
    k = ", ".join(keys)
    # dated_events sorts by (date, precision, group, article_id), keeping the rows' order
    # within an article: "first" is the least of that order.
    first = "{'g': grp, 'a': article_id, 'f': _file, 'r': _row}"
    # Per batch of parts and (date, precision, group): exact partial counts (an article is in
    # one part and one group), the first sentence and title with their place in that order.
    part = db.partwise("dates", lambda files: f"""
        SELECT date, precision, grp, count(*) AS mentions,
               count(DISTINCT article_id) AS articles,
               min({first}) FILTER (WHERE sentence IS NOT NULL) AS s_key,
               arg_min(sentence, {first}) FILTER (WHERE sentence IS NOT NULL) AS sentence,
               min({first}) FILTER (WHERE title IS NOT NULL) AS t_key,
               arg_min(title, {first}) FILTER (WHERE title IS NOT NULL) AS title
        FROM {_events_sql(sel, by, files)} GROUP BY ALL""")
    texts = db.partwise("dates", lambda files: f"""
        SELECT date, precision, grp, CAST(text AS VARCHAR) AS text, count(*) AS n
        FROM {_events_sql(sel, by, files)} WHERE date IS NOT NULL AND text IS NOT NULL
        GROUP BY ALL""")
    n_unresolved = int(db.scalar(f"SELECT coalesce(sum(mentions), 0) FROM {part} "
                                 f"WHERE date IS NULL"))
    out = db.df(f"""
        WITH t AS (SELECT {k}, text FROM (SELECT {k}, text, sum(n) AS n FROM {texts}
                   GROUP BY ALL)
                   QUALIFY row_number() OVER (PARTITION BY {k} ORDER BY n DESC, text) = 1)
        SELECT a.*, t.text FROM (
            SELECT {k}, sum(mentions) AS mentions, sum(articles) AS articles,
                   count(DISTINCT grp) AS groups,
                   string_agg(DISTINCT grp, '; ' ORDER BY grp) AS group_list,
                   arg_min(sentence, s_key) FILTER (WHERE s_key IS NOT NULL) AS sentence,
                   arg_min(title, t_key) FILTER (WHERE t_key IS NOT NULL) AS title
            FROM {part} WHERE date IS NOT NULL GROUP BY ALL) a
        LEFT JOIN t ON {" AND ".join(f"t.{c} IS NOT DISTINCT FROM a.{c}" for c in keys)}""")
    db.con.execute(f"DROP TABLE {part}; DROP TABLE {texts}")
    out = out.rename(columns={"grp": "group"})
    keys = ["date", "precision"] + (["group"] if per_group else [])
    cols = keys + ["date_end", "when", "mentions", "articles", "groups", "group_list",
                   "sentence", "title", "text"]
    if out.empty:
        out = pd.DataFrame(columns=cols)
        _event_attrs(sel, out, by, n_unresolved)  # the notes say why it is empty
        return out
    out = _times(out, ["date"])
    out["precision"] = out["precision"].astype(object)
    out["date_end"] = _date_end(out["date"], out["precision"])
    out["when"] = when(out["date"], out["precision"])
    for col in ("mentions", "articles", "groups"):
        out[col] = out[col].astype("int64")
    out = out[cols].sort_values(keys, ignore_index=True)
    _event_attrs(sel, out, by, n_unresolved)
    return out
