"""What a report was made from: corpus, pipeline, knowledge base, parameters, package versions.

The same facts go into ``manifest.json`` and, as text, into every report's footer, so a reader
of one emailed HTML file can tell exactly what produced it.
"""

from __future__ import annotations

import hashlib
import json
import platform
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

PACKAGES = ("workbench", "spacy", "pandas", "altair", "vl-convert-python", "papermill",
            "nbconvert", "trafilatura", "dateparser")


FINGERPRINT_COLUMNS = ("article_id", "outlet", "published", "title", "duplicate_of")


def corpus_fingerprint(articles: Any) -> str:
    """Short hash of the corpus: contents (article ids hash them) and the metadata analyses
    group and date by, including columns joined from sources.csv."""
    extra = [c for c in articles.columns if c in ("country", "group")]
    cols = [c for c in (*FINGERPRINT_COLUMNS, *extra) if c in articles.columns]
    rows = sorted("\x1f".join(map(str, r)) for r in articles[cols].itertuples(index=False))
    return hashlib.sha256("\n".join([",".join(cols), *rows]).encode()).hexdigest()[:16]


def package_versions() -> dict[str, str]:
    """Versions of the packages that shape a report."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def provenance(corpus: Path, ann: Any, parameters: dict[str, Any]) -> dict[str, Any]:
    """The manifest's shared part."""
    info = ann.pipeline
    return {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        # A corpus store fingerprints itself from its manifest, without reading its rows.
        "corpus": {"path": str(corpus), "fingerprint": getattr(ann, "fingerprint", None)
                   or corpus_fingerprint(ann.articles),
                   "articles": int(len(ann.articles))},
        "pipeline": {"label": info.label, "name": info.name, "version": info.version,
                     "fallback": info.fallback},
        "knowledge_base": {"path": info.kb_path, "fingerprint": info.kb_fingerprint[:16]},
        "parameters": parameters,
        "packages": package_versions(),
    }


def footer(prov: dict[str, Any]) -> dict[str, str]:
    """The footer lines every report of a run shows (plain text; the exporter escapes it)."""
    c, p, kb = prov["corpus"], prov["pipeline"], prov["knowledge_base"]
    packages = ", ".join(f"{k} {v}" for k, v in prov["packages"].items())
    return {
        "Corpus": f"{c['path']} — {c['articles']} articles, fingerprint {c['fingerprint']}",
        "spaCy pipeline": p["label"],
        "Knowledge base": f"{Path(kb['path']).name if kb['path'] else '?'} "
                          f"(fingerprint {kb['fingerprint']})",
        "Parameters": (json.dumps(prov["parameters"], ensure_ascii=False, sort_keys=True)
                       if prov["parameters"] else "the notebooks' defaults"),
        "Packages": packages,
        "Generated": prov["generated"],
    }
