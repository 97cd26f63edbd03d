"""Small display helpers for the notebooks: context boxes, notes in words, charts or a reason.

Everything shown here is built from escaped text: outlet names, titles and notes come from the
corpus, which is untrusted, so no corpus string is ever inserted into HTML unescaped.
"""

from __future__ import annotations

import html
import inspect
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

# The parameters every notebook's parameters cell declares, read by :func:`setup`.
COMMON = ("corpus", "outlets", "groups", "group_by", "date_from", "date_to",
          "count_duplicates_once", "common_period", "top_n", "model", "cache_dir")

_BOX = ("<div class='nb-note nb-{kind}' style='border-left:4px solid {color};background:{bg};"
        "padding:8px 12px;margin:8px 0;font-size:14px;line-height:1.45'>{body}</div>")


def _display(obj: Any) -> None:
    from IPython.display import display

    display(obj)


def _html(text: str) -> Any:
    from IPython.display import HTML

    return HTML(text)


def note(text: str, *, kind: str = "info") -> None:
    """Show ``text`` (plain text, escaped) in a box; ``kind`` is info, warning or too-little."""
    color, bg = {"warning": ("#c0392b", "#fdf1f0"), "too-little": ("#b9770e", "#fef9e7")}.get(
        kind, ("#2c7fb8", "#eef5fb"))
    _display(_html(_BOX.format(kind=kind, color=color, bg=bg, body=html.escape(text))))


def show(chart: Any, *, reason: str | None = None) -> None:
    """Show ``chart``, or — when there is too little data for it to mean anything — the reason
    in words instead of a chart of noise."""
    if reason:
        note(reason, kind="too-little")
    else:
        _display(chart)


def context(ann: Any, articles: pd.DataFrame, *, group_by: str = "outlet",
            notes: Iterable[str] = ()) -> None:
    """What this notebook is looking at: articles, groups, dates, pipeline, and every note
    about what was left out."""
    n = len(articles)
    groups, unknown = 0, 0
    if group_by in articles.columns:
        # As the tables count them: articles without a value are the group "(unknown)".
        col = articles[group_by]
        groups, unknown = col.nunique(), int(col.isna().sum())
    dated = articles["published"].dropna()
    span = (f"{dated.min():%Y-%m-%d} to {dated.max():%Y-%m-%d}" if len(dated) else "no dates")
    undated = n - len(dated)
    estimated = int((articles["published_source"] == "text").sum())
    lost = f" ({unknown:,} with no {group_by}: the group \"(unknown)\")" if unknown else ""
    lines = [f"{n:,} article{'s' if n != 1 else ''} {_groups_phrase(groups, group_by)}{lost}; "
             f"published {span}"
             + (f"; {undated:,} undated" if undated else "")
             + (f"; {estimated:,} dated from their text (estimates)" if estimated else "") + "."]
    languages, english_on_other = language_lines(ann, articles)
    if languages is None:
        lines.append(f"Annotated with {ann.pipeline.label}.")
    note(" ".join(lines))
    if languages is not None:
        note(languages, kind="warning" if english_on_other else "info")
    if ann.fallback:
        note("No trained spaCy pipeline was available: entities come from the knowledge base "
             "only and quotes are not extracted. Install one (see README) for full results.",
             kind="warning")
    for text in [*notes, *articles.attrs.get("notes", [])]:
        note(text)


def language_lines(ann: Any, articles: pd.DataFrame) -> tuple[str | None, bool]:
    """The selection's languages, each with its articles and the pipeline that annotated it
    (``ann.stats["pipelines"]``), most articles first — None for an all-English selection —
    and whether an English pipeline annotated text of another language."""
    from workbench.annotate.cyrillic import ROUTED, pipeline_notes

    codes = articles["language"] if "language" in articles.columns else pd.Series(dtype=object)
    codes = codes.astype("string").str.strip().fillna("").replace("", "unknown")
    counts = codes.value_counts(sort=False).sort_index().sort_values(ascending=False,
                                                                      kind="stable")
    if set(counts.index) <= {"en", "unknown"}:
        return None, False
    described = dict((getattr(ann, "stats", None) or {}).get("pipelines") or {})
    missing = [lang for lang in counts.index if lang not in described]
    if missing:  # a result made without stats: describe them the way annotate does
        described.update(pipeline_notes(missing, ann.pipeline.label)[0])
    from workbench.analyze import language_name

    each = [f"{language_name(lang)}, {n:,} article{'s' if n != 1 else ''}: {described[lang]}"
            for lang, n in counts.items()]
    other = any(lang not in ROUTED | {"en", "unknown"} for lang in counts.index)
    return "Languages, and the pipeline that annotated each — " + ". ".join(each) + ".", other


def keyness_charts(k: pd.DataFrame, *, n: int = 10, reason: str | None = None,
                   title: str | None = None, **options: Any) -> None:
    """Show :func:`~workbench.charts.keyness_bars` of a keyness result — one chart per
    language when words of several languages were compared (each within itself, titled with
    its language) — or ``reason`` instead."""
    from workbench import analyze as an
    from workbench import charts

    if reason:
        show(None, reason=reason)
        return
    parts = an.by_language(k) or [k]
    for part in parts:
        lang = part.attrs.get("language")
        named = (f"{an.language_name(lang)} words: {title or 'what each group favours'}"
                 if len(parts) > 1 else title)
        show(charts.keyness_bars(part, n=n, title=named, **options))


def _groups_phrase(n: int, group_by: str) -> str:
    """"from 4 outlets", "in 3 groups", "in 2 country groups"."""
    plural = "s" if n != 1 else ""
    if group_by == "outlet":
        return f"from {n} outlet{plural}"
    kind = "" if group_by == "group" else f"{group_by} "
    return f"in {n} {kind}group{plural}"


def table(df: pd.DataFrame, *, max_rows: int = 30) -> None:
    """Show a DataFrame (pandas escapes its cells) capped at ``max_rows`` rows."""
    if len(df) > max_rows:
        note(f"Showing the first {max_rows} of {len(df):,} rows.")
    _display(df.head(max_rows))


_SELECTION = ("outlets", "groups", "date_from", "date_to", "common_period", "story",
              "stories_min_outlets")


class NoArticles(Exception):  # noqa: N818 - shown to readers by name: "NoArticles"
    """Raised by :func:`setup` when the selection is empty, after saying so: the report shows
    the note and renders nothing else (``workbench report`` counts it as rendered, not
    failed)."""


def setup(params: Mapping[str, Any] | None = None, /,
          **overrides: Any) -> tuple[Any, pd.DataFrame]:
    """Open the corpus and select the articles as a notebook's parameters say, show the
    context (articles, each group's date range, what was left out), and return
    ``(ann, arts)``.

    ``params`` is the notebook's namespace (``nb.setup(globals())``) or any mapping of the
    common parameters (:data:`COMMON`); keywords override it.  Empty values mean "no filter".
    A parameter of :func:`~workbench.analyze.select_articles` not handled here (a newer
    option) is passed to it as it is when the namespace defines it.
    """
    import workbench as wb
    from workbench import analyze as an

    p = {**(params or {}), **overrides}
    if "corpus" not in p:
        raise ValueError("setup() needs the corpus parameter")
    group_by = p.get("group_by") or "outlet"
    from workbench.store.corpus import is_store

    if is_store(p["corpus"]):
        return _setup_store(p, group_by)
    ann = wb.open_corpus(p["corpus"], model=p.get("model") or None,
                         cache_dir=p.get("cache_dir") or None, sources=p.get("sources") or None)
    chosen = {"outlets": p.get("outlets") or None, "groups": p.get("groups") or None,
              "group_col": group_by, "date_from": p.get("date_from") or None,
              "date_to": p.get("date_to") or None,
              "count_duplicates_once": bool(p.get("count_duplicates_once", True))}
    accepted = inspect.signature(an.select_articles).parameters
    chosen.update({k: p[k] for k in accepted if k in p and k not in chosen and k != "articles"})
    arts = an.select_articles(ann.articles, **chosen)
    if p.get("common_period"):
        arts = an.common_period(arts, by=group_by)
    if p.get("story") or p.get("stories_min_outlets"):
        # Within one story, or only the stories enough groups covered (stories are grouped
        # over the whole corpus, then cut to the selection).
        arts = an.stories_articles(arts, ann.stories, story=p.get("story") or None,
                                   min_groups=int(p.get("stories_min_outlets") or 0),
                                   by=group_by, mentions=ann.mentions)
    if arts.empty:
        _no_articles(p, arts, len(ann.articles))
    _show_context(p, ann, arts, group_by)
    return ann, arts


def _no_articles(p: Mapping[str, Any], arts: Any, n_corpus: int) -> None:
    from workbench import analyze as an

    asked = {k: v for k, v in p.items() if k in _SELECTION and v not in (None, "", [], 0)}
    note("No article matches the selection"
         + (f" ({', '.join(f'{k}={v!r}' for k, v in asked.items())})" if asked else "")
         + f" among the corpus's {n_corpus:,} articles: nothing to show. Widen "
         "the selection (outlets, groups, dates, story).", kind="warning")
    for text in an.notes(arts):
        note(text)
    raise NoArticles("no article matches the selection")


def _setup_store(p: Mapping[str, Any], group_by: str) -> tuple[Any, Any]:
    """``setup`` on a corpus store: a store-backed ``ann`` (table handles, no rows in memory)
    and the selection as a DuckDB table (:class:`~workbench.analyze.sql.core.Selection`), which
    the analyses of :mod:`workbench.analyze` accept in place of pandas tables."""
    from workbench.analyze import sql
    from workbench.store.corpus import StoreCorpus, selection_frame

    ann = StoreCorpus(p["corpus"])
    arts = sql.select(ann.db, dict(p), group_by=group_by)
    arts.sample_by = group_by  # the text analyses sample within these groups
    if not len(arts):
        _no_articles(p, arts, ann.n_articles)
    # The context counts a few columns of every selected article: a compact frame of them.
    meta = selection_frame(arts, [group_by, "published", "published_source", "language"])
    _show_context(p, ann, meta, group_by)
    return ann, arts


def _show_context(p: Mapping[str, Any], ann: Any, arts: pd.DataFrame, group_by: str) -> None:
    """The context box, each group's date range, and the period warning."""
    from workbench import analyze as an
    from workbench.charts import colors

    colors.register(an.group_column(arts, group_by).unique())
    context(ann, arts, group_by=group_by)
    ranges = an.group_ranges(arts, by=group_by)
    group_ranges(ranges)
    # Restricted to the common period, the groups' windows are equal by construction (their
    # first and last articles within it may still differ by a few days).
    warning = None if p.get("common_period") else an.period_warning(ranges)
    if warning:
        note(warning, kind="warning")


def group_ranges(ranges: pd.DataFrame, *, max_rows: int = 60) -> None:
    """Show each group's article count and date range (from
    :func:`~workbench.analyze.group_ranges`) as a small table."""
    if ranges.empty:
        return
    by = str(ranges.attrs.get("by", "group"))
    shown = pd.DataFrame({
        by: ranges["group"],
        "articles": ranges["articles"],
        "dated": ranges["dated"],
        "from": ranges["first"].dt.strftime("%Y-%m-%d").fillna("–"),
        "to": ranges["last"].dt.strftime("%Y-%m-%d").fillna("–"),
        "days": ranges["days"].astype("string").fillna("–"),
    })
    table(shown.set_index(by), max_rows=max_rows)


KWIC_SHOWN = ["outlet", "group", "published", "title", "left", "keyword", "right", "variant"]
_KWIC_ALIGN = {"left": "text-align:right", "keyword": "font-weight:bold;text-align:center",
               "right": "text-align:left"}


def kwic_table(k: pd.DataFrame, *, max_rows: int = 500) -> str:
    """An HTML table of a :func:`~workbench.analyze.kwic` result, every header and cell
    escaped; left context right-aligned so keywords line up."""
    # Readers identify an article by outlet, date and headline, not by its hash.
    by = str(k.attrs.get("by", "group"))
    # Grouped by outlet, the group column would repeat the outlet column.
    cols = [c for c in KWIC_SHOWN if c in k.columns and not (c == "group" and by == "outlet")]
    head = "".join(f"<th>{html.escape(by if c == 'group' else c)}</th>" for c in cols)
    body = []
    for row in k[cols].head(max_rows).itertuples(index=False):
        cells = []
        for col, value in zip(cols, row, strict=True):
            style = _KWIC_ALIGN.get(col, "")
            attr = f' style="{style}"' if style else ""
            cells.append(f"<td{attr}>{html.escape(_cell(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = f"<p>Showing {max_rows} of {len(k)} lines.</p>" if len(k) > max_rows else ""
    return (f'<table class="nb-kwic"><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>{more}")


def kwic(k: pd.DataFrame, *, n: int = 60) -> None:
    """Show a keyword-in-context table: at most ``n`` lines sampled across groups and over time
    (sorted by group, then date), and the same lines sorted by the word after and before the
    keyword (the concordance orders), folded below."""
    from workbench.analyze import notes, sample_across

    sample = sample_across(k, n)
    for text in notes(sample):
        note(text)
    _display(_html(kwic_table(sample, max_rows=n)))
    if len(sample) < 2:
        return
    for label, order in (("the word after", _first_word(sample["right"])),
                         ("the word before", _first_word(sample["left"], last=True))):
        ordered = sample.assign(_o=order).sort_values(["_o", "published"], kind="stable")
        _display(_html(f"<details><summary>The same lines sorted by {label} the keyword"
                       f"</summary>{kwic_table(ordered.drop(columns='_o'), max_rows=n)}"
                       f"</details>"))


def _first_word(s: pd.Series, *, last: bool = False) -> pd.Series:
    words = s.astype("string").fillna("").str.lower().str.findall(r"\w+")
    return words.str[-1 if last else 0].fillna("")


def _cell(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, pd.Timestamp):
        return f"{value:%Y-%m-%d}"
    return str(value)


def quotes(q: pd.DataFrame, *, n: int = 25) -> None:
    """Show a :func:`~workbench.analyze.quotes_table`: at most ``n`` quotes sampled across
    groups and over time, the group column named after the grouping."""
    from workbench.analyze import notes, sample_across

    by = str(q.attrs.get("by", "group"))
    sample = sample_across(q, n)
    for text in notes(sample):
        note(text)
    shown = sample.drop(columns=["article_id", "start"], errors="ignore")
    shown = (shown.drop(columns="group") if by == "outlet"
             else shown.rename(columns={"group": by}))
    shown["published"] = shown["published"].dt.strftime("%Y-%m-%d")
    table(shown, max_rows=n)
