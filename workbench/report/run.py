"""``render_reports``: run every notebook with papermill, export each to offline HTML, and write
``index.html`` and ``manifest.json``.

Order of work: check parameters and the corpus (no kernel has started yet, so a typo costs
nothing); load and annotate the corpus once, here, through the caches, while kernels boot; then
run the notebooks in parallel kernels, each reading the warm cache; export; index. A failing
notebook still gets its HTML with the error shown, and the others go on.
"""

from __future__ import annotations

import contextlib
import html
import json
import os
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from workbench import resources
from workbench.report.config import Variant
from workbench.report.errors import ReportError
from workbench.report.index import write_index
from workbench.report.kernels import KernelPool
from workbench.report.params import RUN_OPTIONS, check, check_against_corpus, declared
from workbench.report.provenance import footer, provenance
from workbench.report.staging import staging_folder, swap_in
from workbench.store.corpus import is_store

NOTEBOOK_DIR = resources.path("notebooks")  # the packaged notebooks (the repository's, editable)
EXECUTION_TIMEOUT = 3600  # seconds per cell: a 100k-article cold annotation takes long


@dataclass
class NotebookRun:
    """One notebook's outcome."""

    name: str
    title: str
    status: str = "ok"  # ok | failed
    seconds: float | None = None
    html: str | None = None
    error: str | None = None
    summary: str | None = None


@dataclass
class ReportResult:
    """What a run produced: the index, the manifest and each notebook's outcome."""

    out: Path
    index: Path
    manifest: Path
    runs: list[NotebookRun] = field(default_factory=list)
    variants: list[ReportResult] = field(default_factory=list)

    @property
    def failed(self) -> list[NotebookRun]:
        return [r for r in self.runs if r.status != "ok"] + [
            r for v in self.variants for r in v.failed]


@dataclass
class _Run:
    """What every notebook of one ``render_reports`` call shares."""

    notebooks: dict[str, Path]  # name → path
    declared: dict[str, dict[str, Any]]  # name → its parameters and defaults
    titles: dict[str, str]
    fixed: dict[str, Any]  # corpus, cache_dir, model: set by the run, not by -p
    provenance: dict[str, Any]
    ann: Any
    kernels: KernelPool
    jobs: int | None


def notebook_paths(names: list[str] | None = None, folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """The report notebooks (all ``*.ipynb`` of ``folder``, or the ``names`` given)."""
    available = {p.stem: p for p in sorted(folder.glob("*.ipynb"))}
    if not names:
        if not available:
            raise ReportError(f"{folder}: no notebooks")
        return list(available.values())
    names = [Path(n.strip()).stem for n in names if n.strip()]
    missing = [n for n in names if n not in available]
    if missing:
        raise ReportError(f"unknown notebook(s) {', '.join(missing)}; available: "
                          f"{', '.join(available)}")
    return [available[n] for n in names]


def render_reports(corpus: str | Path | None = None, out: str | Path = "reports", *,
                   parameters: dict[str, Any] | None = None,
                   variants: list[Variant] | None = None, notebooks: list[str] | None = None,
                   jobs: int | None = None, model: str | None = None,
                   cache_dir: str | Path | None = None,
                   notebook_dir: str | Path | None = None,
                   kb: str | Path | None = None,
                   scheduler: str | None = None,
                   sources: str | Path | None = None) -> ReportResult:
    """Render every notebook for ``corpus`` into ``out`` (one folder per variant if given).

    ``parameters`` go to every notebook (checked against their parameters cells first);
    ``variants`` add their own parameters, each rendered into ``out/<slug>/``;
    ``notebook_dir`` replaces the workbench's notebooks with a folder of your own, ``kb`` its
    knowledge base with a file of your own (default: :func:`~workbench.annotate.kb.
    default_kb_path`; the notebooks' kernels get it as ``$WORKBENCH_KB``); ``jobs``
    caps the notebooks run at once (default: all); ``scheduler``: a Dask cluster to load and
    annotate on; ``sources``: a ``sources.csv`` to join (default: the one beside the corpus).
    ``corpus``, ``model``, ``cache_dir`` and ``sources`` may also come as parameters. Raises
    ReportError before any kernel starts when a parameter, notebook, the model or the corpus is
    wrong.
    """
    from workbench.annotate.kb import default_kb_path
    from workbench.annotate.pipeline import pipeline_info
    from workbench.cache.paths import default_cache_dir
    from workbench.read.files import CorpusError, find_files

    parameters = dict(parameters or {})
    options = _run_options(parameters, corpus=corpus, model=model, cache_dir=cache_dir,
                           sources=sources)
    for variant in variants or []:
        clash = sorted(set(variant.parameters) & set(RUN_OPTIONS))
        if clash:
            raise ReportError(f"variant '{variant.name}': {', '.join(clash)} apply to the whole "
                              "run; set them once, outside the variants")
    paths = notebook_paths(notebooks, Path(notebook_dir) if notebook_dir else NOTEBOOK_DIR)
    declared_params = {p.stem: declared(p) for p in paths}
    shared = check(parameters, declared_params)
    checked = [(v, check({**shared, **v.parameters}, declared_params)) for v in variants or []]
    corpus_path = Path(options["corpus"] or resources.path("sample")).expanduser().resolve()
    try:
        if not is_store(corpus_path) and not find_files(corpus_path).files:
            raise ReportError(f"{corpus_path}: no article files in the corpus")
    except CorpusError as exc:
        raise ReportError(f"corpus {exc}") from None
    try:
        kb_path = Path(kb).expanduser().resolve() if kb else default_kb_path()
        info = pipeline_info(options["model"], str(kb_path))
    except ValueError as exc:  # a model or knowledge base that is missing or broken
        raise ReportError(str(exc)) from None
    cache = (Path(options["cache_dir"]).expanduser().resolve() if options["cache_dir"]
             else default_cache_dir())
    src = Path(options["sources"]).expanduser().resolve() if options["sources"] else None
    if src is not None and not src.is_file():
        raise ReportError(f"--sources {src}: no such file")
    out = Path(out).expanduser().resolve()  # absolute: papermill changes the working folder
    staging_folder(out).rmdir()  # writable? (else one line now, before any kernel starts)

    # The notebooks open the corpus with the default knowledge base: their kernels (started
    # by the pool or by papermill, now or later) inherit this process's environment.
    with _environment(WORKBENCH_KB=str(kb_path)):
        return _start(paths, declared_params, shared, checked, corpus_path, info, cache, out,
                      kb_path, jobs, scheduler, src)


def _start(paths: list[Path], declared_params: dict[str, dict[str, Any]],
           shared: dict[str, Any], checked: list[tuple[Variant, dict[str, Any]]],
           corpus_path: Path, info: Any, cache: Path, out: Path, kb_path: Path,
           jobs: int | None, scheduler: str | None = None,
           sources: Path | None = None) -> ReportResult:
    """Boot the kernels, annotate once, render (the checks are done)."""
    # Kernels boot (and import the workbench) while this process loads the corpus.
    kernels = KernelPool(size=len(paths), needed=len(paths) * max(1, len(checked)))
    try:
        from workbench.session import open_corpus

        # Here only to fill the cache and learn what to record: the notebooks read the tables.
        if is_store(corpus_path):  # annotated already: the notebooks aggregate in the store
            from workbench.store.corpus import open_store_corpus

            ann = open_store_corpus(corpus_path)
        else:
            ann = open_corpus(corpus_path, model=info.model_arg, cache_dir=cache,
                              progress=False, tables=False, kb=kb_path, scheduler=scheduler,
                              sources=sources)
        for params in [shared, *(p for _, p in checked)]:
            check_against_corpus(params, ann.articles)
        run = _Run(notebooks={p.stem: p for p in paths}, declared=declared_params,
                   titles={p.stem: _title(p) for p in paths},
                   fixed={"corpus": str(corpus_path), "cache_dir": str(cache),
                          "model": ann.pipeline.model_arg,
                          "sources": str(sources) if sources else ""},
                   provenance=provenance(corpus_path, ann, shared), ann=ann, kernels=kernels,
                   jobs=jobs)
        if not checked:
            return _render(run, out, shared, "Reports")
        return _render_variants(run, out, checked)
    finally:
        kernels.close()


@contextlib.contextmanager
def _environment(**values: str) -> Iterator[None]:
    """Set environment variables for the duration of a run, then put back what was there."""
    before = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _run_options(parameters: dict[str, Any], **given: Any) -> dict[str, Any]:
    """``corpus``, ``model``, ``cache_dir`` and ``sources`` given as parameters become the run's
    options (they are the run's, not one notebook's: the run annotates before any notebook
    starts)."""
    options = {}
    for name in RUN_OPTIONS:
        value = parameters.pop(name, None)
        if value not in (None, "") and given.get(name) not in (None, "") \
                and str(value) != str(given[name]):
            raise ReportError(f"{name} given twice, as '{given[name]}' and as parameter "
                              f"'{value}'")
        options[name] = given.get(name) or value or None
    return options


def _render_variants(run: _Run, out: Path, checked: list[tuple[Variant, dict[str, Any]]]
                     ) -> ReportResult:
    result = ReportResult(out=out, index=out / "index.html", manifest=out / "manifest.json")
    for variant, params in checked:
        result.variants.append(_render(run, out / variant.slug, params, variant.name))
    rows = [{"href": f"{v.out.name}/index.html", "title": variant.name,
             "status": "failed" if v.failed else "ok",
             "seconds": sum(r.seconds or 0 for r in v.runs),
             "summary": f"{len(v.runs) - len(v.failed)} of {len(v.runs)} reports rendered"}
            for v, (variant, _) in zip(result.variants, checked)]
    stage = staging_folder(out)
    _write_index(stage / "index.html", run, "Report variants", rows)
    _write_json(stage / "manifest.json", {**run.provenance, "variants": [
        {"name": variant.name, "folder": v.out.name, "parameters": params,
         "failed": [r.name for r in v.failed]}
        for v, (variant, params) in zip(result.variants, checked)]})
    swap_in(stage, out)
    return result


def _render(run: _Run, out: Path, params: dict[str, Any], title: str) -> ReportResult:
    # Everything is written into a hidden staging folder and swapped in at the end, so a run
    # killed half-way leaves the previous run's folder whole, never a mix of the two.
    stage = staging_folder(out)
    (stage / "executed").mkdir(parents=True)
    prov = {**run.provenance, "parameters": params}
    foot = footer(prov)

    def one(name: str) -> NotebookRun:
        return _render_one(run, name, stage, {**params, **run.fixed}, foot)

    names = list(run.notebooks)
    pool = ThreadPoolExecutor(max_workers=max(1, run.jobs or len(names)))
    try:
        runs = list(pool.map(one, names))
    except BaseException:
        # Ctrl-C: stop the kernels so their threads end now (nbclient notices a dead kernel
        # within a second), not when the notebooks would.
        run.kernels.close()
        pool.shutdown(wait=False, cancel_futures=True)
        shutil.rmtree(stage, ignore_errors=True)
        raise
    pool.shutdown()
    result = ReportResult(out=out, index=out / "index.html", manifest=out / "manifest.json",
                          runs=runs)
    _write_index(stage / "index.html", run, title, [
        {"href": r.html, "title": r.title, "status": r.status, "seconds": r.seconds,
         "summary": r.summary} for r in runs], params)
    _write_json(stage / "manifest.json", {**prov, "notebooks": [asdict(r) for r in runs],
                                          "problems": run.ann.problems})
    swap_in(stage, out)
    return result


def _render_one(run: _Run, name: str, out: Path, params: dict[str, Any],
                foot: dict[str, str]) -> NotebookRun:
    from workbench.report.export import EMPTY_SELECTION, export_html

    path = run.notebooks[name]
    result = NotebookRun(name=name, title=run.titles[name])
    executed = out / "executed" / path.name
    executed.unlink(missing_ok=True)  # never export an earlier run's notebook by mistake
    own = {k: v for k, v in params.items() if k in run.declared[name]}
    km = run.kernels.take()
    started = time.perf_counter()
    try:
        _execute(path, executed, own, km)
    except Exception as exc:  # noqa: BLE001 — the notebook failed; its HTML shows where, why
        if getattr(exc, "ename", None) == EMPTY_SELECTION:
            result.summary = "no article matches the selection"
        else:
            result.status, result.error = "failed", _error_text(exc)
    finally:
        run.kernels.release(km)
    result.seconds = round(time.perf_counter() - started, 2)
    if run.kernels.closed:  # the run was interrupted: nothing more to write
        return result
    html_path = out / f"{name}.html"
    try:
        # The notebook opens with its own heading; the page title comes from its metadata.
        export_html(executed if executed.exists() else path, html_path, footer=foot)
        result.summary = result.error or result.summary or _summary(executed)
    except Exception as exc:  # noqa: BLE001 — one export failing must not lose the others
        result.status = "failed"
        result.error = result.error or f"export failed: {type(exc).__name__}: {exc}"
        result.summary = result.error
        html_path.write_text(_error_page(result), encoding="utf-8")
    result.html = html_path.name
    return result


def _execute(path: Path, executed: Path, params: dict[str, Any], km: Any = None) -> None:
    import papermill

    from workbench.report.engine import ENGINE

    # No cwd=: papermill would chdir the whole process, which races between threads; the
    # notebooks get absolute paths instead.
    papermill.execute_notebook(
        str(path), str(executed), parameters=params, kernel_name="python3",
        progress_bar=False, log_output=False, execution_timeout=EXECUTION_TIMEOUT, km=km,
        engine_name=ENGINE)


def _title(path: Path) -> str:
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    return nb.metadata.get("title") or path.stem.replace("_", " ").title()


def _summary(executed: Path) -> str:
    """What the report covers (its first context note), charts drawn, statistics left out."""
    import re

    import nbformat

    nb = nbformat.read(str(executed), as_version=4)
    charts = too_little = 0
    context = None
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if any(k.startswith("application/vnd.vegalite") for k in data):
                charts += 1
            box = str(data.get("text/html", ""))
            if "nb-too-little" in box:
                too_little += 1
            elif context is None and "nb-info" in box:
                context = html.unescape(re.sub(r"<[^>]+>", "", box)).strip()
    parts = [f"{charts} chart{'s' if charts != 1 else ''}"]
    if too_little:
        parts.append(f"{too_little} left out for too little data")
    return "; ".join(parts) + (f". {context}" if context else "")


def _error_text(exc: Exception) -> str:
    ename = getattr(exc, "ename", type(exc).__name__)
    evalue = getattr(exc, "evalue", str(exc))
    return f"{ename}: {' '.join(str(evalue).split())[:300]}"


def _error_page(run: NotebookRun) -> str:
    e = html.escape
    return (f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta "
            f"http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\">"
            f"<title>{e(run.title)}</title></head><body><h1>{e(run.title)}</h1>"
            f"<p>This report could not be produced: {e(run.error or '')}</p></body></html>")


def _write_index(path: Path, run: _Run, title: str, rows: list[dict[str, Any]],
                 params: dict[str, Any] | None = None) -> None:
    prov = run.provenance if params is None else {**run.provenance, "parameters": params}
    c = prov["corpus"]
    subtitle = (f"{c['articles']} articles from {c['path']} · {prov['pipeline']['label']} · "
                f"generated {prov['generated']}")
    warning = None
    if run.ann.pipeline.fallback:
        from workbench.annotate.models import FALLBACK_LIMITS

        warning = (f"These reports were annotated with the rules-only fallback (no trained "
                   f"spaCy pipeline was installed): {FALLBACK_LIMITS} See the README to "
                   "install one.")
    write_index(path, title=title, subtitle=subtitle, rows=rows, footer=footer(prov),
                warning=warning, notes=run.ann.problems)


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n",
                    encoding="utf-8")
