"""Spellings of the knowledge base's entities in other languages (``aliases-*.yaml``).

Every ``aliases-*.yaml`` file beside the knowledge-base file (``data/kb/aliases-ru-uk.yaml``
beside ``entities.yaml``) is merged into it by :func:`merge_language_aliases`: a mapping
``aliases: {entity id: {language: [alias, …]}}``, each alias a string or
``{text: …, variant: tag}``. The aliases are indexed like the file's own (``kb.lookup("Путин")``
is Vladimir Putin) and kept per language in ``kb.language_aliases``, apart from
``Entity.aliases``: those are the English spellings, whose variant tags follow the English
slug rules of ``entities.yaml``. Inflected forms are matched by lemma, in ``cyrillic_kb.py``.

Like ``kb.py``, this module must stay light (no spaCy, no NLP models).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from workbench.errors import KBError

_LANG_RE = re.compile(r"[a-z]{2}")
_VARIANT_RE = re.compile(r"[a-z0-9][a-z0-9-]*")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def alias_files(kb_path: Path) -> list[Path]:
    """The ``aliases-*.yaml`` files beside a knowledge-base file, in name order."""
    return sorted(p for p in kb_path.parent.glob("aliases-*.yaml") if p.is_file())


def stamps(files: list[Path]) -> list[tuple[str, int, int]]:
    """(name, modification time, size) of each file: part of the loaded-KB cache key."""
    return [(f.name, f.stat().st_mtime_ns, f.stat().st_size) for f in files]


def merge_language_aliases(kb: Any, files: list[Path], alias_type: type) -> bytes:
    """Add the aliases of ``files`` to ``kb`` (a ``kb.KnowledgeBase``) as ``alias_type``
    (``kb.Alias``; both passed in, so this module never imports kb.py, which imports it),
    validated: a problem raises ``KBError`` naming the file and line. Returns the files'
    bytes, for the knowledge base's fingerprint."""
    data = b""
    for path in files:
        raw = path.read_bytes()
        data += path.name.encode() + b"\x1f" + raw
        for entity_id, language, alias, line in _read(path, raw, alias_type):
            problem = kb.add_language_alias(entity_id, language, alias)
            if problem:
                raise KBError(f"{path}, line {line}: {problem}")
    return data


def _read(path: Path, raw: bytes, Alias: type):  # noqa: N803 - the class, as kb.py names it
    """``(entity id, language, Alias, line)`` for every alias of one file."""

    try:
        loader = _LOADER(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise KBError(f"{path}: not UTF-8 text (byte {exc.start})") from None
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f"{path}, line {mark.line + 1}" if mark else str(path)
        raise KBError(f"{where}: YAML syntax error: {exc.problem}") from None
    finally:
        loader.dispose()
    top = dict(_pairs(root)) if isinstance(root, yaml.MappingNode) else {}
    entries = top.get("aliases")
    if not isinstance(entries, yaml.MappingNode):
        raise KBError(f"{path}: the file must be a mapping with an 'aliases:' mapping of "
                      "entity id → {language: [aliases]}")
    for id_node, langs in entries.value:
        line = id_node.start_mark.line + 1
        entity_id = id_node.value
        if not isinstance(langs, yaml.MappingNode):
            raise KBError(f"{path}, line {line}: {entity_id}: expected language codes "
                          "(ru:, uk:) with lists of aliases")
        for lang_node, items in langs.value:
            language = lang_node.value
            at = lang_node.start_mark.line + 1
            if not _LANG_RE.fullmatch(str(language)):
                raise KBError(f"{path}, line {at}: {language!r} is not a two-letter language "
                              "code (ru, uk)")
            if not isinstance(items, yaml.SequenceNode):
                raise KBError(f"{path}, line {at}: {entity_id} {language}: expected a list")
            for item in items.value:
                at = item.start_mark.line + 1
                yield entity_id, language, _alias(item, path, at, Alias), at


def _pairs(node: yaml.MappingNode):
    return ((k.value, v) for k, v in node.value)


def _alias(node: yaml.Node, path: Path, line: int, alias_type):
    def fail(message: str):
        raise KBError(f"{path}, line {line}: {message}")

    if isinstance(node, yaml.ScalarNode):
        text, variant = node.value, None
    elif isinstance(node, yaml.MappingNode):
        fields = {k: v.value for k, v in _pairs(node) if isinstance(v, yaml.ScalarNode)}
        unknown = set(fields) - {"text", "variant"}
        if unknown or len(fields) != len(node.value):
            fail(f"alias has unknown or non-text field(s): {', '.join(sorted(unknown)) or '?'}")
        text, variant = fields.get("text"), fields.get("variant")
    else:
        fail("an alias is a string or {text: ..., variant: tag}")
    if not text or text != text.strip():
        fail(f"empty alias, or one with leading or trailing spaces: {text!r}")
    if variant is not None and not _VARIANT_RE.fullmatch(variant):
        fail(f"variant {variant!r} of alias {text!r} must be a short lowercase tag "
             "(letters, digits, hyphens)")
    return alias_type(text, variant)
