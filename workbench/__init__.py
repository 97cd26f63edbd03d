"""Workbench: study how news outlets cover a story.

    >>> import workbench as wb
    >>> articles = wb.load_corpus("data/sample")          # tidy `articles` table
    >>> ann = wb.annotate(articles)                        # + mentions, quotes, dates (cached)
    >>> ann = wb.open_corpus("data/sample")                # both, through the caches

The tidy tables' columns are documented in ``workbench.tables``.
"""

from __future__ import annotations

__version__ = "0.1.0"

# Lazy attributes keep `import workbench` light: notebook kernels import it on every run, and
# spaCy or trafilatura should load only when annotation or HTML reading needs them.
_LAZY = {
    "open_corpus": "workbench.session",
    "annotate": "workbench.annotate.run",
    "Annotations": "workbench.annotate.run",
    "load_corpus": "workbench.corpus.load",
    "problems": "workbench.corpus.load",
    "CorpusError": "workbench.read.files",
    "tables": "workbench.tables",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'workbench' has no attribute {name!r}")
    import importlib

    mod = importlib.import_module(module)
    value = mod if module.endswith("." + name) else getattr(mod, name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(list(globals()) + list(_LAZY))
