"""``annotate``: articles → mentions, quotes and dates, through the cache.

Only articles whose content (text + publication date) the cache has not seen under this pipeline
fingerprint are annotated; results are written in parts as they come, so an interrupted run
resumes where it stopped. ``jobs > 1`` annotates in that many worker processes.
"""

from __future__ import annotations

import hashlib
import sys
import time
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import pandas as pd

from workbench import tables as contract
from workbench.annotate.cyrillic import pipeline_notes, route
from workbench.annotate.cyrillic_aside import aside_to_annotate
from workbench.annotate.cyrillic_kb import link_across_languages
from workbench.annotate.distributed import run_on_cluster, scheduler_address
from workbench.annotate.errors import AnnotateError
from workbench.annotate.extract import Job, Result, annotate_jobs
from workbench.annotate.kb import KBError, KnowledgeBase, load_kb
from workbench.annotate.models import choose_model
from workbench.annotate.pipeline import PipelineInfo, build_nlp, pipeline_info
from workbench.annotate.surnames import link_surnames
from workbench.cache.annotations import TABLES, AnnotationStore
from workbench.cache.paths import default_cache_dir
from workbench.parallel import unguarded_script
from workbench.progress import progress_bar

FLUSH_ARTICLES = 200
FLUSH_SECONDS = 30.0
TASK_ARTICLES = 24  # articles per task sent to a worker process
MAX_CHARS = 2_000_000
"""Characters of one article that are annotated (``max_chars=``): ~300k words, far past any
news article; what lies beyond (a dump pasted as one record) is left unannotated, and said."""


@dataclass
class Annotations:
    """The tidy tables of an annotated corpus (columns in ``workbench.tables``)."""

    articles: pd.DataFrame
    mentions: pd.DataFrame
    quotes: pd.DataFrame
    dates: pd.DataFrame
    pipeline: PipelineInfo
    problems: list[str] = field(default_factory=list)
    stats: dict[str, Any] = field(default_factory=dict)
    cache_dir: Path | None = None
    aside_mentions: pd.DataFrame = field(default_factory=lambda: contract.empty("aside_mentions"))
    """Names in the Cyrillic lines set aside from articles in another language (photo titles;
    ``annotate/cyrillic_aside.py``): offsets into ``aside_text``, never counted by analyses."""
    _stories: dict[Any, pd.DataFrame] = field(default_factory=dict, repr=False)

    @property
    def stories(self) -> pd.DataFrame:
        """The ``stories`` table (``workbench.tables``), grouped with the default options."""
        return self.stories_with()

    def stories_with(self, options: Any = None) -> pd.DataFrame:
        """The ``stories`` table grouped with ``options`` (an ``analyze.stories.
        StoryOptions``), through the stories cache."""
        from workbench.analyze.stories import StoryOptions, group_stories
        from workbench.cache.stories import read_stories, stories_key, write_stories

        opts = options or StoryOptions()
        if opts not in self._stories:
            key = stories_key(self.articles, self.mentions, opts.__dict__)
            cached = read_stories(self.cache_dir, key) if self.cache_dir else None
            if cached is None:
                cached = contract.conform(group_stories(self.articles, self.mentions, opts),
                                          "stories")
                if self.cache_dir:
                    write_stories(self.cache_dir, key, cached)
            self._stories[opts] = cached
        return self._stories[opts]

    @property
    def fallback(self) -> bool:
        """True when the rules-only fallback annotated (no trained pipeline was available)."""
        return self.pipeline.fallback

    def __repr__(self) -> str:
        return (f"<Annotations: {len(self.articles)} articles, {len(self.mentions)} mentions, "
                f"{len(self.quotes)} quotes, {len(self.dates)} dates; {self.pipeline.label}>")


def article_text(text: Any) -> str:
    """An article's text as a string ("" for missing values of any kind: None, NaN, NA)."""
    return "" if text is None or (not isinstance(text, str) and pd.isna(text)) else str(text)


def article_key(text: Any, published: Any, route: str = "", aside: str = "") -> str:
    """Cache key of an article's content: its text, the date its dates are anchored on, the
    language pipeline it goes to (``cyrillic.route``; "" for the spaCy pipeline) and the
    aside lines annotated with it (``cyrillic_aside``; "" for none)."""
    day = "" if published is None or pd.isna(published) else \
        pd.Timestamp(published).date().isoformat()
    data = (f"{article_text(text)}\x1f{day}{f'{chr(31)}{route}' if route else ''}"
            f"{f'{chr(30)}{aside}' if aside else ''}").encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()[:24]


def annotate(articles: pd.DataFrame, model: str | None = None, jobs: int = 1,
             cache_dir: str | Path | None = None, *, kb: str | Path | KnowledgeBase | None = None,
             progress: bool | None = None, tables: bool = True,
             max_chars: int = MAX_CHARS, scheduler: str | None = None,
             corpus_rules: bool = True) -> Annotations:
    """Annotate an ``articles`` table (from ``load_corpus``), using and filling the cache.

    ``model``: a spaCy pipeline name or path (default: ``$WORKBENCH_SPACY_MODEL``, then
    en_core_web_sm, then any installed English pipeline, then the rules-only fallback);
    ``jobs``: worker processes; ``cache_dir``: default ``$WORKBENCH_CACHE_DIR`` or the user
    cache folder; ``kb``: knowledge-base file (default ``data/kb/entities.yaml``);
    ``tables=False`` only fills the cache and returns empty tables (the report runner, which
    leaves the tables to the notebooks, so its memory does not grow with the corpus);
    ``max_chars`` caps the characters of one article that are annotated; ``scheduler``: a
    Dask scheduler address (default ``$WORKBENCH_SCHEDULER``) to annotate on that cluster
    (``workbench.annotate.distributed``) instead of in local processes;
    ``corpus_rules=False`` leaves out the rules that need the whole corpus (surname links,
    majority types, Cyrillic↔Latin: ``annotate.links``), for a corpus annotated in shards.
    ``stats["notes"]`` counts the leading ``problems`` that are about the pipelines, not about
    articles.
    """
    started = time.perf_counter()
    try:
        kb_obj = kb if isinstance(kb, KnowledgeBase) else load_kb(kb)
    except KBError as exc:
        raise AnnotateError(str(exc)) from None
    articles = contract.conform(articles, "articles")
    info = pipeline_info(model, kb_obj)
    store = AnnotationStore(Path(cache_dir) if cache_dir else default_cache_dir(),
                            info.fingerprint, asdict(info))
    keys, jobs_by_key, capped = article_jobs(articles, max_chars)
    by_language, language_notes = pipeline_notes(articles["language"], info.label)
    known = store.known_keys()
    todo = [job for key, job in jobs_by_key.items() if key not in known]
    show = progress if progress is not None else _interactive()
    workers = 1
    if todo:
        # One annotating run per cache at a time: a second waits, then does only what the
        # first left undone.
        with store.lock(note=f"waiting for another run annotating into {store.root} …"):
            known = store.known_keys()
            todo = [job for key, job in jobs_by_key.items() if key not in known]
            workers = _workers(jobs, len(todo))
            address = scheduler_address(scheduler)
            if todo and address:
                run_on_cluster(todo, info, kb_obj, store.cache_dir, address, show)
                store.refresh()
            elif todo:
                _run(todo, info, kb_obj, store, workers, show)
    notes = [*([info.notice] if info.notice else []), *language_notes]
    if not tables:
        result = _assemble(articles, keys, store.statuses(jobs_by_key), info)
        result.cache_dir = store.cache_dir
        result.stats = {"articles": len(articles), "annotated": len(todo),
                        "from_cache": len(jobs_by_key) - len(todo),
                        "seconds": round(time.perf_counter() - started, 3), "jobs": workers,
                        "pipelines": by_language, "notes": len(notes)}
        result.problems[:0] = [*notes, *capped, *store.problems]
        return result
    cached = store.read(jobs_by_key)
    found = set(cached["keys"]["key"])
    lost = [job for key, job in jobs_by_key.items() if key not in found]
    if lost:  # a cache part turned out unreadable while being read: redo its articles
        _run(lost, info, kb_obj, store, 1, show)
        cached = store.read(jobs_by_key)
        todo += lost
    result = _assemble(articles, keys, cached, info, rules=corpus_rules)
    result.cache_dir = store.cache_dir
    result.stats = {"articles": len(articles), "annotated": len(todo),
                    "from_cache": len(jobs_by_key) - len(todo),
                    "seconds": round(time.perf_counter() - started, 3), "jobs": workers,
                    "pipelines": by_language, "notes": len(notes)}
    result.problems[:0] = [*notes, *capped, *store.problems]
    return result


def article_jobs(articles: pd.DataFrame, max_chars: int = MAX_CHARS
                 ) -> tuple[list[str], dict[str, Job], list[str]]:
    """What annotating ``articles`` (a conformed ``articles`` table) takes: each row's cache
    key, one job per distinct key, and a problem line for each text cut at ``max_chars``."""
    texts = [article_text(t) for t in articles["text"]]
    capped = [f"article {aid}: {len(t):,} characters; only the first {max_chars:,} are "
              "annotated (max_chars=)"
              for aid, t in zip(articles["article_id"], texts) if len(t) > max_chars]
    if capped:
        texts = [t[:max_chars] for t in texts]
    routes = [route(lang) for lang in articles["language"]]
    asides = [aside_to_annotate(a, lang) for a, lang in zip(articles["aside_text"],
                                                           articles["language"])]
    keys = [article_key(t, p, r, a[0]) for t, p, r, a in zip(texts, articles["published"],
                                                              routes, asides)]
    jobs_by_key: dict[str, Job] = {}
    for key, text, published, lang, (aside, aside_lang) in zip(keys, texts,
                                                                articles["published"], routes,
                                                                asides):
        if key not in jobs_by_key:
            day = None if pd.isna(published) else pd.Timestamp(published).date()
            jobs_by_key[key] = Job(key, text, day, lang or None, aside, aside_lang)
    return keys, jobs_by_key, capped


def _workers(jobs: int, n_todo: int) -> int:
    """Worker processes for ``n_todo`` articles: ``jobs``, unless too few articles to pay for
    starting them, or a plain script without a main guard (spawned workers re-run the
    script, which would start workers of its own)."""
    if jobs <= 1:
        return 1
    script = unguarded_script()
    if script:  # said even when this corpus is too small to start workers: the next may not be
        import warnings

        warnings.warn(f"jobs={jobs} needs the script's work under `if __name__ == "
                      f"\"__main__\":` ({script}): worker processes start by re-running the "
                      "script. Annotating in this process instead.", stacklevel=3)
        return 1
    return jobs if n_todo >= 2 * TASK_ARTICLES else 1


def _interactive() -> bool:
    # A terminal, or a Jupyter kernel (whose stderr is no TTY but is shown under the cell).
    return sys.stderr.isatty() or "ipykernel" in sys.modules


def _assemble(articles: pd.DataFrame, keys: list[str], cached: dict[str, pd.DataFrame],
              info: PipelineInfo, rules: bool = True) -> Annotations:
    ids = pd.DataFrame({"key": pd.array(keys, dtype="string"),
                        "article_id": articles["article_id"].astype("string").to_numpy()})
    out = {}
    for name in TABLES:
        if name not in cached:
            out[name] = contract.empty(name)
            continue
        # A key shared by several articles (identical copies) gives each of them the rows.
        merged = cached[name].merge(ids, on="key", how="inner").drop(columns="key")
        merged = merged.sort_values(["article_id", "start"], kind="stable", ignore_index=True)
        out[name] = contract.conform(merged, name)
    aside, body = _aside(out["mentions"]), out["mentions"]
    if "field" in body.columns:  # the aside lines' rows are cached with the article's
        body = body[body["field"].isna().to_numpy()].drop(columns="field")
        body = body.reset_index(drop=True)
    out["mentions"] = body
    if rules:
        out["mentions"], out["quotes"] = link_surnames(body, out["quotes"])
        out["mentions"] = link_across_languages(out["mentions"])  # Cyrillic ↔ Latin names
    status = cached["keys"].merge(ids, on="key", how="inner")
    problems = [f"article {row.article_id}: {row.message}"
                for row in status.itertuples() if isinstance(row.message, str)]
    return Annotations(articles=articles, mentions=out["mentions"], quotes=out["quotes"],
                       dates=out["dates"], pipeline=info, problems=problems,
                       aside_mentions=aside)


def _aside(mentions: pd.DataFrame) -> pd.DataFrame:
    """The cached mention rows of aside lines (``field`` set), as their own table."""
    if "field" not in mentions.columns or not mentions["field"].notna().any():
        return contract.empty("aside_mentions")
    rows = mentions[mentions["field"].notna().to_numpy()].reset_index(drop=True)
    return contract.conform(rows, "aside_mentions")


def _run(jobs_list: list[Job], info: PipelineInfo, kb: KnowledgeBase, store: AnnotationStore,
         jobs: int, show: bool) -> None:
    bar = None
    if show:
        bar = progress_bar(total=len(jobs_list), unit="article", desc="annotating")
    pending: list[Result] = []
    last = time.monotonic()
    try:
        results = _serial(jobs_list, info, kb) if jobs <= 1 else _parallel(jobs_list, info, kb,
                                                                            jobs)
        for result in results:
            pending.append(result)
            if bar is not None:
                bar.update(1)
            if len(pending) >= FLUSH_ARTICLES or time.monotonic() - last > FLUSH_SECONDS:
                store.write_results(pending)
                pending, last = [], time.monotonic()
    finally:
        # Whole articles already annotated are kept even when the run is interrupted.
        store.write_results(pending)
        if bar is not None:
            bar.close()


def _serial(jobs_list: list[Job], info: PipelineInfo, kb: KnowledgeBase) -> Iterator[Result]:
    nlp = build_nlp(choose_model(info.model_arg), kb)
    yield from annotate_jobs(nlp, kb, jobs_list)


# --- worker processes --------------------------------------------------------------------------

_WORKER: dict[str, Any] = {}


def _init_worker(model: str, kb: KnowledgeBase) -> None:
    # The parent's KB object itself, not its path: a file edited during the run must not give
    # the workers other entities than the fingerprint says.
    _WORKER["kb"] = kb
    _WORKER["nlp"] = build_nlp(choose_model(model), kb)


def _work(batch: list[Job]) -> list[Result]:
    return list(annotate_jobs(_WORKER["nlp"], _WORKER["kb"], batch))


def _parallel(jobs_list: list[Job], info: PipelineInfo, kb: KnowledgeBase,
              jobs: int) -> Iterator[Result]:
    import multiprocessing

    batches = [jobs_list[i:i + TASK_ARTICLES] for i in range(0, len(jobs_list), TASK_ARTICLES)]
    ctx = multiprocessing.get_context("spawn")  # fork would copy a process that may hold threads
    with ProcessPoolExecutor(max_workers=jobs, mp_context=ctx, initializer=_init_worker,
                             initargs=(info.model_arg, kb)) as pool:
        queue = iter(batches)
        running = {pool.submit(_work, b) for b in islice(queue, 2 * jobs)}
        while running:
            done, running = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                try:
                    results = future.result()
                except Exception as exc:  # a worker died (out of memory, killed)
                    raise AnnotateError(f"an annotation worker failed ({type(exc).__name__}: "
                                        f"{exc}); what was finished is cached — run again to "
                                        "resume, or use --jobs 1") from exc
                yield from results
                running |= {pool.submit(_work, b) for b in islice(queue, 1)}

