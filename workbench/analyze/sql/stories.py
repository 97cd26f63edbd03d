"""Stories in SQL: :func:`workbench.analyze.story_coverage.story_coverage` over the store's
``stories`` table, and the story filters of a selection (``story``, ``stories_min_outlets``)."""

from __future__ import annotations

import pandas as pd

from workbench.analyze.sql.core import Selection, StoreDB, lit
from workbench.store.layout import StoreError

COVERAGE_COLUMNS = ["story_id", "label", "title", "group", "articles", "independent", "share",
                    "first", "story_first", "story_articles"]


def _stories(db: StoreDB) -> str:
    if not db.has("stories"):
        raise StoreError(f"{db.store.location}: the store holds no stories table (write it "
                         "with stories=True)")
    return db.source("stories")


def _coverage_sql(sel: Selection, by: str) -> str:
    """The (story, article, group) rows of the selection, as ``story_coverage``'s merge."""
    return (f"(SELECT st.story_id, st.article_id, st.score, st.copy, st.label, a.title, "
            f"CAST(a.published AS TIMESTAMP) AS published, g.grp FROM {_stories(sel.db)} st "
            f"JOIN {sel.labels(by)} g USING (article_id) JOIN (SELECT article_id, title, "
            f"published FROM {sel.db.source('articles')}) a USING (article_id))")


def story_coverage(sel: Selection, *, by: str = "outlet") -> pd.DataFrame:
    """One row per (story, group) that covered it, as
    :func:`workbench.analyze.story_coverage.story_coverage` on the selection."""
    df = _coverage_sql(sel, by)
    out = sel.db.df(f"""
        WITH df AS ({df}),
        best AS (SELECT story_id, label, title FROM df QUALIFY row_number() OVER (
                 PARTITION BY story_id ORDER BY score DESC NULLS LAST, article_id) = 1),
        st AS (SELECT story_id, count(*) AS story_articles, min(published) AS story_first
               FROM df GROUP BY 1)
        SELECT c.story_id, CAST(best.label AS VARCHAR) AS label, best.title, c.grp AS "group",
               c.articles, c.independent, c.articles / st.story_articles AS share, c.first,
               st.story_first, st.story_articles
        FROM (SELECT story_id, grp, count(*) AS articles,
                     count(*) FILTER (WHERE NOT copy) AS independent, min(published) AS first
              FROM df GROUP BY ALL) c
        JOIN st USING (story_id) JOIN best USING (story_id)""")
    for col in ("articles", "independent", "story_articles"):
        out[col] = out[col].astype("int64")
    for col in ("first", "story_first"):
        out[col] = out[col].astype("datetime64[ns]")
    out["share"] = out["share"].astype("float64")
    out = out.sort_values(["story_articles", "story_first", "story_id", "articles", "group"],
                          ascending=[False, True, True, False, True], ignore_index=True)
    out = out[COVERAGE_COLUMNS]
    out.attrs["by"] = by
    return out


def pick_story(sel: Selection, query: str) -> str | None:
    """:func:`workbench.analyze.story_coverage.pick_story` over the store: a ``story_id``;
    else the largest story of the selection whose articles mention an entity of that name,
    id or spelling (any article of the store); else the largest whose label or a selected
    title contains it. Case is folded with SQL ``lower`` (pandas: ``casefold``, which also
    maps ß to ss)."""
    db = sel.db
    text = str(query).strip()
    if not text:
        return None
    stories = _stories(db)
    if db.scalar(f"SELECT count(*) FROM {stories} WHERE story_id = {lit(text)}"):
        return text
    scope = (f"(SELECT st.story_id, st.article_id, st.label FROM {stories} st "
             f"SEMI JOIN {sel.name} USING (article_id))")
    low = lit(text.casefold())
    hit = (f"(SELECT DISTINCT article_id FROM {db.source('mentions')} WHERE entity_id = "
           f"{lit(text)} OR lower(entity) = {low} OR lower(text) = {low})")
    titles = f"(SELECT article_id, title FROM {db.source('articles')})"
    needle = lit(text.lower())
    for where in (f"article_id IN {hit}",
                  f"contains(lower(label), {needle}) OR article_id IN (SELECT article_id FROM "
                  f"{titles} WHERE contains(lower(title), {needle}))"):
        found = db.scalar(f"""
            WITH sc AS {scope}, sizes AS (SELECT story_id, count(*) AS n FROM sc GROUP BY 1)
            SELECT story_id FROM sizes WHERE story_id IN (SELECT story_id FROM sc WHERE {where})
            ORDER BY n DESC, story_id LIMIT 1""")
        if found is not None:
            return str(found)
    return None


def stories_articles(sel: Selection, *, story: str | None = None, min_groups: int = 0,
                     by: str = "outlet") -> Selection:
    """:func:`workbench.analyze.story_coverage.stories_articles` of a selection: the articles
    of one story and/or of the stories at least ``min_groups`` groups covered; notes say what
    was kept."""
    db = sel.db
    stories = _stories(db)
    out = sel
    notes = sel.notes
    if story:
        sid = pick_story(sel, story)
        name = db.temp("sel")
        db.con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {out.name} WHERE article_id "
                       f"IN (SELECT article_id FROM {stories} WHERE story_id = {lit(sid)})")
        out = out.derived(name, dict(out.attrs))
        if sid:
            first = db.scalar(f"SELECT label FROM {db.source('stories', order=True)} "
                              f"WHERE story_id = {lit(sid)} ORDER BY _file, _row LIMIT 1")
            notes.append(f"Only the story {sid} ({first}) picked by {story!r}: "
                         f"{len(out):,} articles.")
        else:
            notes.append(f"No story matches {story!r}: no article is left.")
    if min_groups:
        wide = db.temp("wide")
        db.con.execute(f"CREATE TEMP TABLE {wide} AS SELECT story_id FROM "
                       f"{_coverage_sql(out, by)} GROUP BY 1 "
                       f"HAVING count(DISTINCT grp) >= {int(min_groups)}")
        n_wide = int(db.scalar(f"SELECT count(*) FROM {wide}"))
        name = db.temp("sel")
        db.con.execute(f"CREATE TEMP TABLE {name} AS SELECT * FROM {out.name} WHERE article_id "
                       f"IN (SELECT article_id FROM {stories} SEMI JOIN {wide} USING "
                       f"(story_id))")
        out = out.derived(name, dict(out.attrs))
        notes.append(f"Only stories covered by at least {min_groups} {by} groups: "
                     f"{n_wide:,} stories, {len(out):,} articles.")
    out.attrs = {**sel.attrs, "notes": notes}
    return out
