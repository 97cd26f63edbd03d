"""Who covered which story: coverage by group, blindspots, one story picked out, and the
articles of chosen stories — pure functions over ``stories`` and ``articles``."""

from __future__ import annotations

import pandas as pd

from workbench.analyze.select import group_column


def story_coverage(stories: pd.DataFrame, articles: pd.DataFrame, *,
                   by: str = "outlet") -> pd.DataFrame:
    """One row per (story, group) that covered it: ``story_id, label, title, group, articles,
    independent`` (not copies), ``share`` (of the story's articles), ``first`` (the group's
    first article on it), ``story_first`` and ``story_articles``; only the ``articles`` given
    count. ``attrs["by"]`` names the grouping."""
    cols = ["story_id", "label", "title", "group", "articles", "independent", "share", "first",
            "story_first", "story_articles"]
    df = stories.merge(articles[["article_id", "title", "published"]].assign(
        group=group_column(articles, by).to_numpy()), on="article_id", how="inner")
    if df.empty:
        out = pd.DataFrame(columns=cols)
        out.attrs["by"] = by
        return out
    best = (df.sort_values(["story_id", "score", "article_id"], ascending=[True, False, True])
            .drop_duplicates("story_id").set_index("story_id"))
    g = df.groupby(["story_id", "group"], observed=True)
    out = pd.DataFrame({"articles": g.size(),
                        "independent": g["copy"].apply(lambda c: int((~c).sum())),
                        "first": g["published"].min()}).reset_index()
    size = df.groupby("story_id").size()
    out["story_articles"] = out["story_id"].map(size)
    out["share"] = out["articles"] / out["story_articles"]
    out["story_first"] = out["story_id"].map(df.groupby("story_id")["published"].min())
    out["label"] = out["story_id"].map(best["label"].astype(str))
    out["title"] = out["story_id"].map(best["title"])
    out = out.sort_values(["story_articles", "story_first", "story_id", "articles", "group"],
                          ascending=[False, True, True, False, True], ignore_index=True)[cols]
    out.attrs["by"] = by
    return out


def blindspots(coverage: pd.DataFrame, *, min_articles: int = 3,
               groups: list[str] | None = None) -> pd.DataFrame:
    """Stories with at least ``min_articles`` independent articles that some groups covered and
    others did not: ``story_id, label, title, articles, covered_by, missing`` (groups joined by
    ", "), largest first. ``groups``: the groups that could have covered it (default: every
    group in ``coverage``)."""
    cols = ["story_id", "label", "title", "articles", "covered_by", "missing"]
    every = sorted(groups if groups is not None else coverage["group"].unique())
    rows = []
    # Only stories large enough go through the loop (a store's coverage has 100,000s).
    large = coverage.groupby("story_id", sort=False)["independent"].transform("sum")
    for sid, g in coverage[large >= min_articles].groupby("story_id", sort=False):
        independent = int(g["independent"].sum())
        covered = sorted(g["group"])
        missing = [x for x in every if x not in covered]
        if independent >= min_articles and missing and covered:
            rows.append({"story_id": sid, "label": g["label"].iloc[0],
                         "title": g["title"].iloc[0], "articles": independent,
                         "covered_by": ", ".join(covered), "missing": ", ".join(missing)})
    out = pd.DataFrame(rows, columns=cols)
    out.attrs["by"] = coverage.attrs.get("by", "group")
    return out


def pick_story(query: str, stories: pd.DataFrame, articles: pd.DataFrame,
               mentions: pd.DataFrame | None = None) -> str | None:
    """The story ``query`` names: a ``story_id``; else the largest story whose articles
    mention an entity of that name, id or spelling; else the largest whose label or a title
    contains it (case-insensitive). None when nothing matches."""
    q = str(query).strip()
    if not q:
        return None
    if q in set(stories["story_id"]):
        return q
    in_scope = stories[stories["article_id"].isin(articles["article_id"])]
    sizes = in_scope.groupby("story_id").size()
    candidates: set[str] = set()
    if mentions is not None and len(mentions):
        low = q.casefold()
        hit = mentions[(mentions["entity_id"].astype(str) == q)
                       | (mentions["entity"].astype(str).str.casefold() == low)
                       | (mentions["text"].astype(str).str.casefold() == low)]
        candidates = set(in_scope.loc[in_scope["article_id"].isin(hit["article_id"]),
                                      "story_id"])
    if not candidates:
        titles = articles.set_index("article_id")["title"].astype(str)
        match = (in_scope["label"].astype(str).str.contains(q, case=False, regex=False)
                 | in_scope["article_id"].map(titles).str.contains(q, case=False,
                                                                    regex=False).fillna(False))
        candidates = set(in_scope.loc[match, "story_id"])
    if not candidates:
        return None
    ranked = sizes[sizes.index.isin(candidates)].sort_index()
    return str(ranked.sort_values(ascending=False, kind="stable").index[0])


def stories_articles(articles: pd.DataFrame, stories: pd.DataFrame, *,
                     story: str | None = None, min_groups: int = 0, by: str = "outlet",
                     mentions: pd.DataFrame | None = None) -> pd.DataFrame:
    """The ``articles`` of one story (``story``: as :func:`pick_story` reads it) and/or of the
    stories at least ``min_groups`` groups covered; a note says what was kept."""
    from workbench.analyze.select import add_note

    out = articles
    notes = []
    if story:
        sid = pick_story(story, stories, articles, mentions)
        keep = set(stories.loc[stories["story_id"] == sid, "article_id"]) if sid else set()
        out = out[out["article_id"].isin(keep)]
        label = stories.loc[stories["story_id"] == sid, "label"]
        notes.append(f"Only the story {sid} ({label.iloc[0]}) picked by {story!r}: "
                     f"{len(out):,} articles." if sid else
                     f"No story matches {story!r}: no article is left.")
    if min_groups:
        cov = story_coverage(stories, out, by=by)
        wide = set(cov.groupby("story_id")["group"].nunique().loc[lambda s: s >= min_groups]
                   .index)
        out = out[out["article_id"].isin(stories.loc[stories["story_id"].isin(wide),
                                                     "article_id"])]
        notes.append(f"Only stories covered by at least {min_groups} {by} groups: "
                     f"{len(wide):,} stories, {len(out):,} articles.")
    out = out.copy()
    out.attrs = dict(articles.attrs)
    for text in notes:
        add_note(out, text)
    return out
