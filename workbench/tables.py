"""The tidy tables that pass between layers — the one place their columns are documented.

Every layer reads and writes these four tables (plus extra columns a user joins on, such as the
ones from ``sources.csv``). ``conform(df, "mentions")`` gives a frame exactly these columns, in
this order, with these dtypes, so notebooks and charts can rely on them whatever produced them.
``python -m workbench tables`` prints this contract as Markdown.

STORE — the same tables on disk (``workbench.store``, ``workbench store PATH --out STORE``): a
folder or fsspec URL holding ``_store.json`` (the manifest: format version, pipeline label and
fingerprint, tables with their columns and row counts, and per part its files, row counts and
the digest of its article ids) and one folder per table of ``part-NNNNN-<hash>.parquet`` files:
``articles`` (every articles column here but ``text`` and ``raw_text``, plus ``sources.csv``
columns), ``texts`` (``article_id``, ``title``, ``text``), ``mentions``, ``quotes``, ``dates``,
``aside_mentions``, ``stories``. Part N of every table holds the rows of the same batch of
articles; the files keep these dtypes (``pandas.read_parquet`` gives them back), and
``conform`` restores them after any other reader (DuckDB, Dask). Only the files the manifest
lists are live.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str
    doc: str


STR = "string"
INT = "Int64"
DATE = "datetime64[ns]"
FLOAT = "float64"

TABLES: dict[str, tuple[Column, ...]] = {
    "articles": (
        Column("article_id", STR, "Stable id derived from the article's content (16 hex digits; "
               "`-2`, `-3`… appended when identical content appears more than once)."),
        Column("path", STR, "Where it came from: a file path, or `file.jsonl:LINE` / "
               "`file.csv:ROW` for a dataset record."),
        Column("outlet", STR, "The outlet that published it, or missing."),
        Column("outlet_source", STR, "How `outlet` was found: sidecar | front-matter | html | "
               "dataset | url (the page's site, even for a wire story it ran) | dateline (a wire "
               "dateline or sign-off, without a URL or on the agency's own site: see "
               "`dateline`) | credit | unknown."),
        Column("title", STR, "Headline, or missing."),
        Column("title_source", STR, "sidecar | header | front-matter | dataset | html | "
               "first-line | first-sentence (no headline: the first sentence, cut) | unknown."),
        Column("published", DATE, "Publication date (day precision), or missing (NaT)."),
        Column("published_source", STR, "header | front-matter | sidecar | dataset | html (the "
               "page's metadata) | url | dateline (the day of the `dateline`, its year from the "
               "text's dates, the URL or the corpus's known dates) | text (the latest day the "
               "text reports: a lower bound) | unknown."),
        Column("published_evidence", STR, "For dates inferred from the text or a dateline: the "
               "words that gave it (from the text: the article appeared on or after that date)."),
        Column("url", STR, "Original address, when known."),
        Column("author", STR, "Byline or author block, when found."),
        Column("dateline", STR, "The dateline as written (`KYIV, Dec 26 (Reuters) -`, `MOSCOW, "
               "December 26. /TASS/.`), found in the lead and taken out of `text` (it is no "
               "mention, quote or date), or missing."),
        Column("dateline_place", STR, "The dateline's place as a name, with its region (`Kyiv, "
               "Ukraine`, `Igora, Leningrad Region`), or missing."),
        Column("language", STR, "ISO 639-1 code of the body text, detected."),
        Column("translated_by", STR, "Who translated it, when the text credits a translation "
               "(e.g. `Yandex Translator`, `Iurie Tataru`)."),
        Column("translation", STR, "`machine` or `human` when `translated_by` is set."),
        Column("text", STR, "The clean body: chrome, captions, credits, related-headline lists "
               "and other-script lines removed; Unicode NFC, whitespace normalised."),
        Column("raw_text", STR, "The decoded file (or dataset field) as it was."),
        Column("aside_text", STR, "Lines in another script than the article's language, kept "
               "here (one per line) rather than dropped."),
        Column("n_words", INT, "Words in `text`."),
        Column("duplicate_of", STR, "`article_id` of the copy this one near-duplicates, or "
               "missing; count a story once by dropping rows where it is set."),
        Column("boilerplate", STR, "Paragraphs (lines) of `text` that its outlet repeats across "
               "many of its stories — background blocks, 'X contributed to this report', promos, "
               "newsletter pitches, bylines, bios (`corpus/boilerplate.py`) — as JSON "
               "`[[start, end, articles, key], …]`: character span in `text`, how many of the "
               "outlet's stories carry it, and an id shared by its copies; missing when none. "
               "Analyses leave these spans out unless `include_boilerplate=True`."),
        Column("boilerplate_words", INT, "Words of `text` inside the `boilerplate` spans."),
        Column("warnings", STR, "Problems found with this article, `; `-separated, or missing."),
    ),
    "mentions": (
        Column("article_id", STR, "The article (see `articles`)."),
        Column("sent_index", INT, "Sentence number within the article's `text`, from 0."),
        Column("start", INT, "Character offset of the mention in `text`."),
        Column("end", INT, "Character offset just past the mention."),
        Column("text", STR, "The mention as written."),
        Column("label", STR, "The pipeline's own label (PER, GPE, NORP, …), or the knowledge "
               "base's type for a mention the knowledge base matched."),
        Column("type", STR, "Normalised type: PERSON | ORG | PLACE | GROUP | EVENT | OTHER."),
        Column("entity_id", STR, "Knowledge-base id (a Wikidata QID where one exists), or a "
               "`local:` id made from the normalised name; a surname alone is the full name it "
               "ends in that article, or else the one the corpus links it to "
               "(`annotate/surnames.py`)."),
        Column("entity", STR, "Canonical name (`Volodymyr Zelensky` for every spelling)."),
        Column("variant", STR, "The knowledge base's variant tag for the spelling used (`kiev`, "
               "`kyiv`, `vladimir`…), or missing."),
        Column("affiliation", STR, "Russia | Ukraine | US | EU | international | … from the "
               "knowledge base, or missing."),
        Column("source", STR, "What found it: `kb` (knowledge base), `model` (statistical NER), "
               "`rule` (normalisation rules)."),
    ),
    # ann.aside_mentions: the names in an article's Cyrillic lines set aside from another
    # language's text (annotate/cyrillic_aside.py), apart from `mentions`, which analyses count.
    "aside_mentions": (
        Column("article_id", STR, "The article (see `articles`)."),
        Column("sent_index", INT, "Line number within the article's `aside_text`, from 0 (each "
               "line a sentence)."),
        Column("start", INT, "Character offset of the mention in `aside_text` (not `text`)."),
        Column("end", INT, "Character offset just past the mention in `aside_text`."),
        Column("text", STR, "The mention as written (`Дональд Трамп`, `НАБУ`)."),
        Column("label", STR, "As in `mentions`."),
        Column("type", STR, "As in `mentions`."),
        Column("entity_id", STR, "As in `mentions`: the same ids in every language."),
        Column("entity", STR, "As in `mentions`."),
        Column("variant", STR, "As in `mentions`."),
        Column("affiliation", STR, "As in `mentions`."),
        Column("source", STR, "As in `mentions`."),
        Column("field", STR, "`aside_text`: where the offsets point. These lines (the Russian "
               "photo titles of an English edition) are annotated with the Russian or "
               "Ukrainian pipeline so their names are found, and kept out of `mentions` and "
               "so of the analyses, as the cleaner keeps English captions out of `text`."),
    ),
    "quotes": (
        Column("article_id", STR, "The article."),
        Column("sent_index", INT, "Sentence number of the attribution."),
        Column("start", INT, "Character offset of the quoted words in `text`."),
        Column("end", INT, "Character offset just past the quoted words."),
        Column("speaker", STR, "The speaker as written (`Peskov`; `he`, `the minister` resolved "
               "to the name); missing for a direct quote attributed to no one named (a bare "
               "`they`)."),
        Column("speaker_id", STR, "`entity_id` of the speaker, or missing."),
        Column("speaker_affiliation", STR, "The speaker's affiliation from the knowledge base."),
        Column("quote", STR, "What was said (direct: the quoted words; indirect: the reported "
               "clause)."),
        Column("verb", STR, "Lemma of the speech verb (`say`, `tell`, `stress`, `emphasise`…)."),
        Column("kind", STR, "`direct` (quotation marks or a dash) or `indirect`."),
    ),
    "dates": (
        Column("article_id", STR, "The article."),
        Column("sent_index", INT, "Sentence number."),
        Column("start", INT, "Character offset of the expression in `text`."),
        Column("end", INT, "Character offset just past it."),
        Column("text", STR, "The expression (`July 23`, `on Friday`, `in August`, `last month`)."),
        Column("date", DATE, "Resolved calendar date: the day, or the first day of the month or "
               "year for coarser expressions; NaT when it cannot be resolved."),
        Column("precision", STR, "`day` | `month` | `year`."),
        Column("anchor", DATE, "The date it was resolved against (the article's publication "
               "date), or NaT if only explicit dates could be resolved."),
        Column("sentence", STR, "The sentence it appears in."),
    ),
    # Computed from the articles and mentions (analyze/stories.py), not by the pipeline.
    "stories": (
        Column("article_id", STR, "The article."),
        Column("story_id", STR, "The story: articles on the same event, published within a "
               "few days of each other (`s` + 10 hex digits, named after its earliest "
               "article so it stays put when articles are added)."),
        Column("score", FLOAT, "Cosine similarity of the article to its story's centroid "
               "(0–1): how central it is to the story."),
        Column("copy", "bool", "A near-duplicate of another article (`duplicate_of` set): "
               "kept in its story, but not independent coverage."),
        Column("dated", "bool", "False for an undated article, grouped by content alone."),
        Column("label", "category", "The story's most distinctive words (`kavanaugh · ford · "
               "brett · judge`)."),
    ),
    # Not annotated: computed at analysis time from a lexicon (analyze/lexicon.py).
    "lexicon_matches": (
        Column("article_id", STR, "The article."),
        Column("frame", STR, "The lexicon frame (`russian-official framing`, `war`…)."),
        Column("term", STR, "The lexicon's phrase, or the label of the token pattern, matched."),
        Column("start", INT, "Character offset of the match in `text`."),
        Column("end", INT, "Character offset just past it."),
        Column("text", STR, "The match as written."),
        Column("where", STR, "Whose wording: `own` (the outlet's), `quoted` (inside an "
               "attributed direct quotation, or in quotation marks within a reported clause), "
               "`reported` (an indirect quote's clause), `marked` (in quotation marks nobody is "
               "credited with: scare quotes)."),
        Column("speaker", STR, "The speaker of a `quoted` or `reported` match, as written."),
    ),
    # Computed from a selection of articles (analyze/periods.py): what period each group covers.
    "group_ranges": (
        Column("group", STR, "The group (an outlet, or the `group_by` value from sources.csv)."),
        Column("articles", INT, "Selected articles of the group."),
        Column("dated", INT, "Of which with a publication date."),
        Column("first", DATE, "First publication day (NaT when none is dated)."),
        Column("last", DATE, "Last publication day."),
        Column("days", INT, "Days from first to last, inclusive."),
    ),
}


# Result metadata: what an analysis result carries in ``df.attrs`` besides its columns (read by
# charts and notebooks). pandas keeps attrs through copies but drops them on many operations
# (merge, concat, groupby…): read them from a function's own result, and copy them on
# (``out.attrs = dict(df.attrs)``) when deriving one result from another.
RESULT_ATTRS: dict[str, str] = {
    "by": "Name of the column the `group` column holds (`outlet`, `country`…): every grouped "
          "result.",
    "notes": "list[str]: what a selection or analysis left out, in words "
             "(`analyze.notes(df)`; added with `select.add_note`).",
    "freq": "The period of a time table: `D`, `W` or `M` (`articles_over_time`, "
            "`mentions_over_time`, the per-period counts).",
    "unit": "What a counts table counted (`words`, `entity mentions`): `word_counts`, "
            "`entity_counts`.",
    "group_totals": "dict group → total count the shares and keyness are relative to "
                    "(`keyness`, `keyness_by_period`).",
    "alpha0": "float: the keyness prior's strength (`keyness`; of the largest language when "
              "several were compared).",
    "languages": "dict language → {`group_totals`, `alpha0`}: the languages word keyness "
                 "compared, each within itself, the largest first (`keyness`, "
                 "`keyness_by_period` of word counts, whose rows carry a `language` column: "
                 "`word_counts` and `word_counts_by_period` count each group's words per "
                 "article language, Russian and Ukrainian by lemma).",
    "language": "The language code one table of `by_language` holds (None when the result had "
                "no `language` column).",
    "top_n": "int: terms kept per group (`top_keyness`).",
    "entities": "list[str]: the entities a result covers, in order (`cooccurrence`: the "
                "matrix's order; `mentions_over_time`: the entities followed).",
    "entity_ids": "list[str]: the ids a KWIC table matched (`kwic`).",
    "published_range": "(first, last) publication day of the selected articles "
                       "(`dated_events`), to tell events from coverage.",
    "periods": "list[Timestamp]: the periods compared (`keyness_by_period`).",
    "common_period": "(first, last) day every group covers, or None, after `common_period` "
                     "restricted the articles to it.",
    "frames": "list[str]: the lexicon's frames (`lexicon_matches`).",
    "lexicon": "The lexicon file the matches were found with (`lexicon_matches`).",
    "per": "`frame` or `term`: what `lexicon_counts` counted per group.",
    "problems": "list[str]: one line per bad file or record (`load_corpus`'s articles).",
    "skipped": "list[str]: files not read as articles, and why (`load_corpus`'s articles).",
    "options": "dict: the grouping options a `stories` table was made with (`window_days`, "
               "`pair_threshold`, `merge_threshold`, `max_span_days`).",
    "seconds": "dict: where grouping a `stories` table took its time, in seconds (`idf sample`, "
               "`vectors`, `pairs`, `undated pairs`, `merge`, `write`).",
}


def columns(table: str) -> list[str]:
    """Column names of a tidy table, in contract order."""
    return [c.name for c in TABLES[table]]


def empty(table: str) -> pd.DataFrame:
    """An empty frame with the table's columns and dtypes."""
    return conform(pd.DataFrame(), table)


def conform(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """Return ``df`` with the contract's columns first (added as missing when absent), in order,
    cast to the contract dtypes; extra columns are kept after them."""
    out = df.copy(deep=False)  # columns are replaced, not edited: no need to copy the texts
    n = len(out)
    for col in TABLES[table]:
        if col.name not in out.columns:
            out[col.name] = pd.Series([None] * n, index=out.index, dtype="object")
        out[col.name] = _cast(out[col.name], col.dtype)
    names = columns(table)
    return out[names + [c for c in out.columns if c not in names]]


def _cast(s: pd.Series, dtype: str) -> pd.Series:
    if dtype == DATE:
        return pd.to_datetime(s, errors="coerce").astype(DATE)
    if dtype == INT:
        return pd.to_numeric(s, errors="coerce").astype(INT)
    if dtype == STR:
        return s.astype(object).where(s.notna(), None).astype(STR)
    return s.astype(dtype)


def as_markdown() -> str:
    """The contract as Markdown tables (printed by ``workbench tables``)."""
    parts = []
    for name, cols in TABLES.items():
        parts.append(f"## `{name}`\n\n| column | dtype | meaning |\n|---|---|---|")
        parts.extend(f"| `{c.name}` | {c.dtype} | {c.doc} |" for c in cols)
        parts.append("")
    parts.append("## Result metadata (`df.attrs`)\n\n| key | meaning |\n|---|---|")
    parts.extend(f"| `{key}` | {doc} |" for key, doc in RESULT_ATTRS.items())
    parts.append("")
    return "\n".join(parts)
