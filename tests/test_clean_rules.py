"""Each cleaning rule on the real sample text that needed it."""

from __future__ import annotations

from workbench.corpus.clean import clean_text, count_words, normalise

from conftest import sample_text

IZVESTIA = sample_text("002")
MOLDOVA = sample_text("003")
NOVINITE_GLUED = sample_text("000").split("\n", 1)[1]


def removed(text: str, rule: str) -> list[str]:
    return [line for r, line in clean_text(text).removed if r == rule]


def test_site_chrome():
    assert removed(IZVESTIA, "chrome") == [
        "Skip to main content", "Advertisement", "Live broadcast", "Main slide",
        "Beginning of the article", "Озвучить текст", "Select important", "On", "Off",
        "Live broadcast"]  # "Озвучить текст": the site's read-aloud button
    # "On" as a word inside a sentence is untouched
    assert "On November 12, it became known" in clean_text(IZVESTIA).text


def test_photo_credits_and_their_captions():
    assert removed(IZVESTIA, "photo-credit") == [
        "Photo: TASS/Zuma", "Photo: IZVESTIA/Anna Selina",
        "Photo: Global Look Press/Madeleine Kelly",
        "Photo: IZVESTIA/Anna Selina", "Photo: REUTERS/Jonathan Ernst", "Photo: RIA Novosti"]
    # The English caption above a credit would otherwise count as one more Trump mention.
    assert removed(IZVESTIA, "caption") == ["US President Donald Trump"]


def test_other_script_lines_are_kept_aside_not_dropped():
    cleaned = clean_text(IZVESTIA)
    assert cleaned.aside == ["Украина", "Флаги", "ВСУ", "доллар",
                             "Дональд Трамп", "НАБУ", "Переведено сервисом «Яндекс Переводчик»"]
    assert "Украина" not in cleaned.text


def test_cyrillic_article_keeps_its_cyrillic_and_sets_aside_latin():
    text = "Песков заявил, что переговоры приостановлены.\nPhoto caption in English here\n" \
           "Киев официально прекратил контакты с Москвой."
    cleaned = clean_text(text)
    assert cleaned.aside == ["Photo caption in English here"]
    assert "Песков" in cleaned.text


def test_machine_translation_credit():
    cleaned = clean_text(IZVESTIA)
    assert (cleaned.translated_by, cleaned.translation) == ("Yandex Translator", "machine")
    assert "Переведено" not in cleaned.text


def test_human_translation_credit_and_author_block():
    cleaned = clean_text(MOLDOVA)
    assert (cleaned.translated_by, cleaned.translation) == ("Iurie Tataru", "human")
    assert cleaned.author == "Ana Cebotari"
    assert removed(MOLDOVA, "author-block") == ["Ana Cebotari", "Ana Cebotari", "Author",
                                                "Read more"]
    assert cleaned.text.endswith("\"achieving peace through force.\"")


def test_section_label_above_headline():
    assert removed(MOLDOVA, "section-label") == ["International"]


def test_related_headlines_glued_to_the_end():
    cut = removed(NOVINITE_GLUED, "related-headlines")
    assert len(cut) == 8
    assert cut[0].startswith("Russian opposition figures have voiced strong criticism")
    assert cut[-1] == "When Politics Means Violence"
    # The standfirst under the headline is not a headline list: it stays.
    assert clean_text(NOVINITE_GLUED).text.startswith("President Volodymyr Zelensky has described")


def test_in_text_subheadings_stay():
    assert "The situation around the suspension of negotiations" in clean_text(IZVESTIA).text


def test_clean_article_is_untouched_apart_from_whitespace():
    body = sample_text("001").split("\n", 1)[1]
    cleaned = clean_text(body)
    assert cleaned.removed == [] and cleaned.aside == []
    assert count_words(cleaned.text) == count_words(body)


def test_unicode_and_whitespace_normalisation():
    text = ("Kremlin\u00a0spokesman  Dmitry\tPeskov\u200b said\r\n"
            "the talks — e\u0301tait — stalled.  ")
    assert normalise(text) == "Kremlin spokesman Dmitry Peskov said\nthe talks — était — stalled."


def test_byline_at_the_top():
    cleaned = clean_text("By Jane Roe\nThe Kremlin announced on Friday that talks were stalled.")
    assert cleaned.author == "Jane Roe"
    assert cleaned.text == "The Kremlin announced on Friday that talks were stalled."


def test_copyright_line():
    cleaned = clean_text("Talks stalled, the Kremlin said on Friday.\n© 2025 Novinite.com")
    assert cleaned.copyright_owner == "Novinite.com"
    assert "©" not in cleaned.text


# --- rules that must not eat article text (found on the AllSides dump) ----------------------

def test_lists_embeds_and_profiles_at_the_end_are_content():
    intro = ("Fasting hours vary widely around the world this year, depending on how far north "
             "or south of the equator Muslims observe the holy month of Ramadan, say experts.\n")
    for tail in ["Here are the fasting hours:\n- Oslo, Norway: 20 hours\n- Cairo, Egypt: 15 hours"
                 "\n- Sydney, Australia: 11 hours",
                 "Reactions poured in.\nThis is a disgrace to the office @SenatorX\n"
                 "Never seen anything like it pic.twitter.com/abc123",
                 "Who are the candidates?\nCurrent job: Governor of Ohio\n"
                 "Upside: Strong ties to the party base"]:
        assert clean_text(intro + tail).removed == [], tail


def test_sentences_are_not_credits_or_translations():
    text = ("The Trump/Clinton race was an extended exercise in priming.\n"
            "Image: Trump may have been the Teflon Don of the election, said a longtime analyst.\n"
            "(c) Value perceptions: we distance ourselves from it, the report says.\n"
            "Translated by the Kremlin's own interpreters, the remarks were softened.")
    cleaned = clean_text(text)
    assert cleaned.removed == [] and cleaned.translated_by is None
    assert cleaned.copyright_owner is None


def test_credit_forms_seen_in_real_copy():
    for credit in ["(Photo: Syda Productions/Dreamstime)", "(Credit: Evan Vucci/AP Photo)",
                   "AFP/Getty Images", "Photo: Sandy Huffaker/AFP/Getty Images"]:
        assert removed("Talks stalled, officials said.\n" + credit, "photo-credit") == [credit]


def test_copyright_owner_is_the_name():
    for line, owner in [("Copyright © 2019 The Washington Times, LLC. Click here for reprint "
                         "permission.", "The Washington Times"),
                        ("© Copyright 2017 by Creators Syndicate Inc.", "Creators Syndicate"),
                        ("(c) 2020 Example News | All rights reserved", "Example News")]:
        assert clean_text("Talks stalled.\n" + line).copyright_owner == owner


def test_japanese_article_is_one_script():
    text = ("首相、交渉再開の意向を表明\n東京で開かれた会議で、首相は交渉の再開を表明した。\n"
            "Photo caption in English")
    cleaned = clean_text(text)
    assert cleaned.aside == ["Photo caption in English"]
    assert "東京" in cleaned.text


def test_a_by_line_needs_a_capitalised_name():
    assert clean_text("By the numbers\nThe deficit grew by 4% last year.").author is None


# --- chrome and credits of the AllSides dump (each topped an outlet's word keyness) ---------

BODY = "Talks stalled on Monday, officials said.\n"


def test_dataset_chrome_lines():
    for line in ["Advertisement:", "Advertisement Continue reading the main story",
                 "Sign up for Daily Newsletters Manage Newsletters",
                 "Sign up for Daily Opinion Newsletter Manage Newsletters",
                 "JUST WATCHED Missouri Gov Nixon on the investigation Replay More Videos ... "
                 "MUST WATCH Missouri Gov Nixon on the investigation 01:49",
                 "Photos: Potential 2016 presidential candidates Former Florida Gov. Jeb Bush has "
                 "said his decision to run will be based on his family. Hide Caption 1 of 19",
                 "Media playback is unsupported on your device Media caption Trump constantly "
                 "worries about the trade deficit - should we?",
                 "next Image 1 of 2", "Photo", "[image]"]:
        assert removed(BODY + line, "chrome") == [line], line


def test_dataset_photo_headers_and_captions_with_credits():
    header = ("Enlarge this image toggle caption Kevin Lamarque /Reuters /Landov Kevin Lamarque "
              "/Reuters /Landov")
    assert removed(BODY + header, "photo-credit") == [header]
    for header in ["toggle caption Ken Rudin collection",
                   "Image copyright Getty Images Image caption Police outside the Tribeca Grill "
                   "in New York City", "Image copyright Reuters",
                   "FILE PHOTO: U.S. President Donald Trump arrives at a Make America Great Again "
                   "Rally in Tampa, Florida, U.S., July 31, 2018. REUTERS/Carlos Barria"]:
        assert removed(BODY + header, "photo-credit") == [header], header
    for caption in [
            "The “war” on Covid-19: A National Guard member stops traffic in New Rochelle, N.Y., "
            "a hot spot for the novel coronavirus in early March. (John Moore / Getty Images)",
            "Sen. Elizabeth Warren speaks at a campaign event at The River Center in Des Moines, "
            "Iowa. | Scott Olson/Getty Images",
            "Senator Tim Scott at the Freedom Summit in Greenville, South Carolina. (Photo by "
            "Richard Ellis/Getty Images)"]:
        assert removed(BODY + caption, "caption") == [caption], caption


def test_sentences_mentioning_agencies_or_signing_up_stay():
    text = ("Sign up for a vaccine appointment was slow, and many people waited for weeks before "
            "the county opened more sites and extended its hours.\n"
            "The photo (taken by a Reuters photographer) went viral.\n"
            "Getty Images and AP both declined to comment on the licensing dispute.")
    assert clean_text(text).removed == []
