"""Names written family name first: Korean and Chinese ones in English news ("Kim Jong-un",
"Moon Jae-in", "Xi Jinping", "Wang Yi").

Two things follow. A Korean given name is two syllables joined by a hyphen, the second in
lower case ("Jong-un", "Jae-in"), which a name rule looking for a capital after the hyphen
would cut ("Kim Jong" + "un"). And the name alone after the first reference is the *family*
name, the first word ("Mr. Kim", "Moon said"), not the last one as in "Posacki" after "Marcin
Posacki". The family names are the common Korean and Chinese ones as romanised in English news.
"""

from __future__ import annotations

import re

FAMILY_FIRST = frozenset("""
Kim Lee Park Choi Jung Jeong Kang Cho Yoon Yun Jang Lim Han Ri Ban Roh Chun Hwang Ahn
Yoo Hong Jeon Moon Bae Baek Heo Nam Shim Noh Kwak Cha Joo Woo Koo Shin Ryu Chae Seo
Xi Li Wang Zhang Liu Chen Yang Huang Zhao Zhou Xu Zhu Guo Luo Zheng Liang Xie Tang Cao
Deng Feng Peng Zeng Xiao Tian Dong Pan Yuan Cai Jiang Cheng Wei Ding Ren Shen Yao Cui
Zhong Qin Xue Hou Duan Hao Mao Wen Qian Hu Gao Wu Lin
""".split())
"""Left out: family names that are also English words a model may tag alone ("He", "Sun",
"Song", "Oh", "Son", "Ma", "Bo", "Du", "Ko")."""
_GIVEN_SYLLABLE = re.compile(r"[a-z]{1,5}")


def family_first(word: str) -> bool:
    """Whether ``word`` is a family name written first ("Kim", "Xi")."""
    return word in FAMILY_FIRST


def given_syllable(word: str) -> bool:
    """The lower-case second syllable of a hyphenated Korean given name ("un", "in", "jong")."""
    return bool(_GIVEN_SYLLABLE.fullmatch(word))


def family_name(entity: str) -> str | None:
    """The family name of a full name written family name first ("Kim Jong-un" → "Kim"),
    else None (one word, or not a family name of the list)."""
    first, _, rest = entity.partition(" ")
    return first if rest and family_first(first) else None
