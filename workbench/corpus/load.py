"""``load_corpus``: any messy folder of news articles (or a dataset dump) → the tidy ``articles``
table (columns in ``workbench.tables``)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from workbench import tables
from workbench.corpus.boilerplate import mark_boilerplate
from workbench.corpus.clean import Cleaned, clean_text, count_words
from workbench.corpus.dedup import find_duplicates
from workbench.corpus.infer import detect_language, infer_date, infer_outlet, infer_title, url_date
from workbench.parallel import ordered_map
from workbench.progress import progress_bar
from workbench.read.files import CorpusError, Found, display_path, find_files, read_file
from workbench.read.limits import Limits
from workbench.read.records import Record, problem
from workbench.read.sidecar import METADATA_NAME, read_metadata, read_sources

__all__ = ["CorpusError", "load_corpus", "problems"]

_CONTRACT = frozenset(tables.columns("articles"))
TASK_RECORDS = 500  # records cleaned per task (and per frame chunk)


def load_corpus(path: str | Path, *, fields: Mapping[str, str | Sequence[str]] | None = None,
                sources: str | Path | None = None, metadata: bool = True,
                max_file_mb: float | None = None, limits: Limits | None = None,
                dedupe: bool = True, boilerplate: bool = True,
                near_duplicate_threshold: float = 0.8, today: date | None = None,
                progress: bool = False, jobs: int = 1,
                scheduler: str | None = None) -> pd.DataFrame:
    """Load every article under ``path`` (a folder, recursively, or one file) into one table.

    Options: ``fields`` maps dataset fields (``{"text": "body", "outlet": "site"}``) where the
    defaults do not fit; ``sources`` is a `sources.csv` to join (default: the one in the folder);
    ``metadata=False`` ignores `metadata.csv` sidecars; ``limits`` bounds what is read
    (``workbench.read.limits.Limits``: one article or record, one dataset file, compression
    ratio, extra fields, symlinks; ``max_file_mb`` is a shortcut for its first cap);
    ``near_duplicate_threshold`` is the containment from which two bodies count as one story.
    ``boilerplate=False`` skips finding the paragraphs each outlet repeats across its articles
    (``workbench.corpus.boilerplate``; analyses leave them out by default).

    ``jobs`` (local worker processes) or ``scheduler`` (a Dask scheduler's address; default
    ``$WORKBENCH_SCHEDULER``) spread the per-article cleaning and the per-outlet boilerplate
    search (``workbench.parallel``); files are read, and the corpus-wide steps (dates from
    the text, duplicates) run, in this process. The table is the same either way.

    Problems (unreadable files, bad records, bad sidecar rows) do not stop the load: each is one
    line naming the file, listed in ``df.attrs["problems"]`` (see ``problems(df)``); problems
    with a loaded article are also in its ``warnings``. Files that are not articles by design
    (README, PROVENANCE…) are listed in ``df.attrs["skipped"]``. Raises ``CorpusError`` when
    the path is missing or nothing at all could be loaded.
    """
    plan = plan_load(path, metadata=metadata, sources=sources, max_file_mb=max_file_mb,
                     limits=limits)
    # Each batch becomes a frame at once: its columns hold the texts far more compactly than
    # Python strings, which keeps the peak low on big dumps.
    chunks = list(cleaned_chunks(plan, fields=fields, jobs=jobs, scheduler=scheduler,
                                 progress=progress))
    plan.check_loaded(bool(chunks))
    df = pd.concat(chunks, ignore_index=True) if len(chunks) > 1 else chunks[0]
    chunks.clear()
    infer_dates(df, today)
    df = unique_ids(df)
    if dedupe:
        df["duplicate_of"] = near_duplicates(df["article_id"], df["duplicate_of"],
                                             df["published"], df["text"].fillna("").tolist(),
                                             near_duplicate_threshold)
    if boilerplate:  # after the duplicate links: copies of one story count once
        mark_boilerplate(df, jobs=jobs, scheduler=scheduler)
    if plan.src is not None:
        plan.issues += unlisted_outlets(df["outlet"], plan.src, plan.src_path)
    return finish_columns(df, plan)


@dataclass
class LoadPlan:
    """What a load reads, found before any article is: files, sidecars, sources, problems."""

    found: Found
    limits: Limits
    sidecars: dict[Path, dict[str, dict[str, object]]]
    src: pd.DataFrame | None
    src_path: Path | None
    known: dict[str, str]
    issues: list[str]
    used: set[tuple[Path, str]] = field(default_factory=set)

    def check_loaded(self, any_loaded: bool) -> None:
        """Add the sidecar rows no file matched to the problems; raise CorpusError when no
        article at all could be loaded."""
        self.issues += _unmatched_sidecar_rows(self.sidecars, self.used)
        if not any_loaded:
            raise CorpusError(f"{self.found.root}: no article could be loaded "
                              f"({len(self.issues)} problem(s): {'; '.join(self.issues[:3])})",
                              self.issues)


def plan_load(path: str | Path, *, metadata: bool = True, sources: str | Path | None = None,
              max_file_mb: float | None = None, limits: Limits | None = None) -> LoadPlan:
    """The files under ``path``, its sidecars and sources (``load_corpus``'s options); raises
    CorpusError when there is no article file at all."""
    limits = limits or Limits()
    if max_file_mb is not None:
        limits = replace(limits, max_file_mb=max_file_mb)
    found = find_files(path, follow_symlinks=limits.follow_symlinks)
    issues: list[str] = list(found.problems)
    sidecars = {p.parent: read_metadata(p, issues) for p in found.metadata} if metadata else {}
    src_path = Path(sources) if sources else found.sources
    src = read_sources(src_path, issues) if src_path else None
    if not found.files:
        raise CorpusError(f"{found.root}: no article files found (looked for .txt, .md, .html, "
                          ".jsonl, .json, .csv, optionally .gz)")
    return LoadPlan(found, limits, sidecars, src, src_path, _known_outlets(src), issues)


def cleaned_chunks(plan: LoadPlan, *, fields: Mapping[str, str | Sequence[str]] | None = None,
                   jobs: int = 1, scheduler: str | None = None, progress: bool = False,
                   records: int | None = None) -> Iterator[pd.DataFrame]:
    """The cleaned articles of ``plan``, ``records`` (default ``TASK_RECORDS``) records per
    frame, in file order (spread over ``jobs`` processes or a Dask ``scheduler``); dates from
    the text, ids, duplicates, boilerplate and sources are left to the whole corpus."""
    records = records or TASK_RECORDS
    files = plan.found.files
    if progress:
        files = progress_bar(files, desc="reading", unit="file")

    def batches() -> Iterator[tuple[list[Record], dict[str, str]]]:
        batch: list[Record] = []
        for file in files:
            for record in read_file(file, display_path(file), limits=plan.limits,
                                    fields=fields, problems=plan.issues):
                _apply_sidecar(record, file, plan.sidecars, plan.used)
                batch.append(record)
                if len(batch) >= records:
                    yield batch, plan.known
                    batch = []
        if batch:
            yield batch, plan.known

    yield from ordered_map(_articles_frame, batches(), jobs=jobs, scheduler=scheduler,
                           what=f"loading {plan.found.root}", error=CorpusError)


def finish_columns(df: pd.DataFrame, plan: LoadPlan) -> pd.DataFrame:
    """The last step of a load, row by row: the sources joined, the contract's columns and
    dtypes, extra fields as text, and the problems in ``attrs``."""
    if plan.src is not None:
        df = _join_sources(df, plan.src)
    df = tables.conform(df, "articles")
    for col in df.columns[len(_CONTRACT):]:
        if df[col].dtype == object:  # mixed types from datasets would not survive Parquet
            df[col] = df[col].astype("string")
    df.attrs["problems"] = plan.issues
    df.attrs["skipped"] = plan.found.skipped
    return df


def problems(articles: pd.DataFrame) -> list[str]:
    """The one-line problem messages of a load (files not loaded, records skipped, …)."""
    return list(articles.attrs.get("problems", []))


def _articles_frame(records: list[Record], known: dict[str, str]) -> pd.DataFrame:
    """The articles-table rows of a batch of records (a task of ``ordered_map``)."""
    return pd.DataFrame([_article(record, known) for record in records])


def _article(record: Record, known: dict[str, str]) -> dict[str, Any]:
    """One articles-table row: clean the body, infer what the metadata lacks (except a date
    from the text, which waits for the whole corpus: see ``infer_dates``)."""
    body = record.body if record.body is not None else record.raw_text
    cleaned = clean_text(body, known)
    text = _infer_missing(record, cleaned, known, body)
    warnings = list(record.warnings)
    if not text:
        warnings.append("no article text left after cleaning")
    return {
        "article_id": _content_id(record),
        "path": record.path,
        "outlet": record.outlet,
        "outlet_source": record.outlet_source or "unknown",
        "title": record.title,
        "title_source": record.title_source or "unknown",
        "published": pd.Timestamp(record.published) if record.published else pd.NaT,
        "published_source": record.published_source or "unknown",
        "published_evidence": None,
        "url": record.url,
        "author": record.author or cleaned.author,
        "dateline": cleaned.dateline.text if cleaned.dateline else None,
        "dateline_place": cleaned.dateline.place if cleaned.dateline else None,
        "language": detect_language(text),
        "translated_by": cleaned.translated_by,
        "translation": cleaned.translation,
        "text": text,
        "raw_text": record.raw_text,
        "aside_text": "\n".join(cleaned.aside) or None,
        "n_words": count_words(text),
        "warnings": "; ".join(warnings) or None,
        # Extra fields never overwrite a contract column (a dataset's own `language`, say).
        **{(f"extra_{k}" if k in _CONTRACT else k): v for k, v in record.extra.items()},
    }


def _infer_missing(record: Record, cleaned: Cleaned, known: dict[str, str], body: str) -> str:
    """Fill title, outlet and URL date from the text where the metadata has none; return the
    body text (without the headline line when that became the title)."""
    text = cleaned.text
    first, _, rest = text.partition("\n")
    if record.title and first.strip().casefold() == record.title.strip().casefold():
        text = rest.strip()  # datasets often repeat the headline as the body's first line
    if record.title is None:
        lines = text.split("\n")
        title, source, index = infer_title(lines)
        record.set("title", title, source)
        if index is not None:  # the headline line is the title, not body text
            text = "\n".join(lines[index + 1:]).strip()
    if record.outlet is None:
        outlet, source = infer_outlet(text, record.url, cleaned.copyright_owner, known, raw=body,
                                      dateline=cleaned.dateline)
        record.set("outlet", outlet, source)
    elif record.outlet.casefold() in known:
        record.outlet = known[record.outlet.casefold()]
    if record.published is None and (d := url_date(record.url)) is not None:
        record.set("published", d, "url")
    return text


def infer_dates(df: pd.DataFrame, today: date | None, known: pd.Series | None = None) -> None:
    """Publication dates from the text for the articles that have none, in place.

    The corpus's known dates (``known``; default: ``df``'s own) bound which year a weekday may
    pin ("Wednesday, November 12"): a folder of 2015 articles does not get 2025 dates.
    """
    known = pd.to_datetime(df["published"] if known is None else known).dropna()
    frame = (known.min().year - 1, known.max().year + 1) if len(known) else None
    missing = df.index[df["published"].isna()]
    if len(missing) == 0:
        return
    # A dateline's day takes its year from the text, the URL or the corpus's known dates.
    span = (known.min().date(), known.max().date()) if len(known) else None
    rows = df.loc[missing, ["text", "dateline", "url"]].itertuples(index=False)
    found = [infer_date(text, today, frame, dateline=dl if isinstance(dl, str) else None,
                        url=url if isinstance(url, str) else None, span=span)
             if isinstance(text, str) and text else (None, "unknown", None)
             for text, dl, url in rows]
    hits = [(i, f) for i, f in zip(missing, found) if f[0] is not None]
    if not hits:
        return
    index = [i for i, _ in hits]
    df["published"] = pd.to_datetime(df["published"])
    df.loc[index, "published"] = [pd.Timestamp(f[0]) for _, f in hits]
    df.loc[index, "published_source"] = [f[1] for _, f in hits]
    df.loc[index, "published_evidence"] = [f[2] for _, f in hits]


def _content_id(record: Record) -> str:
    # The raw content only: correcting a title in metadata.csv must not change the id.
    return hashlib.sha256(record.raw_text.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _apply_sidecar(record: Record, file: Path,
                   sidecars: dict[Path, dict[str, dict[str, object]]],
                   used: set[tuple[Path, str]]) -> None:
    """Apply the nearest metadata.csv row naming ``file`` (by its path relative to the
    sidecar's folder) to the record."""
    for folder in sorted(sidecars, key=lambda f: len(f.parts), reverse=True):
        try:
            rel = file.relative_to(folder).as_posix()
        except ValueError:
            continue
        values = sidecars[folder].get(rel)
        if values is None:
            continue
        used.add((folder, rel))
        for key, value in values.items():
            if key in ("outlet", "published", "title", "url", "author"):
                record.set(key, value, "sidecar")
            else:
                record.extra[key] = value
        return


def _unmatched_sidecar_rows(sidecars: dict[Path, dict[str, dict[str, object]]],
                            used: set[tuple[Path, str]]) -> list[str]:
    return [problem(folder / METADATA_NAME, f"row for '{rel}' matches no article file")
            for folder, entries in sidecars.items() for rel in entries
            if (folder, rel) not in used]


def unique_ids(df: pd.DataFrame) -> pd.DataFrame:
    """Identical content loaded twice keeps both rows: later copies get `-2`, `-3`… and point to
    the first through `duplicate_of`."""
    nth = df.groupby("article_id").cumcount()
    first = df["article_id"].copy()
    df["duplicate_of"] = first.where(nth > 0)
    df["article_id"] = first.where(nth == 0, first + "-" + (nth + 1).astype(str))
    return df


def near_duplicates(ids: pd.Series, duplicate_of: pd.Series, published: pd.Series,
                    texts: Sequence[str], threshold: float) -> list[str | None]:
    """``duplicate_of`` with near-duplicate bodies linked to their story's original (the
    earliest publication, then the first loaded); ``texts`` may be any sequence, read in
    order and at the candidates' positions."""
    order = pd.DataFrame({"p": published.reset_index(drop=True), "o": range(len(ids))})
    ranked = order.sort_values(["p", "o"], na_position="last").index
    position = pd.Series(range(len(ids)), index=ranked).sort_index().tolist()
    links = find_duplicates(texts, position, threshold)
    id_list = ids.tolist()
    near = [id_list[j] if j is not None else None for j in links]
    return [d if isinstance(d, str) else n for d, n in zip(duplicate_of, near)]


def _known_outlets(src: pd.DataFrame | None) -> dict[str, str]:
    """Casefolded outlet names, domains and aliases from sources.csv → the outlet's name."""
    known: dict[str, str] = {}
    if src is None:
        return known
    for _, row in src.iterrows():
        name = row["outlet"]
        keys = [name, row.get("domain", "")] + str(row.get("aliases", "")).split(";")
        for key in keys:
            key = str(key).strip().casefold().removeprefix("www.")
            if key:
                known.setdefault(key, name)
    return known


def unlisted_outlets(outlet: pd.Series, src: pd.DataFrame, path: Path | None) -> list[str]:
    """One problem line when articles' outlets have no row in sources.csv: their group (and
    every other sources column) is unknown, which a comparison of groups should not hide."""
    listed = set(src["outlet"].astype(str).str.casefold())
    outlets = outlet.astype("string")
    missing = outlets.isna() | ~outlets.str.casefold().isin(listed)
    if not missing.any():
        return []
    names = outlets[missing].fillna("(no outlet)").value_counts()
    shown = ", ".join(f"{name} ({n})" for name, n in names.head(5).items())
    more = f" and {len(names) - 5} more" if len(names) > 5 else ""
    return [problem(path or Path("sources.csv"),
                    f"{int(missing.sum())} article(s) from {len(names)} outlet(s) have no row, "
                    f"so their sources columns (group…) are unknown: {shown}{more}")]


def _join_sources(df: pd.DataFrame, src: pd.DataFrame) -> pd.DataFrame:
    extra = src.drop(columns=[c for c in ("aliases",) if c in src.columns])
    extra = extra.rename(columns={c: f"source_{c}" for c in extra.columns
                                  if c != "outlet" and c in df.columns})
    extra = extra.assign(_key=extra["outlet"].str.casefold()).drop(columns="outlet")
    key = df["outlet"].astype("string").str.casefold()
    return df.assign(_key=key).merge(extra, on="_key", how="left").drop(columns="_key")
