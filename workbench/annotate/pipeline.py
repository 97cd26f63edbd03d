"""The annotation pipeline: the chosen spaCy pipeline plus the workbench's own components.

Added components, in order:
- ``workbench_sentences`` before the parser: sentence starts at ., ! and ? (after closing quotes)
  and at every line break, so headings and captions never run into the next sentence and the
  parser works on whole sentences (the offline pipeline's own sentence splits are poor);
- ``workbench_kb`` (an EntityRuler with ids) after the statistical NER, overwriting it where the
  knowledge base knows better ("Kiev regime", "Sukhyi Yar", junk like "Photo" never matches);
- ``workbench_entities`` last: links the remaining statistical entities to the knowledge base
  under their normalised names ("President Putin") and removes junk ("Immediately").
The fingerprint (pipeline name and version, knowledge-base hash, and a hash of the annotation
rules' source, :func:`rules_fingerprint`) is part of the annotation cache key, so changing any
of them re-annotates.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import numpy as np

from workbench.annotate.errors import AnnotateError
from workbench.annotate.kb import KnowledgeBase, load_kb
from workbench.annotate.models import (
    FALLBACK,
    FALLBACK_LABEL,
    ModelChoice,
    choose_model,
    package_meta,
)

RULES_VERSION = "7"
"""Part of :func:`rules_fingerprint`; bumping it still redoes cached annotations, but editing a
rule module already does (its source is hashed)."""

# What annotation produces is decided by these modules' source (relative to the package; a
# folder means every module in it). Modules that only read or edit the knowledge base, name
# errors, run the annotation (run.py, distributed.py: what they cut from a text changes its
# cache key already), or run on the assembled tables and are never cached (surnames.py,
# links.py: the corpus-wide name rules) are left out so that editing them keeps the cache.
_RULE_MODULES = ("annotate", "dates.py", "date_*.py", "tables.py")
_NOT_RULES = frozenset({"annotate/errors.py", "annotate/kb_review.py",
                        "annotate/kb_suggest.py", "annotate/distributed.py",
                        "annotate/run.py", "annotate/surnames.py", "annotate/links.py"})

SENTENCE_END = {".", "!", "?", "…"}
CLOSERS = {'"', "”", "’", "'", "»", ")", "]"}
OPENERS = set('"“«—–-(‘\'')


@dataclass(frozen=True)
class PipelineInfo:
    """What annotated (or would annotate) a corpus: shown in reports, keyed in the cache."""

    name: str  # as the pipeline calls itself (lang_name from its meta.json)
    version: str
    fallback: bool
    kb_path: str | None
    kb_fingerprint: str
    notice: str | None
    location: str = ""  # the package name or folder it loads from

    @property
    def label(self) -> str:
        """`name version`, or the fallback's label."""
        return FALLBACK_LABEL if self.fallback else f"{self.name} {self.version}"

    @property
    def model_arg(self) -> str:
        """What to pass as ``model=`` to load this same pipeline again."""
        return FALLBACK if self.fallback else (self.location or self.name)

    @property
    def fingerprint(self) -> str:
        # The pipeline's own name and version, not how it was named on the command line: a
        # package and its folder are the same pipeline and share the cache.
        key = f"{self.name}\x1f{self.version}\x1f{self.kb_fingerprint}\x1f{rules_fingerprint()}"
        return hashlib.sha256(key.encode()).hexdigest()[:16]


@functools.cache
def rules_fingerprint() -> str:
    """A hash of the annotation rules: the source of every rule module (:data:`_RULE_MODULES`)
    and :data:`RULES_VERSION`. Computed once per process, as the corpus cache does for the
    loader (:mod:`workbench.cache.corpus`)."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256(f"{RULES_VERSION}\n".encode())
    for pattern in _RULE_MODULES:
        target = root / pattern
        files = sorted(target.rglob("*.py")) if target.is_dir() else sorted(root.glob(pattern))
        for path in files:
            name = path.relative_to(root).as_posix()
            if name not in _NOT_RULES:
                h.update(f"{name}\x1f{len(path.read_bytes())}\x1f".encode())
                h.update(path.read_bytes())
    return h.hexdigest()[:16]


def pipeline_info(model: str | None = None, kb: KnowledgeBase | str | None = None
                  ) -> PipelineInfo:
    """Resolve the pipeline and knowledge base without loading the model (cheap: cache checks
    and report manifests use it)."""
    choice = choose_model(model)
    kb = kb if isinstance(kb, KnowledgeBase) else load_kb(kb)
    name, version = _identity(choice)
    return PipelineInfo(name=name, version=version, fallback=choice.fallback,
                        kb_path=str(kb.path) if kb.path else None,
                        kb_fingerprint=kb.fingerprint, notice=choice.notice,
                        location=choice.name)


def build_nlp(choice: ModelChoice, kb: KnowledgeBase):
    """Load the chosen pipeline and add the workbench components."""
    import spacy

    if choice.fallback:
        nlp = spacy.blank("en")
    else:
        try:
            nlp = spacy.load(choice.name)
        except Exception as exc:  # an installed but broken or incompatible pipeline
            raise AnnotateError(
                f"spaCy pipeline '{choice.name}' is installed but does not load "
                f"({type(exc).__name__}: {' '.join(str(exc).split())[:300]}). Reinstall it, or "
                f"choose another with --model (--model {FALLBACK} for the rules-only "
                "fallback).") from None
    _register_components()
    _split_glued_brackets(nlp)
    before = {"before": "parser"} if "parser" in nlp.pipe_names else {}
    nlp.add_pipe("workbench_sentences", **before)
    where = {"after": "ner"} if "ner" in nlp.pipe_names else {}
    ruler = nlp.add_pipe("entity_ruler", name="workbench_kb", config={"overwrite_ents": True},
                         **where)
    # Only the tokenizer over the patterns: the ruler's own add_patterns runs every component
    # before it (the NER) on each of the thousands of alias strings (half of the build time).
    with nlp.select_pipes(enable=["workbench_kb"]):
        ruler.add_patterns(kb.ruler_patterns())
    # After the tagger, which the junk filter reads (a proper noun or not).
    nlp.add_pipe("workbench_entities").kb = kb
    return nlp


def _split_glued_brackets(nlp: Any) -> None:
    """Brackets written between two words ("Lavrov(RUSSIAN", "(R-Tenn.)Josh Hawley") are
    tokens of their own, so no entity (or knowledge-base match) is glued to the next word."""
    import re

    finditer = nlp.tokenizer.infix_finditer
    pattern = getattr(getattr(finditer, "__self__", None), "pattern", None)
    glued = r"(?<=[\w.])[()\[\]](?=\w)"
    nlp.tokenizer.infix_finditer = re.compile(f"{pattern}|{glued}" if pattern else glued).finditer


def _identity(choice: ModelChoice) -> tuple[str, str]:
    """(name, version) of a pipeline from its meta.json, read without loading it."""
    if choice.fallback:
        import spacy

        return FALLBACK, f"spacy-{spacy.__version__}-blank"
    meta = package_meta(choice.name)
    if not meta and Path(choice.name).is_dir():
        try:
            meta = json.loads((Path(choice.name) / "meta.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
    name = f"{meta['lang']}_{meta['name']}" if meta.get("lang") and meta.get("name") \
        else choice.name
    version = str(meta.get("version") or _installed_version(choice.name))
    return name, version


def _installed_version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "unknown"


_REGISTERED = False


class EntityNormaliser:
    """The ``workbench_entities`` component; ``build_nlp`` gives it the knowledge base object
    (not a path), so it links against exactly the entities the cache fingerprint names."""

    def __init__(self) -> None:
        self.kb: KnowledgeBase | None = None

    def __call__(self, doc: Any) -> Any:
        from workbench.annotate.mentions import normalise_entities

        return normalise_entities(doc, self.kb or load_kb())


def sentence_start_array(doc: Any) -> np.ndarray:
    """SENT_START values (1 starts a sentence, -1 does not) for every token of ``doc``.

    Computed on spaCy's attribute arrays rather than token by token: this component runs on
    every article, and per-token Python would cost more than the knowledge-base ruler.
    """
    from spacy.attrs import IS_DIGIT, IS_SPACE, IS_TITLE, IS_UPPER, ORTH, SPACY

    arr = doc.to_array([ORTH, SPACY, IS_SPACE, IS_TITLE, IS_UPPER, IS_DIGIT])
    orth, spaced, space, title, upper, digit = (arr[:, i] for i in range(6))
    strings = doc.vocab.strings
    ends = np.isin(orth, _hashes(strings, SENTENCE_END))
    closers = np.isin(orth, _hashes(strings, CLOSERS))
    openers = np.isin(orth, _hashes(strings, OPENERS))
    newline = np.zeros(len(orth), dtype=bool)
    if space.any():
        for h in np.unique(orth[space == 1]):
            if "\n" in strings[int(h)]:
                newline |= orth == h
    # A sentence ends at ./!/? — or at the quote or bracket that closes right after one —
    # followed by a space and a capital, a digit or an opening quote or dash.
    end_here = ends | (closers & np.roll(ends, 1))
    nxt = np.zeros(len(orth), dtype=bool)
    nxt[:-1] = ((title[1:] == 1) | (upper[1:] == 1) | (digit[1:] == 1) | openers[1:]) \
        & ~closers[1:]
    starts = np.zeros(len(orth), dtype=bool)
    starts[1:] = (end_here[:-1] & (spaced[:-1] == 1) & nxt[:-1]) | newline[:-1]
    starts[0] = True
    # spaCy reads SENT_START as uint64, -1 in two's complement.
    return np.where(starts, 1, -1).astype("int64").astype("uint64").reshape(-1, 1)


_HASH_CACHE: dict[frozenset[str], np.ndarray] = {}


def _hashes(strings: Any, texts: set[str]) -> np.ndarray:
    key = frozenset(texts)
    if key not in _HASH_CACHE:
        _HASH_CACHE[key] = np.array([strings.add(t) for t in texts], dtype="uint64")
    return _HASH_CACHE[key]


def _register_components() -> None:
    global _REGISTERED
    if _REGISTERED:
        return
    from spacy.language import Language

    @Language.component("workbench_sentences")
    def workbench_sentences(doc):
        """Sentence starts from punctuation and line breaks (see module docstring)."""
        if len(doc):
            doc.from_array(["SENT_START"], sentence_start_array(doc))
        return doc

    @Language.factory("workbench_entities")
    def workbench_entities(nlp, name):
        """Link statistical entities to the knowledge base and drop junk (mentions.py)."""
        return EntityNormaliser()

    _REGISTERED = True
