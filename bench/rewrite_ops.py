"""Text operations and word lists for the reuse evaluation corpus (see reuse_corpus.py):
spelling flips, synonym swaps, clause moves, hedge drops, number changes, outlet boilerplate."""

from __future__ import annotations

import random
import re

_WORD = re.compile(r"\w+")

# ----------------------------------------------------------------------------- word lists

def _pairs(spec: str) -> list[tuple[str, str]]:
    """``"a:b c:d"`` -> ``[("a", "b"), ("c", "d")]``; ``_`` stands for a space."""
    return [tuple(x.replace("_", " ") for x in item.split(":")) for item in spec.split()]  # type: ignore[misc]


US_UK = _pairs(
    "color:colour favor:favour honor:honour labor:labour neighbor:neighbour center:centre theater:theatre "
    "defense:defence offense:offence organize:organise organized:organised organization:organisation "
    "organizations:organisations recognize:recognise recognized:recognised realize:realise realized:realised "
    "apologize:apologise apologized:apologised criticize:criticise criticized:criticised analyze:analyse "
    "traveled:travelled traveling:travelling program:programme jewelry:jewellery gray:grey catalog:catalogue "
    "behavior:behaviour rumor:rumour rumors:rumours meter:metre meters:metres kilometers:kilometres "
    "percent:per_cent mom:mum fulfill:fulfil canceled:cancelled modeling:modelling harbor:harbour humor:humour "
    "vapor:vapour authorized:authorised hospitalized:hospitalised emphasized:emphasised license:licence "
)

SYNONYMS = _pairs(
    "big:large small:little started:began start:begin help:assist buy:purchase bought:purchased show:reveal "
    "officials:authorities announced:revealed approximately:roughly after:following car:vehicle died:passed_away "
    "injured:hurt arrested:detained attack:assault fire:blaze killed:slain many:numerous several:a_number_of "
    "quickly:rapidly children:kids company:firm country:nation investigation:probe earthquake:quake "
    "hospital:medical_center suspect:accused largest:biggest building:structure residents:locals area:region "
    "confirmed:verified expected:anticipated received:got during:throughout later:subsequently "
    "currently:presently nearly:almost team:squad game:match leader:chief government:administration "
    "deal:agreement plan:proposal found:discovered important:significant serious:severe huge:massive "
    "tried:attempted needed:required enough:sufficient said:stated told:informed people:individuals "
    "also:additionally because:since home:residence near:close_to statement:release spokesman:representative "
    "spokeswoman:representative won:clinched fans:supporters reported:indicated shows:reveals wanted:sought "
)

HEDGES = ["probably", "reportedly", "allegedly", "directly", "direct", "apparently", "possibly"]

INTROS = [
    "Here is what we know so far.", "The story is still developing.", "New details emerged on Friday.",
    "Questions remain after the news.", "Readers have been following closely.", "This is a developing story.",
    "Details are still coming in.", "What happened next surprised many.",
]

OUTLETS = [
    ("The Daily Ledger", "dailyledger.com"), ("Harbor City Times", "harborcitytimes.com"),
    ("Northern Courier", "northerncourier.co.uk"), ("Metro Post", "metropost.net"),
    ("The Evening Standard Gazette", "esgazette.com"), ("Valley News Online", "valleynewsonline.com"),
    ("Capital Wire", "capitalwire.org"), ("The Morning Herald", "morningherald.com.au"),
    ("Pacific Report", "pacificreport.com"), ("Lakeside Tribune", "lakesidetribune.com"),
    ("The Observer Review", "observerreview.co.uk"), ("Global Dispatch", "globaldispatch.net"),
    ("Riverside Press", "riversidepress.com"), ("The National Bulletin", "nationalbulletin.com"),
    ("Coastal Chronicle", "coastalchronicle.com"), ("Frontier Journal", "frontierjournal.ca"),
    ("City Beat Daily", "citybeatdaily.com"), ("The Weekly Sentinel", "weeklysentinel.com"),
    ("Summit Newswire", "summitnewswire.com"), ("Eastside Examiner", "eastsideexaminer.com"),
    ("The Public Record", "publicrecord.news"), ("Midland Star", "midlandstar.co.uk"),
    ("Independent Voice", "independentvoice.org"), ("Bay Area Current", "bayareacurrent.com"),
]

FIRST = ["Anna", "James", "Maria", "David", "Sarah", "Michael", "Laura", "Daniel", "Emma", "Robert", "Olivia",
         "Thomas", "Sophie", "Mark", "Julia", "Peter", "Hannah", "Chris", "Rachel", "Kevin", "Nina", "Paul"]
LAST = ["Smith", "Johnson", "Garcia", "Brown", "Miller", "Davis", "Wilson", "Moore", "Taylor", "Clarke", "Walker",
        "Hughes", "Bennett", "Foster", "Reed", "Patel", "Nguyen", "Kowalski", "Larsen", "Okafor", "Romero"]
ROLES = ["a spokesman for the agency", "a local official", "a witness", "the group's director", "a neighbour",
         "a police spokeswoman", "an analyst", "the mayor", "a family friend", "a senior adviser"]

BOILER_LONG = [
    "About {o}: {founded} {year}, {o} is {a_an} {adj} news {org} serving readers {across} {region} with "
    "{award} reporting, {analysis} and {comment}. Our {newsroom} is committed to {accuracy}, and we {correct} "
    "openly and {promptly} whenever we make them.",
    "Editor's note: The {views} expressed by {contrib} quoted in this {piece} are their own and do not "
    "{necessarily} reflect the {position} of {o}. Our {journalism} is {supported} by readers like you; "
    "{consider} so that we can keep our {reporting} free and {open} to {everyone}.",
    "{o} is committed to {providing} for {respectful} discussion. Comments that are {abusive} or that "
    "{include} personal attacks will be {removed} by our {moderators}, and {repeat} may be {banned} from "
    "commenting on {any} of our {stories} without {further}.",
    "Corrections policy: {o} {strives} to publish {accurate} information at all times. If you believe that "
    "{a_story} published on this {site} contains an error, please {contact} with the details and a link to "
    "the {piece}, and {an_editor} will review your report within {days}.",
]
BOILER_SLOTS = {k: v.split("|") for k, v in {
    "founded": "Founded in|Established in|Launched in|First published in",
    "a_an": "an",
    "adj": "independent|award-winning|reader-funded|family-owned|employee-owned",
    "org": "organisation|organization|publisher|outlet|service",
    "across": "across|throughout|all over|in every corner of",
    "region": "the region|the state|the valley|the country|the coast|the metro area",
    "award": "award-winning|in-depth|trusted|local|independent",
    "analysis": "analysis|investigations|features|opinion|data journalism",
    "comment": "commentary|photography|video|podcasts|live coverage",
    "newsroom": "newsroom|editorial team|staff|team of reporters",
    "accuracy": "accuracy, fairness and transparency|fair and accurate reporting|the highest standards"
                "|getting the facts right",
    "correct": "correct our mistakes|fix our errors|publish corrections|own our mistakes",
    "promptly": "promptly|quickly|transparently|without delay",
    "views": "views|opinions|positions|statements",
    "contrib": "contributors and sources|guest writers and people|columnists and the people"
               "|outside contributors and anyone",
    "piece": "article|story|report|piece",
    "necessarily": "necessarily|always|in any way",
    "position": "editorial position|editorial line|views of the editors|official stance",
    "journalism": "journalism|reporting|newsroom|work",
    "supported": "supported|funded|made possible|sustained",
    "consider": "consider making a contribution|please consider subscribing|think about donating today|become a member",
    "reporting": "reporting|journalism|coverage|stories",
    "open": "open|accessible|available|independent",
    "everyone": "everyone|all readers|the whole community|all who need it",
    "providing": "providing a platform|offering a space|hosting a forum|creating a place",
    "respectful": "respectful|civil|constructive|thoughtful",
    "abusive": "abusive, off-topic|offensive, irrelevant|hateful, spam-like|rude, misleading",
    "include": "include|contain|consist of|amount to",
    "removed": "removed|deleted|taken down|hidden",
    "moderators": "moderators|community team|editors|moderation staff",
    "repeat": "repeat offenders|persistent violators|repeat abusers|users who break the rules",
    "banned": "banned|blocked|suspended|barred",
    "any": "any|all|every one",
    "stories": "stories|articles|pages|reports",
    "further": "further notice|warning|explanation|prior notice",
    "strives": "strives|aims|works hard|endeavours",
    "accurate": "accurate|correct|reliable|verified",
    "a_story": "a story|an article|a report|something",
    "site": "site|website|page|platform",
    "contact": "contact our standards desk|email the corrections team|write to the editors"
               "|get in touch with our readers' editor",
    "an_editor": "an editor|a member of staff|a senior editor|our team",
    "days": "two business days|48 hours|three working days|a week",
}.items()}


def _boiler_short(rng: random.Random, outlet: str, year: int, other_title: str) -> list[str]:
    """The short outlet boilerplate a cleaner should strip."""
    pool = [
        f"Read more: {other_title}",
        "This website uses cookies to improve your experience. We'll assume you're ok with this, "
        "but you can opt-out if you wish.",
        f"Subscribe to our newsletter to get the latest news from {outlet} in your inbox.",
        f"© {year} {outlet}. All rights reserved.",
        "Share this article: Facebook | Twitter | Email",
    ]
    k = rng.randint(2, 4)
    return rng.sample(pool, k)


# ----------------------------------------------------------------------------- text operations

def _match_case(src: str, word: str) -> str:
    if src.isupper() and len(src) > 1:
        return word.upper()
    if src[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _swap_words(text: str, pairs: list[tuple[str, str]], rng: random.Random, prob: float,
                limit: int | None = None) -> tuple[str, int]:
    """Replace words of ``pairs`` (either direction) with probability ``prob``; at most ``limit``."""
    table: dict[str, str] = {}
    for a, b in pairs:
        table.setdefault(a, b)
        table.setdefault(b, a)
    done = 0

    def sub(m: re.Match[str]) -> str:
        nonlocal done
        w = m.group(0)
        repl = table.get(w.lower())
        if repl is None or (limit is not None and done >= limit) or rng.random() >= prob:
            return w
        done += 1
        return _match_case(w, repl)

    keys = sorted(table, key=len, reverse=True)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(k) for k in keys) + r")\b", re.I)
    return pattern.sub(sub, text), done


_SYN_PAIRS = [p for p in SYNONYMS if " " not in p[0]]


def spelling_flip(text: str, rng: random.Random) -> str:
    return _swap_words(text, US_UK, rng, 0.9)[0]


def synonyms(text: str, rng: random.Random, prob: float, limit: int | None = None) -> tuple[str, int]:
    return _swap_words(text, _SYN_PAIRS, rng, prob, limit)


_SAID_FRONT = re.compile(
    r"^(?P<subj>[A-Z][^,\"“”]{1,60}?) (?P<verb>said|says|told [A-Z][\w.]*(?: [A-Z][\w.]*)?|told reporters)"
    r"(?: on \w+day)?,? (?:that )?(?P<rest>[^\"“”].{15,})\.$")
_SAID_BACK = re.compile(r"^(?P<rest>.{15,}?),(?P<q>[\"”]?) (?P<subj>[A-Z]?[^,]{1,50}?) "
                        r"(?P<verb>said|says|told [\w .]{1,30}?)\.$")


_COMMON_SUBJECTS = {"The", "A", "An", "Police", "Officials", "Authorities", "Witnesses", "Investigators", "Residents",
                    "Experts", "Prosecutors", "Doctors", "Analysts", "Sources", "Reports", "Neighbours", "Neighbors"}


def reorder_clause(sentence: str) -> str | None:
    """``X said Y.`` -> ``Y, X said.`` and ``Y, X said.`` -> ``X said Y.``; None when neither fits."""
    s = sentence.strip()
    m = _SAID_FRONT.match(s)
    if m:
        subj = m.group("subj")
        if subj.split()[0] in _COMMON_SUBJECTS:
            subj = subj[0].lower() + subj[1:]
        rest = m.group("rest")
        return f"{rest[0].upper()}{rest[1:]}, {subj} {m.group('verb')}."
    m = _SAID_BACK.match(s)
    if m and len(m.group("subj").split()) <= 6:
        rest, subj = m.group("rest"), m.group("subj")
        subj = subj[0].upper() + subj[1:]
        if rest[:1] in "\"“":  # quoted: Sam said: "..."
            close = "”" if rest[0] == "“" else "\""
            return f"{subj} {m.group('verb')}: {rest}.{close}"
        return f"{subj} {m.group('verb')} {rest[0].lower() + rest[1:] if not rest[:2].isupper() else rest}."
    return None


_FRONTED = re.compile(r"^(?P<prep>On|In|At|During|After|Before|Earlier|Later|Since|By|Over) (?P<phrase>[^,]{3,40}), "
                      r"(?P<rest>[^,]{10,}?)\.$")
_ACCORDING_FRONT = re.compile(r"^According to (?P<who>[^,]{3,60}), (?P<rest>.{10,})\.$")
_ACCORDING_BACK = re.compile(r"^(?P<rest>[^\"“”]{10,}), according to (?P<who>[^,]{3,60})\.$")


def move_phrase(sentence: str) -> str | None:
    """Moves a fronted time/place phrase or an "according to" clause to the other end."""
    s = sentence.strip()
    m = _FRONTED.match(s)
    if m and not m.group("rest").startswith(("I ", "I'")):
        rest = m.group("rest")
        rest = rest[0].upper() + rest[1:]
        return f"{rest} {m.group('prep').lower()} {m.group('phrase')}."
    m = _ACCORDING_FRONT.match(s)
    if m:
        rest = m.group("rest")
        return f"{rest[0].upper()}{rest[1:]}, according to {m.group('who')}."
    m = _ACCORDING_BACK.match(s)
    if m:
        rest = m.group("rest")
        first = rest.split()[0]
        proper = first == "I" or (len(first) > 1 and first[1:].lower() != first[1:])  # "I", "NASA", "McCain"
        rest = rest if proper else rest[0].lower() + rest[1:]
        return f"According to {m.group('who')}, {rest}."
    return None


CONTRACTIONS = [("does not", "doesn't"), ("do not", "don't"), ("did not", "didn't"), ("is not", "isn't"),
                ("are not", "aren't"), ("was not", "wasn't"), ("were not", "weren't"), ("has not", "hasn't"),
                ("have not", "haven't"), ("will not", "won't"), ("cannot", "can't"), ("it is", "it's"),
                ("would not", "wouldn't"), ("could not", "couldn't"), ("they are", "they're"), ("we are", "we're")]
MARKERS = ["Meanwhile, ", "In addition, ", "Notably, ", "At the same time, ", "Separately, ", "As a result, "]


def fallback_reword(sentence: str, rng: random.Random) -> str:
    """A small rewording for a sentence the other operations left alone: a contraction
    flipped, a sentence split at ", and"/", but", or a discourse marker in front."""
    for long, short in rng.sample(CONTRACTIONS, len(CONTRACTIONS)):
        for a, b in ((long, short), (short, long)):
            m = re.search(rf"\b{re.escape(a)}\b", sentence, re.I)
            if m:
                return sentence[:m.start()] + _match_case(m.group(0), b) + sentence[m.end():]
    m = re.search(r", (and|but) (?=[a-z])", sentence)
    if m and 25 < m.start() < len(sentence) - 25:
        rest = sentence[m.end():]
        conj = "And" if m.group(1) == "and" else "But"
        return sentence[:m.start()] + f". {conj} " + rest
    first = sentence.split()[0] if sentence.split() else ""
    if first in _COMMON_SUBJECTS or first in ("It", "They", "He", "She", "This", "There", "If", "When", "But", "And"):
        sentence = sentence[0].lower() + sentence[1:]
    return rng.choice(MARKERS) + sentence


def drop_hedges(text: str) -> str:
    out = re.sub(r"\s*\b(?:" + "|".join(HEDGES) + r")\b", "", text, flags=re.I)
    return re.sub(r"^\s+", "", out)


def change_numbers(text: str, rng: random.Random) -> tuple[str, int]:
    done = 0

    def sub(m: re.Match[str]) -> str:
        nonlocal done
        n = int(m.group(0))
        if 1900 <= n <= 2100 or rng.random() < 0.4:
            return m.group(0)
        done += 1
        return str(max(0, n + rng.choice([-1, 1]) * rng.randint(1, max(1, n // 4))))

    return re.sub(r"(?<![\d.,:])\d{1,5}(?![\d.,:])", sub, text), done


def punctuation_edits(text: str, rng: random.Random) -> str:
    if rng.random() < 0.5:
        text = text.replace("“", "\"").replace("”", "\"").replace("’", "'")
    if rng.random() < 0.4:
        text = text.replace(" - ", " — ") if " - " in text else text.replace(" — ", " - ")
    if rng.random() < 0.4:
        text = re.sub(r", (and|but) ", r" \1 ", text, count=2)
    if rng.random() < 0.5:  # whitespace: double spaces after some sentences
        text = re.sub(r"\. (?=[A-Z])", lambda m: ".  " if rng.random() < 0.3 else ". ", text)
    return text


def norm_ws(text: str) -> str:
    return " ".join(text.split())
