"""The text analyses of a store selection, on a bounded sample of its articles' texts.

Word keyness, lexicon matches, keyword-in-context lines and the quotes sample need the articles'
text, and a million texts (several GB) do not fit a notebook kernel. On a store they read a
deterministic random sample of the selection, stratified by group: every group keeps at most
``per_group`` articles (:data:`PER_GROUP`, shrunk so that all groups together stay within
:data:`TOTAL`), chosen by the MD5 of their ``article_id`` (the same sample on every run, on any
machine). A selection whose groups are all within the quota is read whole, so the result is
the pandas function's, exactly. When anything was left out, the result's ``attrs["notes"]``
says how many of how many articles were read.

Why 1,500 a group and 4,500 in all: word keyness ranks a group's terms by a smoothed log-odds;
1,500 articles (about a million words of news a group) put a group's most distinctive terms'
counts in the hundreds, and the chart's note says a sample was read. Memory decides the cap: the
counts per group and month of words and phrases of up to four words, which the notebook keeps,
take ~220 KB per article counted when the months are many (measured on the SYNTHETIC 1M store,
whose copies span 13 years: 15,000 articles took the kernel to 3.5 GB, 6,000 to 2.1 GB with
DuckDB's 1 GB beside them), so 4,500 articles keep the kernel under 2 GiB. :data:`TOTAL` shares
that budget when there are many groups (grouping by outlet). The phrase lexicon reads as many
(:data:`LEXICON_PER_GROUP`).
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from workbench.analyze.sql.core import Selection, lit
from workbench.store.layout import TEXT_COLUMNS

PER_GROUP = 1_500
TOTAL = 4_500
LEXICON_PER_GROUP = 1_500  # phrase matching costs several times word counting per article
HITS_PER_GROUP = 500  # KWIC / quotes: articles read per group among those with a hit


def quota(n_groups: int, per_group: int | None = None, total: int | None = None) -> int:
    """Articles read per group: ``per_group`` (default :data:`PER_GROUP`), less when
    ``n_groups`` groups would pass ``total`` (default :data:`TOTAL`)."""
    per_group = PER_GROUP if per_group is None else per_group
    total = TOTAL if total is None else total
    return max(1, min(per_group, total // max(n_groups, 1)))


def sample_ids(sel: Selection, by: str | None, *, cap: int | None = None,
               among: str | None = None) -> tuple[pd.DataFrame, dict[str, tuple[int, int]]]:
    """(article_id, grp, ord) of the sample in store order, and per group (kept, selected).
    ``among``: SQL of article ids to sample from instead of the whole selection (KWIC: the
    articles with a hit); ``cap``: per-group size (default :func:`quota`)."""
    db = sel.db
    labels = sel.labels(by)
    pool = f"(SELECT * FROM {labels} WHERE article_id IN {among})" if among else labels
    sizes = db.df(f"SELECT grp, count(*) AS n FROM {pool} GROUP BY 1")
    k = cap if cap is not None else quota(len(sizes))
    order = db.temp("order")
    db.con.execute(f"CREATE TEMP TABLE {order} AS SELECT article_id, _file, _row FROM "
                   f"(SELECT article_id, filename AS _file, file_row_number AS _row FROM "
                   f"read_parquet({_files(sel)}, filename = true, file_row_number = true)) "
                   f"SEMI JOIN {pool} USING (article_id)")
    ids = db.df(f"""
        SELECT p.article_id, p.grp FROM (
            SELECT article_id, grp FROM {pool}
            QUALIFY row_number() OVER (PARTITION BY grp ORDER BY md5(article_id), article_id)
                    <= {int(k)}) p
        JOIN {order} o USING (article_id) ORDER BY o._file, o._row""")
    db.con.execute(f"DROP TABLE {order}")
    kept = ids.groupby("grp").size()
    counts = {str(g): (int(kept.get(g, 0)), int(n)) for g, n in zip(sizes["grp"], sizes["n"],
                                                                       strict=True)}
    return ids, counts


def _files(sel: Selection) -> str:
    return "[" + ", ".join(lit(f) for f in sel.db.store.files("articles")) + "]"


def articles_frame(sel: Selection, ids: pd.Series, *, text: bool = True) -> pd.DataFrame:
    """The selected articles ``ids`` as the pandas selection holds them: every ``articles``
    column of the store (and ``title``/``text`` with ``text``), in store order; boilerplate
    blanked when the selection keeps it (as ``select_articles(include_boilerplate=True)``)."""
    from workbench.store.corpus import StoreTable

    db = sel.db
    meta = StoreTable(db, "articles").rows_for(ids)
    if text and db.has("texts"):
        body = StoreTable(db, "texts").rows_for(ids)
        body = body[[c for c in body.columns if c == "article_id" or c in TEXT_COLUMNS
                     or c not in meta.columns]]
        meta = meta.merge(body, on="article_id", how="left", validate="one_to_one")
    if sel.spans is None and "boilerplate" in meta.columns:
        meta = meta.assign(
            boilerplate=pd.Series(pd.NA, index=meta.index, dtype="string"),
            boilerplate_words=pd.Series(0, index=meta.index, dtype="Int64"))
    meta.attrs["notes"] = sel.notes
    return meta


def _note(counts: dict[str, tuple[int, int]], by: str | None, what: str) -> str | None:
    kept = sum(k for k, _ in counts.values())
    total = sum(n for _, n in counts.values())
    if kept == total:
        return None
    cut = {g: (k, n) for g, (k, n) in counts.items() if k < n}
    each = "; ".join(f"{g}: {k:,} of {n:,}" for g, (k, n) in sorted(cut.items())[:8])
    more = f"; and {len(cut) - 8} more groups" if len(cut) > 8 else ""
    return (f"{what} computed on a random sample of {kept:,} of {total:,} articles (at most "
            f"{max(k for k, _ in counts.values()):,} per {_unit(by)}, chosen "
            f"by article id, the same on every run — the texts of all would not fit in "
            f"memory): {each}{more}.")


def _unit(by: str | None) -> str:
    return "group" if by in (None, "group") else f"{by} group"


def text_sample(sel: Selection, by: str | None, what: str = "Text analyses", *,
                per_group: int | None = None) -> pd.DataFrame:
    """The selection's sampled articles with their text (at most ``per_group`` a group,
    default :data:`PER_GROUP`; cached on the selection), ``attrs["notes"]`` ending with a note
    on the sample when one was taken."""
    cache = sel.__dict__.setdefault("_text_samples", {})
    key = (by, per_group)
    if key not in cache:
        sizes = int(sel.db.scalar(f"SELECT count(DISTINCT grp) FROM {sel.labels(by)}") or 0)
        ids, counts = sample_ids(sel, by, cap=quota(sizes, per_group))
        frame = articles_frame(sel, ids["article_id"])
        cache[key] = (frame, counts)
    frame, counts = cache[key]
    out = frame.copy(deep=False)
    out.attrs = {"notes": list(sel.notes)}
    note = _note(counts, by, what)
    return out if note is None else out.assign().pipe(_with_note, note)


def _with_note(df: pd.DataFrame, note: str) -> pd.DataFrame:
    df.attrs = {**df.attrs, "notes": [*df.attrs.get("notes", []), note]}
    return df


def sample_note(df: pd.DataFrame, sample: pd.DataFrame) -> pd.DataFrame:
    """``df`` with the sample's note (its last note beyond the selection's) appended."""
    extra = [n for n in sample.attrs.get("notes", []) if "random sample" in n]
    for text in extra:
        if text not in df.attrs.get("notes", []):
            _with_note(df, text)
    return df


def hit_sample(sel: Selection, table: str, where: str, by: str | None, what: str
               ) -> tuple[pd.DataFrame, str | None]:
    """Articles of the selection with a row of ``table`` matching ``where`` (SQL), at most
    :data:`HITS_PER_GROUP` per group, with their text, and the note on the sample."""
    rows = sel.rows(table, ["article_id"] + _where_columns(sel, table))
    among = f"(SELECT DISTINCT article_id FROM {rows} WHERE {where})"
    ids, counts = sample_ids(sel, by, cap=HITS_PER_GROUP, among=among)
    return articles_frame(sel, ids["article_id"]), _note(counts, by, what)


def _where_columns(sel: Selection, table: str) -> list[str]:
    return [c for c in ("entity_id", "entity", "text", "type") if c in sel.db.columns(table)]


def spelled(expr: str, value: Any) -> str:
    """SQL: ``expr`` stripped and lower-cased equals ``value`` stripped and lower-cased."""
    from workbench.analyze.sql.core import strip

    return f"lower({strip(expr)}) = {lit(str(value).strip().lower())}"


def ids_sql(ids: list[str]) -> str:
    from workbench.analyze.sql.core import lits

    return f"entity_id IN {lits(ids)}"

