"""YAML from untrusted or hand-edited files, with its expansion bounded.

``yaml.safe_load`` builds nothing dangerous, but anchors and aliases let a few hundred bytes
stand for billions of nodes ("billion laughs"): harmless while shared, fatal the moment the
value is printed or copied. Front matter, report configs and review files never need more than
a handful of aliases, so a document is refused beyond ``max_aliases`` aliases or
``max_nodes`` nodes once aliases are expanded.

:func:`load_with_nodes` is the other way YAML is read here: the researcher's own knowledge base
and lexicons, parsed with their node tree so every validation message can name the line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

MAX_ALIASES = 100
MAX_NODES = 200_000

# The pure-Python loader: libyaml's composes nodes in C, out of reach of the alias count.
# Front matter and configs are small, so its speed does not matter here.
_BASE = yaml.SafeLoader


class YAMLBombError(yaml.YAMLError):
    """The document expands beyond the bound (too many aliases or nodes)."""


def _bounded_loader(max_aliases: int) -> type:
    class Loader(_BASE):  # type: ignore[misc, valid-type]
        aliases = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                type(self).aliases += 1
                if type(self).aliases > max_aliases:
                    raise YAMLBombError(
                        "uses YAML aliases (*name), not accepted here" if not max_aliases else
                        f"has more than {max_aliases} YAML aliases (*name): refused as an "
                        "alias bomb")
            return super().compose_node(parent, index)

    return Loader


def load_yaml(text: str, *, max_aliases: int = MAX_ALIASES, max_nodes: int = MAX_NODES) -> Any:
    """``yaml.safe_load(text)``, refusing documents that expand beyond the bounds.

    Raises ``yaml.YAMLError`` (a :class:`YAMLBombError` for the bounds) like ``safe_load``.
    """
    loader = _bounded_loader(max_aliases)
    try:
        data = yaml.load(text, Loader=loader)  # noqa: S506 - a SafeLoader subclass
    except RecursionError:
        raise YAMLBombError("YAML nested too deeply") from None
    _check_size(data, max_nodes)
    return data


def _check_size(data: Any, max_nodes: int) -> None:
    # Iterative walk over the expanded tree; stops as soon as the budget is spent, so even a
    # bomb of shared references costs at most max_nodes steps.
    stack = [data]
    seen = 0
    while stack:
        node = stack.pop()
        seen += 1
        if seen > max_nodes:
            raise YAMLBombError(f"YAML expands to more than {max_nodes:,} values once aliases "
                                "are followed: refused as an alias bomb")
        if isinstance(node, dict):
            stack.extend(node.keys())
            stack.extend(node.values())
        elif isinstance(node, (list, tuple, set)):
            stack.extend(node)


# libyaml's loader when PyYAML has it (4x faster); its nodes carry the same line numbers.
_FAST = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_with_nodes(text: str, path: Path, error: type[Exception]) -> tuple[Any, Any]:
    """``(node tree, document)`` of a hand-edited YAML file (knowledge base, lexicon): the
    nodes keep the line numbers validation messages name. A syntax error raises ``error``
    with "FILE, line L, column C: YAML syntax error: …"."""
    loader = _FAST(text)
    try:
        root = loader.get_single_node()
        doc = loader.construct_document(root) if root is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}, line {mark.line + 1}, column {mark.column + 1}" if mark else str(path)
        problem = " ".join(p for p in (exc.context, exc.problem) if p)
        raise error(f"{where}: YAML syntax error: {problem}") from None
    except yaml.YAMLError as exc:
        raise error(f"{path}: YAML error: {exc}") from None
    finally:
        loader.dispose()
    return root, doc

