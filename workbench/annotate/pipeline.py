"""The annotation pipeline: the chosen spaCy pipeline plus the workbench's own components.

Added components, in order:
- ``workbench_sentences`` before the parser: sentence starts at ., ! and ? (after closing quotes)
  and at every line break, so headings and captions never run into the next sentence and the
  parser works on whole sentences (the offline pipeline's own sentence splits are poor);
- ``workbench_kb`` (an EntityRuler with ids) after the statistical NER, overwriting it where the
  knowledge base knows better ("Kiev regime", "Sukhyi Yar", junk like "Photo" never matches).
The fingerprint (pipeline name and version, knowledge-base hash, rules version) is part of the
annotation cache key, so changing any of them re-annotates.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from importlib import metadata

from workbench.annotate.kb import KnowledgeBase, load_kb
from workbench.annotate.models import FALLBACK, ModelChoice, choose_model

RULES_VERSION = "1"
"""Bump when mention, quote or date rules change: cached annotations are then redone."""

SENTENCE_END = {".", "!", "?", "…"}
CLOSERS = {'"', "”", "’", "'", "»", ")", "]"}
OPENERS = set('"“«—–-(‘\'')


@dataclass(frozen=True)
class PipelineInfo:
    """What annotated (or would annotate) a corpus: shown in reports, keyed in the cache."""

    name: str
    version: str
    fallback: bool
    kb_path: str | None
    kb_fingerprint: str
    notice: str | None

    @property
    def label(self) -> str:
        """`name version`, or the fallback's label."""
        from workbench.annotate.models import FALLBACK_LABEL

        return FALLBACK_LABEL if self.fallback else f"{self.name} {self.version}"

    @property
    def fingerprint(self) -> str:
        key = f"{self.name}\x1f{self.version}\x1f{self.kb_fingerprint}\x1f{RULES_VERSION}"
        return hashlib.sha256(key.encode()).hexdigest()[:16]


def pipeline_info(model: str | None = None, kb: KnowledgeBase | str | None = None
                  ) -> PipelineInfo:
    """Resolve the pipeline and knowledge base without loading the model (cheap: cache checks
    and report manifests use it)."""
    choice = choose_model(model)
    kb = kb if isinstance(kb, KnowledgeBase) else load_kb(kb)
    return PipelineInfo(name=choice.name, version=_version(choice), fallback=choice.fallback,
                        kb_path=str(kb.path) if kb.path else None,
                        kb_fingerprint=kb.fingerprint, notice=choice.notice)


def build_nlp(choice: ModelChoice, kb: KnowledgeBase):
    """Load the chosen pipeline and add the workbench components."""
    import spacy

    if choice.fallback:
        nlp = spacy.blank("en")
    else:
        nlp = spacy.load(choice.name)
    _register_components()
    before = {"before": "parser"} if "parser" in nlp.pipe_names else {}
    nlp.add_pipe("workbench_sentences", **before)
    where = {"after": "ner"} if "ner" in nlp.pipe_names else {}
    ruler = nlp.add_pipe("entity_ruler", name="workbench_kb", config={"overwrite_ents": True},
                         **where)
    ruler.add_patterns(kb.ruler_patterns())
    return nlp


def _version(choice: ModelChoice) -> str:
    if choice.name == FALLBACK:
        import spacy

        return f"spacy-{spacy.__version__}-blank"
    try:
        return metadata.version(choice.name)
    except metadata.PackageNotFoundError:  # a pipeline loaded from a folder
        import json
        from pathlib import Path

        meta = json.loads((Path(choice.name) / "meta.json").read_text(encoding="utf-8"))
        return str(meta.get("version", "unknown"))


_REGISTERED = False


def _register_components() -> None:
    global _REGISTERED
    if _REGISTERED:
        return
    from spacy.language import Language

    @Language.component("workbench_sentences")
    def workbench_sentences(doc):
        """Sentence starts from punctuation and line breaks (see module docstring)."""
        starts = [False] * len(doc)
        if len(doc):
            starts[0] = True
        for i, tok in enumerate(doc[:-1]):
            if "\n" in tok.text or (tok.is_space and "\n" in tok.whitespace_):
                starts[i + 1] = True
            elif "\n" in tok.whitespace_:
                starts[i + 1] = True
            elif tok.text in SENTENCE_END or (tok.text in CLOSERS and i > 0
                                              and doc[i - 1].text in SENTENCE_END):
                nxt = doc[i + 1]
                if nxt.text in CLOSERS or not tok.whitespace_:
                    continue  # the sentence goes on through its closing quote
                if nxt.text[0].isupper() or nxt.text[0].isdigit() or nxt.text[0] in OPENERS:
                    starts[i + 1] = True
        for tok, start in zip(doc, starts):
            tok.is_sent_start = start
        return doc

    _REGISTERED = True
