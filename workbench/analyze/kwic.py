"""Keyword in context: every mention of an entity, with the words around it.

The table holds plain text; :func:`kwic_html` is the only place it becomes HTML, and it escapes
every cell, because article text is untrusted input.
"""

from __future__ import annotations

import html

import pandas as pd

from .frequency import entity_ids
from .select import restrict

KWIC_COLUMNS = ["article_id", "outlet", "published", "title", "left", "keyword", "right",
                "variant"]


def kwic(mentions: pd.DataFrame, articles: pd.DataFrame, entity: str, *,
         width: int = 60) -> pd.DataFrame:
    """Each mention of ``entity`` — an ``entity_id``, a canonical name, or a spelling as written
    (case-insensitive), covering all its variants — with up to ``width`` characters either side
    taken from ``articles.text`` at the mention offsets (line breaks shown as spaces).  Sorted
    by publication date, outlet and position."""
    m = restrict(mentions, articles)
    ids = entity_ids(m, entity)
    if ids:
        hits = m[m["entity_id"].isin(ids).fillna(False).astype(bool)]
    else:  # mentions the knowledge base did not link can still be found by their spelling
        written = m["text"].astype("string").str.strip().str.lower()
        hits = m[(written == str(entity).strip().lower()).fillna(False).astype(bool)]
    hits = hits.dropna(subset=["start", "end"])
    meta = articles.drop_duplicates("article_id").set_index("article_id")
    texts = meta["text"].astype("string").fillna("")
    rows = []
    for r in hits.itertuples(index=False):
        text = texts.get(r.article_id, "")
        start, end = int(r.start), int(r.end)
        if pd.isna(text) or end > len(text) or start < 0 or start >= end:
            continue  # offsets that do not fit the text are not shown rather than misquoted
        rows.append((r.article_id, start, end, _flat(text[start:end]),
                     _flat(text[max(0, start - width):start]), _flat(text[end:end + width]),
                     r.variant))
    out = pd.DataFrame(rows, columns=["article_id", "start", "end", "keyword", "left",
                                      "right", "variant"])
    out["outlet"] = out["article_id"].map(meta["outlet"]).astype("string")
    out["published"] = out["article_id"].map(meta["published"]).astype("datetime64[ns]")
    out["title"] = out["article_id"].map(meta["title"]).astype("string") \
        if "title" in meta.columns else pd.Series(pd.NA, index=out.index, dtype="string")
    out = out.sort_values(["published", "outlet", "article_id", "start"],
                          na_position="last", ignore_index=True)
    out = out[KWIC_COLUMNS]
    out.attrs["entity_ids"] = ids
    return out


def kwic_html(df: pd.DataFrame, *, max_rows: int = 500) -> str:
    """An HTML table of a :func:`kwic` result for notebook display (``IPython.display.HTML``),
    with every header and cell escaped; left context right-aligned so keywords line up."""
    # Readers identify an article by outlet, date and headline, not by its hash.
    cols = [c for c in KWIC_COLUMNS if c in df.columns and c != "article_id"]
    align = {"left": "text-align:right", "keyword": "font-weight:bold;text-align:center",
             "right": "text-align:left"}
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in cols)
    body = []
    for row in df[cols].head(max_rows).itertuples(index=False):
        cells = []
        for col, value in zip(cols, row):
            style = align.get(col, "")
            attr = f' style="{style}"' if style else ""
            cells.append(f"<td{attr}>{html.escape(_cell(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    note = ""
    if len(df) > max_rows:
        note = f"<p>Showing {max_rows} of {len(df)} lines.</p>"
    return (f'<table class="wb-kwic"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>{note}")


_FLAT = str.maketrans({"\r": " ", "\n": " ", "\t": " "})


def _flat(s: str) -> str:
    return s.translate(_FLAT)


def _cell(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    return str(value)
