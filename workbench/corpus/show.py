"""A readable summary of an articles table for the terminal."""

from __future__ import annotations

import pandas as pd

from workbench.corpus.load import problems


def describe(df: pd.DataFrame, limit: int = 40) -> str:
    """Header line, one row per article (id, outlet, date and its source, title, words,
    duplicate), then the problems and skipped files."""
    n_dup = int(df["duplicate_of"].notna().sum())
    n_outlets = df["outlet"].nunique()
    n_undated = int(df["published"].isna().sum())
    lines = [f"{len(df)} articles, {n_outlets} outlets, {n_dup} duplicate(s) linked, "
             f"{n_undated} undated"]
    show = pd.DataFrame({
        "id": df["article_id"].str.slice(0, 8),
        "outlet": df["outlet"].fillna("?").map(lambda s: _cut(s, 18)),
        "published": df["published"].dt.strftime("%Y-%m-%d").fillna("undated"),
        "from": [s if pd.isna(e) else f"{s}: {_cut(e, 24)}"
                 for s, e in zip(df["published_source"], df["published_evidence"])],
        "title": [_cut(t if s != "first-sentence" else f"[{t}]", 56)
                  for t, s in zip(df["title"].fillna("?"), df["title_source"])],
        "words": df["n_words"],
        "lang": df["language"].fillna("?"),
        "dup of": df["duplicate_of"].fillna("").str.slice(0, 8),
    })
    notes = []
    if df["translated_by"].notna().any():
        for _, row in df[df["translated_by"].notna()].iterrows():
            notes.append(f"  {row['article_id'][:8]}: {row['translation']} translation credited "
                         f"({row['translated_by']})")
    lines.append(show.head(limit).to_string(index=False))
    if len(df) > limit:
        lines.append(f"… {len(df) - limit} more (use --limit, or --out FILE for all)")
    if notes:
        lines += ["", "Translations:", *notes]
    flagged = df[df["warnings"].notna()]
    if len(flagged):
        lines += ["", f"Warnings ({len(flagged)} articles):"]
        lines += [f"  {p}: {w}" for p, w in zip(flagged["path"].head(limit),
                                                flagged["warnings"].head(limit))]
    found = problems(df)
    if not found:
        lines += ["", "Problems: none"]
    else:
        lines += ["", f"Problems ({len(found)}):", *(f"  {p}" for p in found[:200])]
        if len(found) > 200:
            lines.append(f"  … {len(found) - 200} more")
    skipped = df.attrs.get("skipped", [])
    if skipped:
        lines += ["", f"Skipped ({len(skipped)}):", *(f"  {s}" for s in skipped[:50])]
    return "\n".join(lines)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
