"""When articles appeared, when entities were mentioned, and which dates the texts talk about.

Undated articles are never dropped silently: the per-period tables carry them as rows with
``undated=True`` and ``period`` NaT, so a chart or a sentence can say how many there are.
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from .frequency import entity_frequency, entity_ids, most_common, top_entities
from .select import add_note, group_column, grouped, restrict

FREQS = {"D": "D", "W": "W-SUN", "M": "M"}  # weeks run Monday–Sunday
PERIOD_NAMES = {"D": "day", "W": "week", "M": "month"}
AUTO = "auto"
# With "auto", the longest span still drawn per day / per week (longer spans: per month), so a
# five-day story gets days and a ten-year dataset a few hundred bars, not thousands.
AUTO_SPANS = (("D", pd.Timedelta(days=92)), ("W", pd.Timedelta(days=731)))


def resolve_freq(freq: str, published: pd.Series) -> str:
    """``freq`` itself, or for ``"auto"`` the period the span of ``published`` calls for:
    days up to three months, weeks up to two years, else months."""
    if freq != AUTO:
        return freq
    dated = pd.to_datetime(published).dropna()
    span = dated.max() - dated.min() if len(dated) else pd.Timedelta(0)
    return next((f for f, longest in AUTO_SPANS if span <= longest), "M")


def periods(published: pd.Series, freq: str = "D") -> pd.DataFrame:
    """``period`` (first day) and ``period_end`` (first day of the next period) of each date;
    ``freq`` is ``"D"`` (day), ``"W"`` (ISO week, from Monday), ``"M"`` (month) or ``"auto"``
    (see :func:`resolve_freq`)."""
    freq = resolve_freq(freq, published)
    if freq not in FREQS:
        raise ValueError(f"freq must be one of {sorted(FREQS)}, not {freq!r}")
    p = pd.to_datetime(published).dt.to_period(FREQS[freq])
    start = p.dt.start_time.dt.normalize().astype("datetime64[ns]")
    end = (p + 1).dt.start_time.dt.normalize().astype("datetime64[ns]")
    return pd.DataFrame({"period": start, "period_end": end}, index=published.index)


def articles_over_time(articles: pd.DataFrame, *, by: str = "outlet",
                       freq: str = "D") -> pd.DataFrame:
    """Articles per period and group: group, period, period_end, articles, estimated (of
    which dated from their own text, a lower bound), undated.  Undated articles are one row per
    group with ``undated=True`` and NaT periods.  Periods with no articles are absent.
    ``attrs["freq"]`` is the period used (``"auto"`` resolved by :func:`resolve_freq`)."""
    freq = resolve_freq(freq, articles["published"])
    df = pd.concat([periods(articles["published"], freq),
                    group_column(articles, by)], axis=1)
    df["undated"] = df["period"].isna()
    df["estimated"] = (articles["published_source"] == "text").fillna(False).astype("int64") \
        if "published_source" in articles.columns else 0
    out = (df.groupby(["group", "undated", "period", "period_end"], dropna=False)
             .agg(articles=("estimated", "size"), estimated=("estimated", "sum"))
             .reset_index())
    out = out[["group", "period", "period_end", "articles", "estimated", "undated"]]
    out["articles"] = out["articles"].astype("int64")
    out["estimated"] = out["estimated"].astype("int64")
    out = out.sort_values(["undated", "period", "group"], ignore_index=True)
    out.attrs.update(by=by, freq=freq)
    return out


def dated_events(dates: pd.DataFrame, articles: pd.DataFrame, *,
                 by: str = "outlet") -> pd.DataFrame:
    """One row per resolved date expression: date, date_end (start of the next day, month or
    year, so coarse dates span their whole period), precision, text, sentence, article_id,
    title, group, published.  Unresolved expressions are counted in ``attrs["notes"]``."""
    d = grouped(dates, articles, by)
    n_unresolved = int(d["date"].isna().sum())
    d = d[d["date"].notna()].copy()
    meta = articles.drop_duplicates("article_id").set_index("article_id")
    d["title"] = d["article_id"].map(meta["title"])
    # reindex, not map: mapping no rows onto a datetime column raises in pandas
    d["published"] = pd.to_datetime(meta["published"]).reindex(d["article_id"]).to_numpy(
        dtype="datetime64[ns]")
    prec = d["precision"].astype("string").str.lower().fillna("day")
    d["precision"] = prec.where(prec.isin(["day", "month", "year"]), "day").astype(object)
    d["date"] = d["date"].astype("datetime64[ns]")
    d["date_end"] = _date_end(d["date"], d["precision"])
    d["when"] = when(d["date"], d["precision"])
    out = d[["date", "date_end", "precision", "when", "text", "sentence", "article_id", "title",
             "group", "published"]]
    out = out.sort_values(["date", "precision", "group", "article_id"], ignore_index=True)
    out.attrs["by"] = by
    published = pd.to_datetime(articles["published"]).dropna()
    if len(published):
        out.attrs["published_range"] = (published.min().normalize(),
                                        published.max().normalize())
    if n_unresolved:
        one = n_unresolved == 1
        add_note(out, f"{n_unresolved} date expression{'' if one else 's'} could not be "
                      f"resolved to a calendar date and {'is' if one else 'are'} not shown.")
    return out


def events_by_date(events: pd.DataFrame, *, per_group: bool = False) -> pd.DataFrame:
    """:func:`dated_events` aggregated per (date, precision) — or per (date, precision, group)
    with ``per_group`` — : date_end, when, mentions, articles, groups (how many), group_list,
    text (the most common expression), sentence and title (one example)."""
    keys = ["date", "precision"] + (["group"] if per_group else [])
    if events.empty:
        cols = keys + ["date_end", "when", "mentions", "articles", "groups", "group_list",
                       "sentence", "title", "text"]
        out = pd.DataFrame(columns=cols)
        out.attrs = dict(events.attrs)  # the notes and published range say why it is empty
        return out
    # One string id per key combination (most_common compares keys as strings); a row-wise
    # join here took seconds on 70k events.
    e = events.assign(_key=events.groupby(keys, sort=False, dropna=False).ngroup().astype(str))
    out = (e.groupby("_key", sort=False)
             .agg(**{k: (k, "first") for k in keys},
                  date_end=("date_end", "first"), when=("when", "first"),
                  mentions=("article_id", "size"),
                  articles=("article_id", "nunique"), groups=("group", "nunique"),
                  group_list=("group", lambda s: "; ".join(sorted(set(map(str, s))))),
                  sentence=("sentence", "first"), title=("title", "first")))
    out["text"] = out.index.map(most_common(e, "_key", "text"))
    out = out.reset_index(drop=True)
    out = out.sort_values(keys, ignore_index=True)
    out.attrs = dict(events.attrs)
    return out


def when(date: pd.Series, precision: pd.Series) -> pd.Series:
    """Dates written at their precision: ``2014-05-06``, ``May 2014``, ``2014``."""
    date = pd.to_datetime(date)
    out = date.dt.strftime("%Y-%m-%d")
    month, year = precision == "month", precision == "year"
    out[month] = date[month].dt.strftime("%B %Y")
    out[year] = date[year].dt.strftime("%Y")
    return out.astype(object)


EVENT_QUANTILE = 0.05
EVENT_REACH = pd.Timedelta(days=366)


def event_window(events: pd.DataFrame, *, quantile: float = EVENT_QUANTILE
                 ) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    """The span an events axis shows by default: the selection's publication period
    (``attrs["published_range"]`` of :func:`dated_events`), widened to take in the central
    ``1 - 2 * quantile`` of the dates cited (by mentions) but by at most a year each side, so
    that last month's news shows while a stray "1800" or "2060" does not stretch the axis;
    (start, end) with end exclusive, or None."""
    if events.empty:
        return None
    # Weighted by mentions, so a hundred citations of last May outweigh one each of ten
    # different past decades (aggregated rows would count each decade once).
    weight = events["mentions"] if "mentions" in events.columns else pd.Series(1, events.index)
    lo = _weighted_quantile(events["date"], weight, quantile)
    hi = _weighted_quantile(events["date_end"], weight, 1 - quantile)
    published = events.attrs.get("published_range")
    if published:
        # Widened by at most a year: older history and far plans are listed apart.
        first, last = published[0], published[1] + pd.Timedelta(days=1)
        lo = max(min(lo, first), first - EVENT_REACH)
        hi = min(max(hi, last), last + EVENT_REACH)
    return pd.Timestamp(lo), pd.Timestamp(hi)


def _weighted_quantile(values: pd.Series, weight: pd.Series, q: float) -> pd.Timestamp:
    order = values.sort_values(kind="stable")
    share = weight.reindex(order.index).astype("float64").cumsum() / float(weight.sum())
    return pd.Timestamp(order[share >= q - 1e-12].iloc[0])


def split_events(events: pd.DataFrame, window: tuple[pd.Timestamp, pd.Timestamp] | None = None
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(events inside ``window`` — default :func:`event_window` —, events outside it): an
    event is inside when the period it names overlaps the window."""
    window = window or event_window(events)
    if window is None:
        return events, events.iloc[0:0]
    inside = (events["date_end"] > window[0]) & (events["date"] < window[1])
    a, b = events[inside], events[~inside]
    a.attrs = dict(events.attrs)
    b.attrs = {k: v for k, v in events.attrs.items() if k != "notes"}
    return a, b


def most_cited(by_date: pd.DataFrame, n: int = 20, *, per_group: bool = False) -> pd.DataFrame:
    """The ``n`` rows of :func:`events_by_date` cited by the most articles (then mentions), in
    calendar order — with ``per_group`` (on ``events_by_date(per_group=True)`` output) the
    ``n`` of each group, by group; when rows are left out, a note in ``attrs`` says how many
    there were."""
    ranked = by_date.sort_values(["articles", "mentions", "date"], ascending=[False, False, True],
                                 kind="stable")
    if per_group and "group" in by_date.columns:
        top = ranked.groupby("group", sort=False).head(n).sort_values(["group", "date"],
                                                                       kind="stable")
    else:
        top = ranked.head(n).sort_values("date", kind="stable")
    top = top.reset_index(drop=True)
    top.attrs = {k: v for k, v in by_date.attrs.items() if k != "notes"}
    if len(top) < len(by_date):
        if per_group and "group" in by_date.columns:
            add_note(top, f"The {n} dates cited by the most articles in each group "
                          f"({len(top)} of {len(by_date):,} date–group rows), in calendar "
                          f"order.")
        else:
            add_note(top, f"The {len(top)} dates cited by the most articles, of "
                          f"{len(by_date):,} dates, in calendar order.")
    return top


def mentions_over_time(
    mentions: pd.DataFrame,
    articles: pd.DataFrame,
    entities: str | Iterable[str] | None = None,
    *,
    freq: str = "D",
    top_n: int = 5,
    by: str | None = None,
) -> pd.DataFrame:
    """Mentions of ``entities`` (ids, names or spellings; default: the ``top_n`` most mentioned)
    per period of article publication: period, period_end, entity_id, entity, mentions,
    articles, words (in all articles of that period), per_1k_words, undated.  Every period in
    which articles appeared has a row per entity (zero when none mentions it); periods without
    articles have none, since no rate can be measured there.  ``freq`` as in
    :func:`articles_over_time`."""
    freq = resolve_freq(freq, articles["published"])
    m = restrict(mentions, articles)
    if entities is None:
        freq_all = entity_frequency(m, articles.assign(_all="all"), by="_all")
        wanted = list(top_entities(linked(freq_all), top_n, other=False)["entity_id"])
    else:
        wanted = entity_ids(m, entities)
    per = periods(articles["published"], freq).assign(
        article_id=articles["article_id"].to_numpy(),
        words=pd.to_numeric(articles["n_words"], errors="coerce").fillna(0).to_numpy())
    per["undated"] = per["period"].isna()
    keys = ["undated", "period"]
    if by is not None:
        per["group"] = group_column(articles, by).to_numpy()
        keys = ["group", *keys]
    slots = (per.groupby([*keys, "period_end"], dropna=False)["words"].sum()
                .astype("int64").reset_index())
    grid = slots.merge(pd.DataFrame({"entity_id": wanted}, dtype=object), how="cross")

    m = m[m["entity_id"].isin(wanted)].merge(per, on="article_id", how="left")
    counts = (m.groupby(["entity_id", *keys], dropna=False)
               .agg(mentions=("article_id", "size"), articles=("article_id", "nunique"))
               .reset_index())
    out = grid.merge(counts, on=["entity_id", *keys], how="left")
    out["mentions"] = out["mentions"].fillna(0).astype("int64")
    out["articles"] = out["articles"].fillna(0).astype("int64")
    out["entity"] = out["entity_id"].map(most_common(m, "entity_id", "entity"))
    return mentions_table(out, wanted, freq=freq, by=by)


def linked(freq: pd.DataFrame) -> pd.DataFrame:
    """The rows of an :func:`entity_frequency` table that are entities (an ``entity_id``), not
    mentions counted by their written form (``text:…``): the ones a timeline can follow."""
    return freq[~freq["entity_id"].astype(str).str.startswith("text:")]


def mentions_table(out: pd.DataFrame, wanted: list[str], *, freq: str,
                   by: str | None) -> pd.DataFrame:
    """:func:`mentions_over_time`'s table from its counts per (group, period, entity) — the
    pandas path's or the store's SQL path's: the rate per 1,000 words, the columns in order,
    rows by period and then the order of ``wanted``, and the attrs."""
    out["per_1k_words"] = out["mentions"] * 1000.0 / out["words"].where(out["words"] > 0)
    out = out[(["group"] if by is not None else [])
              + ["period", "period_end", "entity_id", "entity", "mentions", "articles", "words",
                 "per_1k_words", "undated"]]
    order = {e: i for i, e in enumerate(wanted)}
    out = (out.assign(_o=out["entity_id"].map(order))
              .sort_values(["undated", "period", "_o", *(["group"] if by else [])])
              .drop(columns="_o").reset_index(drop=True))
    out.attrs.update(freq=freq, entities=wanted)
    if by is not None:
        out.attrs["by"] = by
    return out


def _date_end(date: pd.Series, precision: pd.Series) -> pd.Series:
    end = date + pd.Timedelta(days=1)
    month = precision == "month"
    year = precision == "year"
    end[month] = date[month] + pd.offsets.MonthBegin(1)
    end[year] = date[year] + pd.offsets.YearBegin(1)
    return end.astype("datetime64[ns]")
