import pytest
from test_analyze_corpus import corpus

from workbench import analyze as A


@pytest.fixture()
def c():
    c = corpus()
    c["sel"] = A.select_articles(c["articles"])
    return c


def test_variant_shares_kiev_vs_kyiv(c):
    v = A.variant_shares(c["mentions"], c["sel"])
    assert set(v["entity"]) == {"Kyiv"}  # Zelensky has one tag only: not contested
    iz = v[v["group"] == "Izvestia"].iloc[0]
    assert (iz["variant"], iz["spelling"], iz["mentions"], iz["share"]) == ("kiev", "Kiev", 2, 1.0)
    md = v[v["group"] == "Moldova 1"].iloc[0]
    assert (md["variant"], md["share"]) == ("kyiv", 1.0)


def test_variant_shares_mixed_group(c):
    m = c["mentions"].copy()
    # Moldova 1 writes "Kiev" once: 1 of its 2 tagged Kyiv mentions
    first = m.index[(m.article_id == "md1") & (m.variant == "kyiv")][0]
    m.loc[first, ["variant", "text"]] = ["kiev", "Kiev"]
    v = A.variant_shares(m, c["sel"])
    md = v[v["group"] == "Moldova 1"].set_index("variant")
    assert md.loc["kiev", "share"] == pytest.approx(0.5)
    assert md.loc["kyiv", "share"] == pytest.approx(0.5)
    assert (md["entity_mentions"] == 2).all()


def test_no_contested_entities_gives_empty_table(c):
    sel = A.select_articles(c["articles"], outlets=["Moldova 1"])
    v = A.variant_shares(c["mentions"], sel)
    assert v.empty and "share" in v.columns


def test_voice_shares_by_speaker_and_affiliation(c):
    v = A.voices(c["quotes"], c["sel"], mentions=c["mentions"])
    sp = v[v["dimension"] == "speaker"]
    sy = sp[sp["group"] == "syrializm"].set_index("voice")
    assert sy.loc["Dmitry Peskov", "share"] == pytest.approx(0.5)
    # speaker_id resolves "Zelensky" to the canonical name
    assert sy.loc["Volodymyr Zelensky", "affiliation"] == "Ukraine"
    nov = sp[sp["group"] == "Novinite"].iloc[0]
    assert (nov["voice"], nov["quotes"], nov["direct"]) == ("Dmitry Peskov", 2, 1)  # nov2 dropped
    md = sp[sp["group"] == "Moldova 1"].iloc[0]
    assert md["voice"] == "Alexei Polishchuk"  # unresolved speaker shown as written
    aff = v[v["dimension"] == "affiliation"]
    assert aff[aff["group"] == "Moldova 1"].iloc[0]["voice"] == "(unknown)"
    assert aff.groupby("group")["share"].sum().tolist() == pytest.approx([1.0] * 4)


def test_voices_without_mentions_use_written_names_and_top_n(c):
    v = A.voices(c["quotes"], c["sel"], top_n=1)
    sp = v[v["dimension"] == "speaker"]
    assert set(sp["voice"]) == {"Dmitry Peskov", "(other)"}
    sy = sp[sp["group"] == "syrializm"].set_index("voice")
    assert sy.loc["(other)", "quotes"] == 1
