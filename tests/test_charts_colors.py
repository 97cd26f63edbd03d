"""One colour per group, derived from its name: the same whatever the order or the subset."""

from __future__ import annotations

import itertools

import pandas as pd
import pytest

from workbench import analyze as A
from workbench import charts as C
from workbench.charts import colors

# Group names from the real corpora: AllSides ratings, the sample's outlets, AllSides outlets.
NAMES = ["left", "center", "right", "Izvestia", "Moldova 1", "Novinite", "syrializm.net",
         "Breitbart News", "Washington Times", "Vox", "Politico", "CNN (Web News)"]


@pytest.fixture(autouse=True)
def no_registered_groups():
    colors.register([])
    yield
    colors.register([])


def test_colour_depends_on_the_name_not_the_order():
    base = colors.group_colors(NAMES)
    for order in (list(reversed(NAMES)), sorted(NAMES), NAMES[5:] + NAMES[:5]):
        assert colors.group_colors(order) == base
    assert len(set(base.values())) == len(NAMES)  # no two groups share a colour


def test_collisions_are_resolved_the_same_way_every_time():
    # Find two real-looking names whose first choice is the same hue.
    a, b = next((x, y) for x, y in itertools.combinations(
        [f"outlet {i}" for i in range(200)], 2) if colors._slot(x) == colors._slot(y))
    one, two = colors.group_colors([a, b]), colors.group_colors([b, a])
    assert one == two and one[a] != one[b]


def test_registered_groups_keep_their_colours_in_a_chart_of_some_of_them():
    colors.register(NAMES)
    full = colors.group_colors(NAMES)
    for subset in (NAMES[:2], NAMES[3:7], ["Vox"]):
        assert colors.group_colors(subset) == {g: full[g] for g in subset}


def test_first_ten_groups_get_distinct_strong_hues():
    ten = colors.group_colors(NAMES[:10])
    assert set(ten.values()) <= set(colors.PALETTE[:colors.TIER])


def test_other_and_unknown_are_grey():
    got = colors.group_colors(["(other)", "(unknown)", "left"])
    assert got["(other)"] == colors.FIXED["(other)"] and got["(unknown)"] == colors.FIXED[
        "(unknown)"]


def test_articles_timeline_colours_follow_names_in_two_reports_with_different_orders():
    """Two selections of real AllSides articles whose groups come in opposite orders give
    each group the same colour in the articles timeline."""
    from test_analyze_groups import allsides_corpus

    import workbench as wb

    arts = A.select_articles(wb.load_corpus(allsides_corpus()), group_col="group")
    specs = []
    for order in (["left", "right"], ["right", "left"]):
        ordered = pd.concat([arts[arts["group"] == g] for g in order])
        t = A.articles_over_time(ordered, by="group", freq="M")
        spec = C.articles_timeline(t).to_dict()
        main = spec["hconcat"][0] if "hconcat" in spec else spec
        scale = main["encoding"]["color"]["scale"]
        specs.append(dict(zip(scale["domain"], scale["range"], strict=True)))
    assert specs[0] == specs[1] == colors.group_colors(["left", "right"])
