"""Charts of stories: when each story broke and who covered it, and the story × group
coverage matrix."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ._prep import by_title, faded, legend_selection, truncate
from .colors import group_scale


def _top_stories(coverage: pd.DataFrame, top_n: int) -> pd.DataFrame:
    sizes = (coverage.drop_duplicates("story_id")
             .sort_values(["story_articles", "story_first", "story_id"],
                          ascending=[False, True, True], kind="stable"))
    kept = sizes["story_id"].head(top_n)
    data = coverage[coverage["story_id"].isin(set(kept))].copy()
    # A label per story that stays unique when two stories share their top words.
    # Only the kept stories' (a store's coverage holds hundreds of thousands).
    top = sizes.head(top_n)
    names = {sid: f"{truncate(pd.Series([lab]), 60).iloc[0]} ({sid[-4:]})"
             for sid, lab in zip(top["story_id"], top["label"], strict=True)}
    data["story"] = data["story_id"].map(names)
    data["title"] = truncate(data["title"].fillna(""), 160)
    return data


def stories_timeline(coverage: pd.DataFrame, *, top_n: int = 30,
                     title: str | None = None) -> alt.Chart:
    """The ``top_n`` largest stories (rows, earliest first), each a mark at the day it broke,
    sized by its articles and coloured by the group with the largest share of them (the
    share in the tooltip, with every group's). From
    :func:`~workbench.analyze.story_coverage`."""
    data = _top_stories(coverage, top_n)
    by = by_title(coverage)
    lead = (data.sort_values(["story_id", "articles", "group"], ascending=[True, False, True])
            .drop_duplicates("story_id").set_index("story_id"))
    shares = (data.sort_values(["story_id", "articles", "group"], ascending=[True, False, True])
              .groupby("story_id")
              .apply(lambda g: ", ".join(f"{x} {s:.0%}" for x, s in zip(g["group"], g["share"],
                                                                        strict=True)),
                     include_groups=False))
    stories = pd.DataFrame({
        "story": lead["story"], "title": lead["title"], "first": lead["story_first"],
        "articles": lead["story_articles"].astype("int64"), "lead": lead["group"],
        "lead_share": lead["share"], "groups": data.groupby("story_id")["group"].nunique(),
        "shares": truncate(shares, 300)}).reset_index(drop=True)
    undated = int(stories["first"].isna().sum())
    stories = stories[stories["first"].notna()]
    order = stories.sort_values(["first", "story"])["story"].tolist()
    groups = sorted(stories["lead"].unique())
    pick = legend_selection("lead", "story_group")
    chart = alt.Chart(stories).mark_circle(stroke="white", strokeWidth=0.5).encode(
        x=alt.X("first:T", title="day the story broke (its first dated article)"),
        y=alt.Y("story:N", sort=order, title=None),
        size=alt.Size("articles:Q", title="articles", scale=alt.Scale(range=[40, 700]),
                      legend=alt.Legend(format="d", values=_count_ticks(stories["articles"]))),
        color=alt.Color("lead:N", title=f"largest share ({by})", scale=group_scale(groups)),
        opacity=faded(pick, 0.85, 0.1),
        tooltip=[alt.Tooltip("story:N"), alt.Tooltip("title:N", title="representative title"),
                 alt.Tooltip("first:T", title="broke", format="%Y-%m-%d"),
                 alt.Tooltip("articles:Q"), alt.Tooltip("groups:Q", title=f"{by}s covering"),
                 alt.Tooltip("shares:N", title=f"share by {by}")],
    ).add_params(pick)
    return chart.properties(
        title=alt.Title(title or f"The {len(stories)} largest stories over time",
                        subtitle=f"size: articles; colour: the {by} with the largest share of "
                                 "them" + (f"; {undated} undated stor"
                                           f"{'y' if undated == 1 else 'ies'} not placed"
                                           if undated else "")),
        height=alt.Step(16))


def coverage_matrix(coverage: pd.DataFrame, *, top_n: int = 30,
                    title: str | None = None) -> alt.LayerChart:
    """Story × group heatmap of articles (the number in each cell; blank: the group never
    covered the story) for the ``top_n`` largest stories."""
    data = _top_stories(coverage, top_n)
    by = by_title(coverage)
    order = (data.sort_values(["story_articles", "story_first"], ascending=[False, True])
             .drop_duplicates("story_id")["story"].tolist())
    base = alt.Chart(data).encode(
        x=alt.X("group:N", title=by, axis=alt.Axis(labelAngle=-40, labelLimit=160)),
        y=alt.Y("story:N", sort=order, title=None))
    cells = base.mark_rect().encode(
        color=alt.Color("articles:Q", title="articles", scale=alt.Scale(scheme="blues"),
                        legend=alt.Legend(format="d", values=_count_ticks(data["articles"]))),
        tooltip=[alt.Tooltip("story:N"), alt.Tooltip("title:N", title="representative title"),
                 alt.Tooltip("group:N", title=by), alt.Tooltip("articles:Q"),
                 alt.Tooltip("independent:Q", title="not copies"),
                 alt.Tooltip("share:Q", title="share of the story", format=".0%")])
    text = base.mark_text(fontSize=10).encode(text=alt.Text("articles:Q"))
    return alt.layer(cells, text).properties(
        title=alt.Title(title or "Coverage: articles per story and group",
                        subtitle="blank cells: stories the group did not cover"),
        height=alt.Step(16))


def _count_ticks(counts: pd.Series, most: int = 4) -> list[int]:
    """Whole-number legend values for a count (1, …, the largest), at most ``most`` of them:
    a legend of articles never shows "1.5"."""
    top = int(counts.max()) if len(counts) else 1
    if top <= most:
        return list(range(1, top + 1))
    step = (top - 1) / (most - 1)
    return sorted({1 + round(i * step) for i in range(most)})

