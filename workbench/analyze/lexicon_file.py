"""Phrase lexicons: named frames of phrases and token patterns, read from a YAML file.

The file format is documented at the top of ``data/lexicons/war.yaml`` (the shipped starter).
:func:`load_lexicon` validates a file the way the knowledge base is validated: every problem is
one :class:`LexiconError` naming the file, the line and what to change.  Token patterns are
checked here against spaCy's own pattern schema, so a typo fails on loading, not mid-analysis.

spaCy is imported only to check token patterns (a file with phrases only never imports it).
"""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from workbench.errors import LexiconError
from workbench.read.yamlsafe import load_with_nodes

# Token attributes the tokenizer alone sets; the others need a trained pipeline, and the
# lexicon is matched on a tokenizer-only pipeline (fast, and independent of the model).
TOKEN_ATTRS = frozenset("""ORTH TEXT LOWER NORM LENGTH IS_ALPHA IS_ASCII IS_DIGIT IS_LOWER
IS_UPPER IS_TITLE IS_PUNCT IS_SPACE IS_STOP IS_BRACKET IS_QUOTE IS_LEFT_PUNCT IS_RIGHT_PUNCT
IS_CURRENCY LIKE_NUM LIKE_EMAIL LIKE_URL SHAPE PREFIX SUFFIX OP""".split())
_NEEDS_MODEL = frozenset("LEMMA POS TAG DEP MORPH ENT_TYPE ENT_IOB ENT_ID ENT_KB_ID SENT_START "
                         "IS_SENT_START".split())
_FRAME_FIELDS = {"name", "description", "phrases", "patterns", "exclude", "notes"}


@dataclass(frozen=True)
class Pattern:
    label: str
    tokens: tuple[dict, ...]


@dataclass(frozen=True)
class Frame:
    name: str
    description: str | None
    phrases: tuple[str, ...]
    patterns: tuple[Pattern, ...]
    exclude: tuple[str, ...]


@dataclass(frozen=True)
class Lexicon:
    """A validated lexicon: ``frames`` in file order, ``fingerprint`` = SHA-256 of the file."""

    frames: tuple[Frame, ...]
    path: Path | None = None
    fingerprint: str = ""

    def __len__(self) -> int:
        return len(self.frames)


def default_lexicon_path() -> Path:
    """The shipped starter, ``war.yaml`` of the packaged lexicons (``data/lexicons/`` in a
    checkout)."""
    from workbench import resources

    return resources.path("lexicons") / "war.yaml"


def load_lexicon(path: str | Path | None = None) -> Lexicon:
    """Read and validate a lexicon file (default: :func:`default_lexicon_path`)."""
    path = Path(path).expanduser() if path not in (None, "") else default_lexicon_path()
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise LexiconError(f"{path}: cannot read the lexicon ({exc.strerror})") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LexiconError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    root, doc = _parse_yaml(text, path)
    if not isinstance(doc, dict) or not isinstance(doc.get("frames"), list) or not doc["frames"]:
        raise LexiconError(f"{path}: the file must be a mapping with a non-empty 'frames:' list "
                           f"(see the comments at the top of data/lexicons/war.yaml)")
    frames: list[Frame] = []
    seen: dict[str, int] = {}
    for item, node in zip(doc["frames"], _child(root, "frames").value, strict=True):
        frame = _frame(item, node, path)
        line = node.start_mark.line + 1
        if frame.name in seen:
            raise LexiconError(f"{path}, line {line}: frame name {frame.name!r} is used twice "
                               f"(first on line {seen[frame.name]})")
        seen[frame.name] = line
        frames.append(frame)
    return Lexicon(tuple(frames), path=path, fingerprint=hashlib.sha256(data).hexdigest())


def lexicon_from_dict(doc: dict) -> Lexicon:
    """A lexicon from an in-memory mapping of the file's shape (for code and tests)."""
    return _from_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False))


def _from_text(text: str) -> Lexicon:
    root, doc = _parse_yaml(text, Path("<lexicon>"))
    if not isinstance(doc, dict) or not isinstance(doc.get("frames"), list):
        raise LexiconError("<lexicon>: a mapping with a 'frames:' list is needed")
    frames = tuple(_frame(i, n, Path("<lexicon>"))
                   for i, n in zip(doc["frames"], _child(root, "frames").value, strict=True))
    return Lexicon(frames, fingerprint=hashlib.sha256(text.encode()).hexdigest())


def _parse_yaml(text: str, path: Path) -> tuple[Any, Any]:
    return load_with_nodes(text, path, LexiconError)


def _child(node: Any, key: str) -> Any:
    return next((v for k, v in node.value if getattr(k, "value", None) == key), None)


def _line(node: Any, default: int) -> int:
    return node.start_mark.line + 1 if node is not None else default


def _frame(item: Any, node: Any, path: Path) -> Frame:
    line = node.start_mark.line + 1

    def fail(message: str, at: int = line) -> None:
        raise LexiconError(f"{path}, line {at}: {message}")

    if not isinstance(item, dict):
        fail("each entry under 'frames:' must be a mapping with a name and phrases/patterns")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        fail("a frame has no 'name' (text)")
    label = f"frame {name.strip()!r}"
    unknown = set(item) - _FRAME_FIELDS
    if unknown:
        fail(f"{label}: unknown field(s) {', '.join(sorted(map(str, unknown)))} "
             f"(use {', '.join(sorted(_FRAME_FIELDS - {'notes'}))})")
    desc = item.get("description")
    if desc is not None and not isinstance(desc, str):
        fail(f"{label}: description must be text")
    phrases = _phrases(item, node, "phrases", label, fail, line)
    exclude = _phrases(item, node, "exclude", label, fail, line)
    patterns = _patterns(item, node, label, fail, line)
    if not phrases and not patterns:
        fail(f"{label} has neither phrases nor patterns")
    return Frame(name.strip(), desc.strip() if desc else None, phrases, patterns, exclude)


def _phrases(item: dict, node: Any, field: str, label: str, fail, line: int
             ) -> tuple[str, ...]:
    raw = item.get(field) or []
    if not isinstance(raw, list):
        fail(f"{label}: '{field}' must be a list of phrases")
    nodes = getattr(_child(node, field), "value", None) or [None] * len(raw)
    out: list[str] = []
    for value, sub in zip(raw, nodes, strict=True):
        at = _line(sub, line)
        if not isinstance(value, str):
            written = sub.value if isinstance(sub, yaml.ScalarNode) else repr(value)
            fail(f"{label}: {field} entry {written} was read as {type(value).__name__}, "
                 f"not text (quote it)", at)
        phrase = " ".join(value.split())
        if not phrase:
            fail(f"{label}: empty entry in '{field}'", at)
        if phrase.casefold() in {p.casefold() for p in out}:
            fail(f"{label}: {phrase!r} is listed twice in '{field}'", at)
        out.append(phrase)
    return tuple(out)


def _patterns(item: dict, node: Any, label: str, fail, line: int) -> tuple[Pattern, ...]:
    raw = item.get("patterns") or []
    if not isinstance(raw, list):
        fail(f"{label}: 'patterns' must be a list of {{label, pattern}} entries")
    nodes = getattr(_child(node, "patterns"), "value", None) or [None] * len(raw)
    out: list[Pattern] = []
    for value, sub in zip(raw, nodes, strict=True):
        at = _line(sub, line)
        if not isinstance(value, dict) or set(value) - {"label", "pattern"} \
                or not isinstance(value.get("label"), str) or not value["label"].strip():
            fail(f"{label}: each pattern needs a 'label' (text) and a 'pattern' (a list of "
                 f"token mappings), and nothing else", at)
        tokens = value.get("pattern")
        if not isinstance(tokens, list) or not tokens \
                or not all(isinstance(t, dict) and t for t in tokens):
            fail(f"{label}: pattern {value['label']!r} must be a non-empty list of token "
                 f"mappings such as {{LOWER: war}}", at)
        for tok in tokens:
            for attr in tok:
                key = str(attr).upper()
                if key in _NEEDS_MODEL:
                    fail(f"{label}: pattern {value['label']!r} uses {attr}, which needs a "
                         f"trained pipeline; lexicons match on words only — list the forms "
                         f"with {{LOWER: {{IN: [...]}}}}", at)
                if key not in TOKEN_ATTRS:
                    fail(f"{label}: pattern {value['label']!r} uses unknown token attribute "
                         f"{attr!r}", at)
        problem = _spacy_problem(tokens)
        if problem:
            fail(f"{label}: pattern {value['label']!r} is not a valid spaCy Matcher pattern: "
                 f"{problem}", at)
        out.append(Pattern(value["label"].strip(), tuple(tokens)))
    return tuple(out)


def _spacy_problem(tokens: list[dict]) -> str | None:
    """spaCy's own verdict on a token pattern (its JSON-schema validation), or None."""
    from spacy.matcher import Matcher

    matcher = Matcher(tokenizer().vocab, validate=True)
    try:
        matcher.add("check", [tokens])
    except (ValueError, TypeError, KeyError) as exc:
        return " ".join(str(exc).split())[:300]
    return None


@functools.cache
def tokenizer() -> Any:
    """spaCy's blank English pipeline (tokenizer only), built once per process."""
    import spacy

    return spacy.blank("en")
