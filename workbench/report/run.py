"""``render_reports``: run every notebook with papermill, export each to offline HTML, and write
``index.html`` and ``manifest.json``.

Order of work: check parameters and the corpus (no kernel has started yet, so a typo costs
nothing); load and annotate the corpus once, here, through the caches; then run the notebooks
in parallel kernels, each reading the warm cache; export; index. A failing notebook still gets
its HTML with the error shown, and the others go on.
"""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from workbench.report.config import Variant
from workbench.report.errors import ReportError
from workbench.report.index import write_index
from workbench.report.params import check, declared
from workbench.report.provenance import footer, provenance

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
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


def notebook_paths(names: list[str] | None = None, folder: Path = NOTEBOOK_DIR) -> list[Path]:
    """The report notebooks (all ``*.ipynb`` of ``folder``, or the ``names`` given)."""
    available = {p.stem: p for p in sorted(folder.glob("*.ipynb"))}
    if not names:
        if not available:
            raise ReportError(f"{folder}: no notebooks")
        return list(available.values())
    missing = [n for n in names if Path(n).stem not in available]
    if missing:
        raise ReportError(f"unknown notebook(s) {', '.join(missing)}; available: "
                          f"{', '.join(available)}")
    return [available[Path(n).stem] for n in names]


def render_reports(corpus: str | Path, out: str | Path = "reports", *,
                   parameters: dict[str, Any] | None = None,
                   variants: list[Variant] | None = None, notebooks: list[str] | None = None,
                   jobs: int | None = None, model: str | None = None,
                   cache_dir: str | Path | None = None,
                   notebook_dir: str | Path | None = None) -> ReportResult:
    """Render every notebook for ``corpus`` into ``out`` (one folder per variant if given).

    ``parameters`` go to every notebook (checked against their parameters cells first);
    ``variants`` add their own parameters, each rendered into ``out/<slug>/``;
    ``notebook_dir`` replaces the workbench's notebooks with a folder of your own. Raises
    ReportError before any kernel starts when a parameter, notebook or the corpus is wrong.
    """
    from workbench.cache.paths import default_cache_dir
    from workbench.read.files import CorpusError, find_files

    paths = notebook_paths(notebooks, Path(notebook_dir) if notebook_dir else NOTEBOOK_DIR)
    declared_params = {p.stem: declared(p) for p in paths}
    shared = check(parameters or {}, declared_params)
    checked_variants = [(v, check({**shared, **v.parameters}, declared_params))
                        for v in (variants or [])]
    corpus_path = Path(corpus).expanduser().resolve()
    try:
        if not find_files(corpus_path).files:
            raise ReportError(f"{corpus}: no article files in the corpus")
    except CorpusError as exc:
        raise ReportError(f"corpus {exc}") from None
    cache = Path(cache_dir).expanduser().resolve() if cache_dir else default_cache_dir()

    # Kernels boot (and import the workbench) while this process loads the corpus.
    kernels = KernelPool(len(paths) * max(1, len(checked_variants)))
    try:
        return _render_all(paths, declared_params, shared, checked_variants, corpus_path, out,
                           cache, model, jobs, kernels)
    finally:
        kernels.close()


def _render_all(paths: list[Path], declared_params: dict[str, dict[str, Any]],
                shared: dict[str, Any], checked_variants: list[tuple[Variant, dict[str, Any]]],
                corpus_path: Path, out: str | Path, cache: Path, model: str | None,
                jobs: int | None, kernels: KernelPool) -> ReportResult:
    from workbench.session import open_corpus

    ann = open_corpus(corpus_path, model=model, cache_dir=cache, progress=False)
    fixed = {"corpus": str(corpus_path), "cache_dir": str(cache),
             "model": "rules" if ann.pipeline.fallback else ann.pipeline.name}
    # Absolute: papermill changes the process's working folder while a notebook runs.
    out = Path(out).expanduser().resolve()
    if not checked_variants:
        return _render(paths, declared_params, out, {**shared, **fixed}, shared, ann,
                       corpus_path, jobs, kernels, title="Reports")
    result = ReportResult(out=out, index=out / "index.html", manifest=out / "manifest.json")
    for variant, params in checked_variants:
        result.variants.append(_render(paths, declared_params, out / variant.slug,
                                       {**params, **fixed}, params, ann, corpus_path, jobs,
                                       kernels, title=variant.name))
    prov = provenance(corpus_path, ann, shared)
    rows = [{"href": f"{v.out.name}/index.html", "title": variant.name,
             "status": "failed" if v.failed else "ok",
             "seconds": sum(r.seconds or 0 for r in v.runs),
             "summary": f"{len(v.runs) - len(v.failed)} of {len(v.runs)} reports rendered"}
            for v, (variant, _) in zip(result.variants, checked_variants)]
    write_index(result.index, title="Report variants", subtitle=_subtitle(prov), rows=rows,
                footer=footer(prov), warning=_fallback_warning(ann))
    _write_json(result.manifest, {**prov, "variants": [
        {"name": variant.name, "folder": v.out.name, "parameters": params,
         "failed": [r.name for r in v.failed]}
        for v, (variant, params) in zip(result.variants, checked_variants)]})
    return result


def _render(paths: list[Path], declared_params: dict[str, dict[str, Any]], out: Path,
            params: dict[str, Any], shown: dict[str, Any], ann: Any, corpus: Path,
            jobs: int | None, kernels: KernelPool, title: str) -> ReportResult:
    from workbench.report.export import export_html

    out.mkdir(parents=True, exist_ok=True)
    (out / "executed").mkdir(exist_ok=True)
    prov = provenance(corpus, ann, shown)
    foot = footer(prov)
    # Kernels are processes that mostly wait while booting: all notebooks at once by default.
    workers = jobs or len(paths)

    def one(path: Path) -> NotebookRun:
        run = NotebookRun(name=path.stem, title=_title(path))
        executed = out / "executed" / path.name
        own = {k: v for k, v in params.items() if k in declared_params[path.stem]}
        started = time.perf_counter()
        km = kernels.take()
        try:
            _execute(path, executed, own, km)
        except Exception as exc:  # the notebook failed; its HTML still shows where and why
            run.status, run.error = "failed", _error_text(exc)
        finally:
            kernels.release(km)
        run.seconds = round(time.perf_counter() - started, 2)
        html_path = out / f"{path.stem}.html"
        source = executed if executed.exists() else path
        # The notebook opens with its own heading; the page title comes from its metadata.
        export_html(source, html_path, footer=foot)
        run.html = html_path.name
        run.summary = run.error or _summary(executed)
        return run

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        runs = list(pool.map(one, paths))
    result = ReportResult(out=out, index=out / "index.html", manifest=out / "manifest.json",
                          runs=runs)
    write_index(result.index, title=title, subtitle=_subtitle(prov),
                rows=[{"href": r.html, "title": r.title, "status": r.status,
                       "seconds": r.seconds, "summary": r.summary} for r in runs],
                footer=foot, warning=_fallback_warning(ann))
    _write_json(result.manifest, {**prov, "notebooks": [asdict(r) for r in runs]})
    return result


def _execute(path: Path, executed: Path, params: dict[str, Any], km: Any = None) -> None:
    import papermill

    # No cwd=: papermill would chdir the whole process, which races between threads; the
    # notebooks get absolute paths instead.
    papermill.execute_notebook(
        str(path), str(executed), parameters=params, kernel_name="python3",
        progress_bar=False, log_output=False, execution_timeout=EXECUTION_TIMEOUT, km=km)


class KernelPool:
    """Python kernels started ahead of need, each already importing the workbench.

    Starting a kernel and importing pandas and Altair takes a few seconds per notebook; done
    here, it overlaps with loading the corpus. A notebook without a kernel from the pool gets a
    fresh one from papermill.
    """

    WARM_UP = "import workbench.session, workbench.analyze, workbench.charts, workbench.notebook"

    def __init__(self, n: int) -> None:
        import threading

        self._lock = threading.Lock()
        self._free: list[Any] = []
        self._all: list[Any] = []
        for _ in range(n):
            try:
                self._free.append(self._start())
            except Exception:  # no kernel now: papermill will try again, and report why
                break
        self._all = list(self._free)

    def _start(self) -> Any:
        from jupyter_client.manager import KernelManager

        km = KernelManager(kernel_name="python3")
        km.start_kernel()
        kc = km.client()
        kc.start_channels(iopub=False, stdin=False, hb=False, control=False)
        # Queued before the notebook's own cells; silent, so execution counts are unchanged.
        kc.execute(self.WARM_UP, silent=True, store_history=False)
        kc.stop_channels()
        return km

    def take(self) -> Any:
        with self._lock:
            return self._free.pop(0) if self._free else None

    def release(self, km: Any) -> None:
        if km is not None:
            _shutdown(km)

    def close(self) -> None:
        for km in self._all:
            _shutdown(km)


def _shutdown(km: Any) -> None:
    try:
        if km.has_kernel:
            km.shutdown_kernel(now=True)
    except Exception:  # a kernel that is already gone needs no shutting down
        pass


def _title(path: Path) -> str:
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    return nb.metadata.get("title") or path.stem.replace("_", " ").title()


def _summary(executed: Path) -> str:
    """What the report covers (its first context note), charts drawn, statistics left out."""
    import html
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
    cell = getattr(exc, "exec_count", None)
    where = f" in cell {cell}" if cell else ""
    return f"{ename}{where}: {' '.join(str(evalue).split())[:300]}"


def _subtitle(prov: dict[str, Any]) -> str:
    c = prov["corpus"]
    return (f"{c['articles']} articles from {c['path']} · {prov['pipeline']['label']} · "
            f"generated {prov['generated']}")


def _fallback_warning(ann: Any) -> str | None:
    if not ann.pipeline.fallback:
        return None
    return ("These reports were annotated with the rules-only fallback: no trained spaCy "
            "pipeline was installed, so entities come from the knowledge base only and quotes "
            "are missing. See the README to install one.")


def _write_json(path: Path, data: dict[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n",
                    encoding="utf-8")
