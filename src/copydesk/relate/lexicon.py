"""Word lists and spelling rules for classifying edits (English news)."""

from __future__ import annotations

import re
from functools import lru_cache

HEDGES = frozenset(
    """direct directly probably possibly reportedly allegedly apparently likely unlikely may might could perhaps
    about around approximately nearly almost roughly suspected alleged purported purportedly
    seemingly unconfirmed unverified least estimated presumably some""".split()
)
APPROXIMATORS = frozenset("about around approximately nearly almost roughly least estimated some".split())
#: approximators of several words, each hedging the number after it ("as many as 20,000", "up to 768")
APPROXIMATOR_PHRASES = (("as", "many", "as"), ("as", "much", "as"), ("as", "few", "as"), ("up", "to"))
NEGATIONS = frozenset(
    "not no never n't nor none nobody nothing neither without deny denies denied denying denial refused refuses "
    "refusal reject rejects rejected cannot "
    # contractions as scrapes and tokenisers leave them, without their apostrophe
    "dont doesnt didnt isnt arent wasnt werent hasnt havent hadnt cant couldnt wouldnt shouldnt".split()
)
NUMBER_WORDS = frozenset(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen
    eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred hundreds thousand thousands
    million millions billion billions dozen dozens half first second third fourth fifth""".split()
)
SPEECH_VERBS = frozenset(
    """said says say told tells according claimed claims stated states added adds announced announces reported
    reports insisted insists alleged alleges confirmed confirms denied denies warned warns wrote writes
    tweeted posted quoted""".split()
)

#: verbs of saying that report without judging: one swapped for another changes no attribution
#: ("said" / "stated"); "claimed", "alleged", "insisted", "denied" cast doubt or take a side, and do
NEUTRAL_SPEECH = frozenset(
    """said says say told tells stated states added adds announced announces reported reports wrote writes
    revealed reveals indicated indicates explained explains informed informs noted notes remarked remarks
    declared declares""".split()
)

_IRREGULAR = {
    "programme": "program", "programmes": "programs", "grey": "gray", "tyre": "tire", "tyres": "tires",
    "cheque": "check", "kerb": "curb", "aluminium": "aluminum", "plough": "plow", "draught": "draft",
    "sceptical": "skeptical", "mould": "mold", "moustache": "mustache", "pyjamas": "pajamas", "storey": "story",
    "jewellery": "jewelry", "manoeuvre": "maneuver", "manoeuvres": "maneuvers", "whilst": "while",
    "amongst": "among", "towards": "toward", "learnt": "learned", "spelt": "spelled", "enrol": "enroll",
    "fulfil": "fulfill", "judgement": "judgment", "ageing": "aging", "analogue": "analog",
}
_RULES = (
    (re.compile(r"([a-z]{2,})our(s|ed|ing|ite|ites|able|ful)?$"), r"\1or\2"),
    (re.compile(r"([a-z]{3,})is(e|es|ed|ing|ation|ations|er|ers)$"), r"\1iz\2"),
    (re.compile(r"([a-z]{2,})ys(e|es|ed|ing)$"), r"\1yz\2"),
    (re.compile(r"^(def|off|lic|pret)ence(s)?$"), r"\1ense\2"),
    (re.compile(r"([a-z]{2,})tre(s)?$"), r"\1ter\2"),
    (re.compile(r"([a-z]{3,}[aeiou][lp])l(ed|ing|er|ers)$"), r"\1\2"),
    (re.compile(r"([a-z]{3,})ogue(s)?$"), r"\1og\2"),
    (re.compile(r"^(p|h|an|ort|encyclop)ae"), r"\1e"),
)


@lru_cache(maxsize=65536)
def american(word: str) -> str:
    """The American spelling of a British-spelled word, or the word itself."""
    w = word.lower()
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    for pattern, repl in _RULES:
        new = pattern.sub(repl, w)
        if new != w:
            return new
    return w


def spelling_variants(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are the same word in British and American spelling."""
    a, b = a.lower(), b.lower()
    return a != b and (american(a) == b or american(b) == a or american(a) == american(b) != a)


def is_number(tok: str) -> bool:
    return any(c.isdigit() for c in tok) or tok.lower() in NUMBER_WORDS


_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_WORD_VALUES = dict(zip(
    """one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen
    eighteen nineteen twenty""".split(), range(1, 21)))
_WORD_VALUES.update({w: 10 * k for k, w in enumerate("thirty forty fifty sixty seventy eighty ninety".split(), 3)})
_WORD_VALUES["dozen"] = 12


def number_value(tok: str) -> str:
    """What a number token of ``is_number`` stands for, so that two ways of writing one number
    compare equal: "three" and "3", "20,000" and "20000", "4.50" and "4.5"; any other token
    (scale words such as "million", ordinals) as it is, lower-cased."""
    low = tok.lower()
    if low in _WORD_VALUES:
        return str(_WORD_VALUES[low])
    digits = _THOUSANDS.sub("", low.rstrip("%"))
    try:
        value = float(digits)
    except ValueError:
        return low
    text = str(int(value)) if value.is_integer() else repr(value)
    return text + "%" if low.endswith("%") else text
