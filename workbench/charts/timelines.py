"""Timelines: when articles appeared, when entities were mentioned, and the dates the texts name.

Undated articles are never silently missing: publication timelines put them in a separate
"undated" panel beside the time axis and say how many there are in the subtitle.
"""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..analyze.periods import group_noun
from ..analyze.timeline import FREQS, event_window, events_by_date, split_events, when
from . import theme
from ._prep import by_title, faded, legend_selection, lump, order_with_other_last, truncate
from .colors import group_scale

PERIOD_NAMES = {"D": "day", "W": "week", "M": "month"}
# Calendar ticks per period, so a two-day corpus is not labelled in hours.
PERIOD_AXES = {"D": {"format": "%b %d", "tickCount": {"interval": "day", "step": 1}},
               "W": {"format": "%b %d", "tickCount": {"interval": "week", "step": 1}},
               "M": {"format": "%b %Y", "tickCount": {"interval": "month", "step": 1}}}


def _count_axis(top: int, title: str | None) -> alt.Axis:
    # Whole numbers only: Vega's own ticks put 0.5 steps on small counts ("1, 1, 2, 2").
    step = max(1, -(-int(top) // 8))
    return alt.Axis(values=list(range(0, int(top) + step, step)), format="d", title=title)


def _time_axis(freq: str, periods: pd.Series) -> alt.Axis:
    opts = dict(PERIOD_AXES.get(freq, {}))
    if len(_all_periods(periods, freq)) > MAX_CALENDAR_TICKS:
        # A tick per period reads well for a few dozen; over years Vega's own ticks do.
        opts.pop("tickCount", None)
    return alt.Axis(labelAngle=0, labelOverlap=True, **opts)


def _all_periods(periods: pd.Series, freq: str) -> pd.DatetimeIndex:
    """Every period start from the first to the last of ``periods`` (NaT ignored)."""
    dated = pd.to_datetime(periods).dropna()
    if dated.empty:
        return pd.DatetimeIndex([])
    span = pd.period_range(dated.min(), dated.max(), freq=FREQS.get(freq, "D"))
    return span.start_time.normalize()


PRECISIONS = ["day", "month", "year"]
MAX_EVENT_POINTS = 2500  # (date, group) marks in the events chart; beyond, the least cited go
MAX_CALENDAR_TICKS = 36
MAX_TIMELINE_GROUPS = 8  # lines per entity panel: more are a tangle


def articles_timeline(t: pd.DataFrame, *, top_groups: int = 10,
                      title: str | None = None) -> alt.HConcatChart | alt.Chart:
    """Stacked bars of articles per period (each bar spans its day, week or month) by group,
    from :func:`~workbench.analyze.articles_over_time`, with undated articles as a separate
    bar on the right.  Groups beyond ``top_groups`` are lumped into "(other)"; click the legend
    to highlight a group."""
    data = lump(t, "group", top_groups, "articles", ["articles"])
    data["group"] = truncate(data["group"], 120)
    order = order_with_other_last(data["group"], data["articles"])
    dated, undated = data[~data["undated"]].copy(), data[data["undated"]].copy()
    freq = str(t.attrs.get("freq", "D"))
    period = PERIOD_NAMES.get(freq, "period")
    pick = legend_selection("group", "group_pick")
    color = alt.Color("group:N", title=by_title(t), sort=order, scale=group_scale(order))
    tip = [alt.Tooltip("group:N", title=by_title(t)), alt.Tooltip("articles:Q")]
    n_dated, n_undated = int(dated["articles"].sum()), int(undated["articles"].sum())
    top = max([int(dated.groupby("period")["articles"].sum().max() or 0) if n_dated else 0,
               int(undated["articles"].sum()), 1])
    head = alt.Title(
        title or f"Articles per {period}",
        subtitle=(f"{n_undated} undated article{'s' if n_undated != 1 else ''} shown apart, "
                  f"right; {n_dated} dated" if n_undated else f"all {n_dated} articles dated"))

    if "estimated" in dated.columns:
        tip.append(alt.Tooltip("estimated:Q", title="of which dated from their text (estimate)"))
    main = alt.Chart(dated).mark_bar(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("period:T", title=None, axis=_time_axis(freq, dated["period"])),
        x2="period_end:T",
        y=alt.Y("sum(articles):Q", axis=_count_axis(top, "articles")),
        color=color, opacity=faded(pick),
        tooltip=[alt.Tooltip("period:T", title=f"{period} from", format="%Y-%m-%d"), *tip],
    ).add_params(pick)
    if not n_undated:
        return main.properties(title=head)
    undated["when"] = "undated"
    side = alt.Chart(undated).mark_bar().encode(
        x=alt.X("when:N", title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("sum(articles):Q", axis=_count_axis(top, None)),
        color=color, opacity=faded(pick),
        tooltip=[alt.Tooltip("when:N", title="published"), *tip],
    ).properties(width=alt.Step(48))
    if not n_dated:
        return side.add_params(pick).properties(title=head)
    return alt.hconcat(main, side, spacing=12).resolve_scale(y="shared").properties(title=head)


def events_timeline(events: pd.DataFrame, *, top_groups: int = 15,
                    max_points: int | None = MAX_EVENT_POINTS,
                    window: str | tuple[pd.Timestamp, pd.Timestamp] | None = "selection",
                    title: str | None = None) -> alt.LayerChart:
    """The calendar dates the articles talk about, one row per group: day-precise dates as
    points sized by the number of articles, month and year dates as translucent bars spanning
    the whole period; the tooltip carries the expression and a sentence.  Takes
    :func:`~workbench.analyze.dated_events` rows (aggregated here) or
    :func:`~workbench.analyze.events_by_date` output with ``per_group=True``.  Beyond
    ``max_points`` (date, group) marks, the dates cited by the fewest articles are left out
    and the subtitle says how many.  ``window="selection"`` (default) spans the axis over
    :func:`~workbench.analyze.event_window` (the selection's period, widened to the central
    90 % of the dates cited), leaving dates outside it to a table (the subtitle counts them);
    pass ``(start, end)`` for another span or None for every date."""
    agg = events if "mentions" in events.columns else events_by_date(events, per_group=True)
    window = event_window(agg) if window == "selection" else window
    outside = 0
    if window is not None:
        agg, away = split_events(agg, window)
        outside = len(away)
    data = agg.copy()
    if "group" not in data.columns:
        data["group"] = "all articles"
    totals = data.groupby("group")["articles"].sum().sort_values(ascending=False, kind="stable")
    keep = list(totals.index[:top_groups])
    dropped = len(totals) - len(keep)
    data = data[data["group"].isin(keep)]
    cut = 0
    if max_points is not None and len(data) > max_points:
        # The page must stay light enough to email; the least-cited dates go first.
        cut = len(data) - max_points
        data = (data.sort_values(["articles", "mentions", "date"], ascending=[False, False, True],
                                 kind="stable").head(max_points).sort_values("date", kind="stable"))
    if "title" not in data.columns:
        data["title"] = None
    if "when" not in data.columns:
        data["when"] = when(data["date"], data["precision"])
    cols = ["date", "date_end", "precision", "when", "group", "mentions", "articles", "text",
            "sentence", "title"]
    data = data[cols].copy()
    for col, n in (("sentence", None), ("text", 120), ("group", 120), ("title", 160)):
        data[col] = truncate(data[col], n) if n else truncate(data[col])
    by = by_title(events)
    tip = [alt.Tooltip("when:N", title="date"), alt.Tooltip("precision:N"),
           alt.Tooltip("group:N", title=by), alt.Tooltip("text:N", title="expression"),
           alt.Tooltip("articles:Q"), alt.Tooltip("mentions:Q"),
           alt.Tooltip("sentence:N", title="for example"),
           alt.Tooltip("title:N", title="in the article")]
    color = alt.Color("precision:N", title="precision",
                      scale=alt.Scale(domain=PRECISIONS,
                                      range=[theme.PRECISION_COLORS[p] for p in PRECISIONS]))
    y = alt.Y("group:N", title=None, sort=[str(g) for g in truncate(pd.Series(keep,
                                                                             dtype=object), 120)])
    many_articles = bool(len(data)) and int(data["articles"].max()) > 1
    # The domain is set on one layer only: the layers share the scale, and Vega-Lite warns
    # about (and unions) two copies of it.
    x_scale = (alt.Scale(domain=[_datetime(window[0]), _datetime(window[1])])
               if window is not None else alt.Scale(padding=14))
    base = alt.Chart(data)
    spans = base.transform_filter(alt.datum.precision != "day").mark_bar(
        opacity=0.35, height=alt.RelativeBandSize(0.6), clip=True).encode(
        x=alt.X("date:T", title="date mentioned"), x2="date_end:T",
        y=y, color=color,
        tooltip=tip)
    days = base.transform_filter(alt.datum.precision == "day").mark_circle(
        opacity=0.9, clip=True).encode(
        x=alt.X("date:T", title="date mentioned", scale=x_scale), y=y,
        color=color,
        size=(alt.Size("articles:Q", title="articles", scale=alt.Scale(range=[40, 400]),
                       legend=alt.Legend(tickMinStep=1, format="d"))
              if many_articles else alt.value(120)),
        tooltip=tip)
    more = f"; {dropped} more {group_noun(by, dropped)} not shown" if dropped else ""
    if cut:
        more += f"; {cut:,} dates cited by the fewest articles not shown"
    if outside:
        more += (f"; {outside:,} date{'s' if outside != 1 else ''} outside "
                 f"{window[0]:%Y-%m-%d} – {window[1] - pd.Timedelta(days=1):%Y-%m-%d} listed "
                 f"apart")
    return alt.layer(spans, days).properties(
        title=alt.Title(title or "Dates the articles talk about",
                        subtitle=f"days as points, months and years as bars spanning them; "
                                 f"drag to pan, scroll to zoom{more}"),
        height=alt.Step(24)).interactive(bind_y=False)


def _datetime(t: pd.Timestamp) -> alt.DateTime:
    # A calendar day in the viewer's time zone, as the chart's own dates are read.
    return alt.DateTime(year=t.year, month=t.month, date=t.day)


def mentions_timeline(mot: pd.DataFrame, *, measure: str = "per_1k_words",
                      title: str | None = None) -> alt.Chart:
    """Lines of how often each entity is mentioned per period of publication, from
    :func:`~workbench.analyze.mentions_over_time` (``measure``: ``"per_1k_words"`` or
    ``"mentions"``); mentions in undated articles are counted in the subtitle.  Click the
    legend to highlight an entity."""
    if measure not in ("per_1k_words", "mentions"):
        raise ValueError("measure must be 'per_1k_words' or 'mentions'")
    data = mot.drop(columns=["entity_id"]).copy()
    data["entity"] = truncate(data["entity"], 120)
    dated, undated = data[~data["undated"]], data[data["undated"]]
    order = order_with_other_last(dated["entity"], dated["mentions"])
    freq = str(mot.attrs.get("freq", "D"))
    period = PERIOD_NAMES.get(freq, "period")
    pick = legend_selection("entity", "entity_pick")
    n_undated = int(undated["mentions"].sum())
    note = (f"{n_undated} mention{'s' if n_undated != 1 else ''} in undated articles not "
            f"shown" if n_undated else "all mentions are in dated articles")
    label = "mentions per 1,000 words" if measure == "per_1k_words" else "mentions"
    # Periods in which nothing was published get a null row per entity: Vega-Lite breaks the
    # line there instead of drawing a trend across them.
    by_group = "group" in dated.columns
    series = ["group", "entity"] if by_group else ["entity"]
    everything = _all_periods(dated["period"], freq)
    gaps = []
    for key, rows in dated.groupby(series, sort=False):
        key = key if isinstance(key, tuple) else (key,)
        missing = everything.difference(pd.DatetimeIndex(rows["period"]))
        gaps.extend((p, *key) for p in missing)
    gaps = pd.DataFrame(gaps, columns=["period", *series])
    if len(gaps):
        dated = pd.concat([dated, gaps.astype({"period": dated["period"].dtype})],
                          ignore_index=True).sort_values("period", kind="stable")
    tip = [alt.Tooltip("period:T", title=f"{period} from", format="%Y-%m-%d"),
           alt.Tooltip("entity:N"), alt.Tooltip("mentions:Q"),
           alt.Tooltip("articles:Q", title="articles mentioning"),
           alt.Tooltip("words:Q", title=f"words published that {period}", format=","),
           alt.Tooltip("per_1k_words:Q", title="per 1,000 words", format=".2f")]
    x = alt.X("period:T", title=None, axis=_time_axis(freq, dated["period"]))
    if by_group:
        return _mentions_by_group(dated, mot, x, tip, measure, label, order, title or
                                  f"Mentions per {period}, by {by_title(mot)}", note)
    chart = alt.Chart(dated).mark_line(point=True).encode(
        x=x, y=alt.Y(f"{measure}:Q", title=label),
        color=alt.Color("entity:N", title="entity", sort=order),
        opacity=faded(pick), tooltip=tip,
    ).add_params(pick)
    return chart.properties(title=alt.Title(title or f"Mentions per {period}", subtitle=note))


def _mentions_by_group(dated: pd.DataFrame, mot: pd.DataFrame, x: alt.X, tip: list,
                       measure: str, label: str, order: list[str], title: str,
                       note: str) -> alt.FacetChart:
    """One small panel per entity, one line per group in the group's own colour."""
    words = (dated.dropna(subset=["words"]).drop_duplicates(["group", "period"])
                  .groupby("group")["words"].sum().sort_values(ascending=False, kind="stable"))
    kept = list(words.index[:MAX_TIMELINE_GROUPS])
    if len(words) > len(kept):
        note += (f"; the {len(kept)} {by_title(mot)} groups with most words of "
                 f"{len(words)} (group by a sources.csv column to see all)")
    dated = dated[dated["group"].isin(kept)].copy()
    dated["group"] = truncate(dated["group"], 120)
    groups = sorted(map(str, dated["group"].dropna().unique()))
    pick = legend_selection("group", "group_pick")
    by = by_title(mot)
    chart = alt.Chart(dated).mark_line(point=True).encode(
        x=x, y=alt.Y(f"{measure}:Q", title=label),
        color=alt.Color("group:N", title=by, scale=group_scale(groups)),
        opacity=faded(pick), tooltip=[alt.Tooltip("group:N", title=by), *tip],
    ).add_params(pick).properties(width=260, height=150)
    return chart.facet(facet=alt.Facet("entity:N", title=None, sort=order),
                       columns=2).properties(title=alt.Title(title, subtitle=note))
