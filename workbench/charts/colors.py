"""One colour per group, the same in every chart and every report of a corpus.

A group's colour is derived from its name (a hash into a large categorical palette), not from
its position, so "left" keeps its colour whether a report lists it first or last, or shows it
alone.  Two names that hash to the same colour are separated deterministically: over the set
of groups known to the report (registered once by :func:`workbench.notebook.setup`, else the
groups of the chart), names are placed in order of their hash and then their name, each
taking the next free colour.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import altair as alt

from ..analyze.frequency import OTHER
from ..analyze.select import UNKNOWN

# tableau10, its light companions (tableau20) and Dark2: 28 hues, the strong ones first.
PALETTE = (
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
    "#9c755f", "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d",
    "#a0cbe8", "#ffbe7d", "#ff9d9a", "#86bcb6", "#8cd17d", "#f1ce63", "#d4a6c8", "#fabfd2",
    "#d7b5a6", "#499894", "#b6992d", "#79706e",
)
FIXED = {OTHER: "#bab0ac", UNKNOWN: "#d3d3d3"}

_known: set[str] = set()


def register(groups: Iterable[object]) -> None:
    """Make ``groups`` the report's set of groups, over which colour collisions are resolved,
    so a chart showing only some of them gives each the colour it has in the others."""
    _known.clear()
    _known.update(str(g) for g in groups)


TIER = 10  # the first ten hues (tableau10) are told apart easily: used first, by every group


def _hash(name: str) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=8).digest(), "big")


def _slot(name: str) -> int:
    return _hash(name) % TIER


def group_colors(groups: Iterable[object]) -> dict[str, str]:
    """``{group: colour}`` for ``groups``: derived from each name, independent of order."""
    wanted = [str(g) for g in groups]
    universe = sorted((set(wanted) | _known) - set(FIXED), key=lambda g: (_slot(g), g))
    taken: set[int] = set()
    colours: dict[str, str] = {}
    for name in universe:
        colours[name] = PALETTE[_place(name, taken)]
    colours.update(FIXED)
    return {g: colours[g] for g in wanted}


def _place(name: str, taken: set[int]) -> int:
    """The first free slot from the name's own: in the first tier, then in the rest; once all
    are taken, colours repeat (the name's own slot)."""
    for first, size in ((0, TIER), (TIER, len(PALETTE) - TIER)):
        start = _hash(name) % size
        for step in range(size):
            slot = first + (start + step) % size
            if slot not in taken:
                taken.add(slot)
                return slot
    return _hash(name) % len(PALETTE)


def group_scale(groups: Iterable[object]) -> alt.Scale:
    """An Altair colour scale giving each of ``groups`` (in legend order) its own colour."""
    order = list(dict.fromkeys(str(g) for g in groups))
    colours = group_colors(order)
    return alt.Scale(domain=order, range=[colours[g] for g in order])
