"""Facts of a story with their independent support, disagreements, and the brief.

A fact is a statement made by one or more of the story's articles: sentences of
different articles that say the same thing (sentence embeddings, cosine at least
``fact_threshold``) form one fact. Its ``independent_sources`` counts reuse
families, not articles: a copy repeating its original is not confirmation.
Disagreements are counts that differ between sentences of independent sources
about the same thing in the same setting ("two soldiers" taken prisoner / "about a
dozen Russian soldiers" held captive / "at least 10 Russian POWs"; the killed are never
weighed against the injured, nor one player's yards against another's), one
disagreement per count however many facts show it, and places that differ where
sentences are otherwise alike. One report can also set two parties' accounts against
each other in one sentence ("though they asked him to go to Novaya Tavolzhanka, he said
he would expect them at a checkpoint in Shebekino"; "police said three ..., but witnesses
said ten ..."): places or counts that differ between the accounts are a disagreement too,
each claim shown with its account.
The brief picks the best-supported facts, in the lead original's order, each with
the articles it comes from: one of every independent source first, then what
independent sources confirm, then each source's own in turn (a copy repeating a fact
ranks it no higher), sentences that read on their own before quotation fragments."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable, Mapping, Sequence

import numpy as np

from ..model import Article, BriefSentence, Claim, Disagreement, Fact

_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                 "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "dozen": 12, "a dozen": 12, "fifteen": 15,
                 "twenty": 20, "thirty": 30, "fifty": 50, "hundred": 100, "a hundred": 100}
_QUALIFIER = r"(?:(?:about|around|some|roughly|approximately|nearly|almost|at least|at most|more than|over|"\
             r"fewer than|less than|up to|as many as|only|just)\s+)?"
_QUANTITY = re.compile(
    rf"\b({_QUALIFIER}(?:\d{{1,3}}(?:, ?\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|a dozen|{'|'.join(sorted(_NUMBER_WORDS, key=len, reverse=True))}))"
    r"((?:\s+[A-Za-z][\w-]*){0,2}?\s+([a-z][a-z-]{2,}s|[A-Z]{2,}s|people|men|women|children))\b", re.I)
_NOT_COUNTED = {"years", "days", "hours", "minutes", "seconds", "weeks", "months", "times", "percent", "miles",
                "kilometres", "kilometers", "metres", "meters", "dollars", "euros", "pounds", "feet", "inches",
                "acres", "tons", "tonnes", "degrees", "others",
                # a game's statistics: one report gives many of them, each about another player or play
                "yards", "points", "rebounds", "assists", "seasons", "games", "matches", "catches", "touchdowns",
                "runs", "wickets", "laps", "innings", "carries", "goals", "shots", "saves", "steals", "blocks",
                "tackles", "sacks", "interceptions", "receptions", "passes", "attempts", "starts", "wins", "losses",
                # words ending in s that are not nouns ("Comeaux, 49, was ...")
                "was", "has", "is", "this", "its", "his", "hers", "ours", "yours", "theirs", "does", "as", "thus",
                "less", "unless", "across", "plus", "whereas", "perhaps", "always", "besides", "towards", "news"}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_MIN_WORDS, _MAX_WORDS = 6, 70
#: how alike (``_similarity``) two sentences of different sources must be for differing counts of one
#: kind of thing in them to be a disagreement: when the words near the counts only overlap, and when
#: they name the same setting (both captured, both killed)
_CONTEXT_SIMILARITY, _SETTING_SIMILARITY = 0.35, 0.25
#: how many times larger than the other a count may be and still be a claim about the same thing
_MAGNITUDE = 10
#: ... and for places that differ between them to be a disagreement: at 0.6 nearly every one found on ECB+ was a
#: place inside the other ("Malibu" / "California") or another name of it ("B.C" / "British Columbia")
_PLACE_SIMILARITY = 0.8


@dataclass(frozen=True, slots=True)
class Unit:
    """A sentence (or an embedded post) of one article."""

    article: str
    text: str
    position: int
    embedded: bool = False
    author: str | None = None


def units_of(article: Article, *, max_sentences: int = 25) -> list[Unit]:
    out = []
    for i, (s, e) in enumerate(article.sentences[:max_sentences]):
        text = article.text[s:e].strip()
        if _MIN_WORDS <= len(text.split()) <= _MAX_WORDS:
            out.append(Unit(article.id, text, i))
    for j, embed in enumerate(article.embeds):
        text = " ".join(embed.text.split()).rstrip("…")
        if _MIN_WORDS <= len(text.split()) <= _MAX_WORDS:
            who = embed.author or (f"@{embed.handle}" if embed.handle else None)
            out.append(Unit(article.id, text, 1000 + j, embedded=True, author=who))
    return out


#: what happened to the things counted, by the stems of the words news uses for it: "taken
#: prisoner", "captured", "held captive" and "POWs" are one setting (stems that also begin everyday
#: words, "took office", "held talks", "refused", are left out)
_SETTINGS = {
    "capture": "captur captiv prison pows hostage seized abduct kidnap",
    "death": "kill dead death died slain fatal bodies",
    "injury": "injur wound hurt hospital",
    "arrest": "arrest detain custody",
    "flight": "evacu flee fled displac refugee",
    "missing": "missing unaccounted",
}
_SETTING_RE = re.compile("|".join(f"(?P<{name}>{'|'.join(stems.split())})" for name, stems in _SETTINGS.items()))


def _settings_in(context: frozenset[str]) -> set[str]:
    return {w for w in context if w.startswith("@")}


def _context(text: str, start: int, end: int, noun: str) -> frozenset[str]:
    """Four-letter prefixes of the content words within six words of a quantity
    ("captive"/"captured", "evacuation"/"evacuated"), and the settings they name
    (``@capture`` for "taken prisoner" as for "captured"; the noun counted names one too:
    "POWs")."""
    before = text[:start].split()[-6:]
    after = text[end:].split()[:6]
    words = [re.sub(r"[^a-z]", "", w.lower()) for w in before + after]
    prefixes = {w[:4] for w in words if len(w) >= 4 and w not in _STOP and w[:4] != noun[:4]}
    settings = {f"@{m.lastgroup}" for w in words + [noun.lower()] if (m := _SETTING_RE.match(w))}
    return frozenset(prefixes | settings)


def quantities(text: str) -> list[tuple[float, str, str]]:
    """(value, noun, phrase) for each count of things in ``text``."""
    return [(v, n, p) for v, n, p, _ in _quantities(text)]


def _quantities(text: str) -> list[tuple[float, str, str, frozenset[str]]]:
    out = []
    for m in _QUANTITY.finditer(text):
        number = m.group(1).lower()
        noun = m.group(3).lower()
        if noun in _NOT_COUNTED:
            continue
        raw = re.sub(_QUALIFIER, "", number).strip()
        value = _NUMBER_WORDS.get(raw)
        if value is None:
            try:
                value = float(raw.replace(",", "").replace(" ", ""))
            except ValueError:
                continue
        scale = next((_SCALES[w] for w in m.group(2).lower().split()[:1] if w in _SCALES), 1)  # "2.5 million people"
        if scale == 1 and value != int(value):
            continue  # "7.5 magnitude quakes" counts no quakes
        out.append((float(value) * scale, noun, m.group(0).strip(), _context(text, m.start(), m.end(), noun)))
    return out


_STOP = frozenset("""the a an and or but of to in on at for with by from as is are was were be been has have had
it its this that these those they them their he she his her we our you your not no will would could should said
says say also than then there here who whom which what when where while after before about into over more most
some such only other being any all can may might just""".split())


def _stems(text: str) -> set[str]:
    out = set()
    for w in re.findall(r"[a-z][a-z'-]{2,}", text.lower()):
        if w not in _STOP:
            out.add(re.sub(r"(?:ing|ed|es|s)$", "", w) or w)
    return out


def _similarity(units: Sequence[Unit], vectors: np.ndarray | None, dice: np.ndarray | None = None) -> np.ndarray:
    """0.7 x embedding cosine + 0.3 x Dice overlap of content-word stems: embeddings alone
    pair sentences on the same theme that say different things ("Kyiv denies" and
    "Russia blamed Kyiv"); shared words alone miss rewording. Where a unit has no vector
    (``vectors`` is None: a story of one family, whose copies keep their original's words;
    or its row is NaN: ``needs_vectors`` left it out) the Dice overlap alone, scaled to
    the same range."""
    dice = word_overlap(units) if dice is None else dice
    lexical = np.minimum(1.0, dice * 1.2)
    if vectors is None:
        return lexical
    cos = vectors @ vectors.T
    return np.where(np.isnan(cos), lexical, 0.7 * cos + 0.3 * dice)


def word_overlap(units: Sequence[Unit]) -> np.ndarray:
    """Dice overlap of the content-word stems of every two units."""
    stems = [_stems(u.text) for u in units]
    n = len(units)
    dice = np.zeros((n, n), dtype=np.float32)
    for i in range(n):
        for j in range(i, n):
            total = len(stems[i]) + len(stems[j])
            dice[i, j] = dice[j, i] = 2 * len(stems[i] & stems[j]) / total if total else 0.0
    return dice


def needs_vectors(units: Sequence[Unit], family: Mapping[str, object], *, min_dice: float = 0.1,
                  dice: np.ndarray | None = None) -> np.ndarray:
    """Which units are worth a sentence embedding: those sharing at least ``min_dice`` of
    their content words with a unit of another voice. A sentence that shares (almost) no
    word with anything another source wrote would need a cosine above 0.8 to be grouped
    with it (paraphrase without one common name, number or noun, rare inside one story),
    so it is not embedded; in a story of unrelated voices that is most of them."""
    dice = word_overlap(units) if dice is None else dice
    voice = [_voice(u, family) for u in units]
    other = np.array([[a != b for b in voice] for a in voice], dtype=bool)
    return ((dice >= min_dice) & other).any(axis=1)


def _group(units: Sequence[Unit], sims: np.ndarray, threshold: float) -> list[list[int]]:
    """Units saying the same thing, at most one per article, in reading order of the first."""
    groups: list[list[int]] = []
    for i in range(len(units)):
        best, best_g = threshold, -1
        for g, members in enumerate(groups):
            if any(units[m].article == units[i].article for m in members):
                continue
            s = float(sims[i, members].mean())
            if s >= best:
                best, best_g = s, g
        if best_g >= 0:
            groups[best_g].append(i)
        else:
            groups.append([i])
    return groups


def make_facts(
    units: Sequence[Unit], vectors: np.ndarray | None, family: Mapping[str, object], *, threshold: float,
    places: Mapping[str, Sequence[str]] | None = None, max_facts: int = 20, dice: np.ndarray | None = None,
) -> list[Fact]:
    """Facts from ``units`` (already ordered: originals first, then by date and position);
    ``dice``: their ``word_overlap`` if already computed."""
    if not units:
        return []
    sims = _similarity(units, vectors, dice)
    groups = _group(units, sims, threshold)
    disagreements = _disagreements(units, sims, family, groups, places or {})
    facts = []
    for g, members in enumerate(groups):
        sources = tuple(dict.fromkeys(units[m].article for m in members))
        independent = len({family[a] for a in sources})
        lead = units[members[0]]
        has_point = bool(re.search(r"\d|[“\"]|\b(?:said|says|told|announced|denied|denies|killed|captured)\b",
                                   lead.text))
        fact = Fact(lead.text, sources, independent, tuple(disagreements.get(g, ())))
        facts.append(((-independent, not fact.disagreements, not has_point, lead.embedded, lead.position),
                      family[lead.article], fact))
    # confirmed or disputed facts first; then each source's own, taking turns, in reading order
    facts.sort(key=lambda x: x[0])
    shared = [f for rank, _, f in facts if rank[0] < -1 or not rank[1]]
    own: dict[object, list[Fact]] = {}
    for rank, fam, f in facts:
        if rank[0] >= -1 and rank[1]:
            own.setdefault(fam, []).append(f)
    _take_turns(own.values(), shared, max_facts)
    return shared[:max_facts]


def _take_turns(queues: Iterable[list[Fact]], out: list[Fact], limit: int) -> None:
    """Append to ``out``, up to ``limit``, the head of each queue in turn until all are empty."""
    queues = [q for q in queues if q]
    while queues and len(out) < limit:
        for q in queues:
            if q and len(out) < limit:
                out.append(q.pop(0))
        queues = [q for q in queues if q]


def _disagreements(units, sims, family, groups, places) -> dict[int, list[Disagreement]]:
    group_of = {m: g for g, members in enumerate(groups) for m in members}
    found: dict[int, dict[tuple[str, str], dict]] = {}
    about: dict[tuple[int, str], str] = {}  # the noun a count slot is shown with (the first one seen)
    qs = [_quantities(u.text) for u in units]
    for i in range(len(units)):
        for j in range(i + 1, len(units)):
            fi, fj = _voice(units[i], family), _voice(units[j], family)
            if fi == fj or sims[i, j] < _SETTING_SIMILARITY:
                continue
            g = min(group_of[i], group_of[j])
            for vi, ni, pi, ci in qs[i]:
                for vj, nj, pj, cj in qs[j]:
                    # the same kind of thing counted in the same setting ("evacuated"), differently; sentences
                    # that only share a word near the count must be alike, a named setting ("@capture") less so
                    shared = ci & cj
                    if not shared or (sims[i, j] < _CONTEXT_SIMILARITY
                                      and not any(w.startswith("@") for w in shared)):
                        continue
                    settings_i, settings_j = _settings_in(ci), _settings_in(cj)
                    if settings_i and settings_j and not settings_i & settings_j:
                        continue  # the killed and the injured, the captured and the killed: other counts
                    if _counts_differ(vi, ni, vj, nj) \
                            and not any(q[0] == vj for q in qs[i]) and not any(q[0] == vi for q in qs[j]):
                        _record_count(found, about, g, ni, (vi, _said(pi, units[i]), units[i].article),
                                      (vj, _said(pj, units[j]), units[j].article))
            if sims[i, j] >= _PLACE_SIMILARITY:
                pi_ = set(places.get(units[i].text, ())) - set(places.get(units[j].text, ()))
                pj_ = set(places.get(units[j].text, ())) - set(places.get(units[i].text, ()))
                if len(pi_) == 1 and len(pj_) == 1:
                    a, b = pi_.pop(), pj_.pop()
                    _record_place(found, g, (a, a, units[i].article), (b, b, units[j].article))
    for i, unit in enumerate(units):
        _between_parties(unit, group_of[i], places.get(unit.text, ()), found, about)
    _merge_counts(found, about)
    out: dict[int, list[Disagreement]] = {}
    for g, slots in found.items():
        for (kind, key), claims in slots.items():
            shown = about.get((g, key), key) if kind == "number" else key
            out.setdefault(g, []).append(Disagreement(shown, kind, tuple(
                Claim(text, tuple(sorted(srcs))) for _, (text, srcs) in sorted(claims.items(), key=_claim_order))))
    return out


#: a sentence setting two parties' accounts against each other: "though they asked him to go to X, he
#: said ... he would expect them at Y"; "police said three people died, but witnesses said ten"
_ACCOUNT = (r"\b(?P<who{n}>[A-Za-z]+)\s+(?:(?:had|has|have|would|later|also|then|had\s+earlier)\s+)?"
            r"(?:said|says|say|asked|asks|proposed|offered|insisted|insists|claimed|claims|demanded|suggested|"
            r"wanted|told|expected|expects|expect|reported|estimated|estimates|put|puts|counted|gave)\b")
_PARTIES = [re.compile(rf"^(?:(?:and|but|yet)\s+)?(?:though|although|while|whereas)\s+(?P<a>[^,;]*?"
                       rf"{_ACCOUNT.format(n='a')}[^,;]*),\s+(?P<b>.*?{_ACCOUNT.format(n='b')}.*)$", re.I),
            re.compile(rf"^(?P<a>[^;]*?{_ACCOUNT.format(n='a')}[^;]*?)(?:,|;)\s+(?:but|while|whereas|though|"
                       rf"although|however,)\s+(?P<b>.*?{_ACCOUNT.format(n='b')}.*)$", re.I)]
#: words before a verb of saying that are not who says it ("later said": the same party again)
_NOT_PARTIES = frozenset("it this that there who which and but or also later then now still earlier again "
                         "had has have would".split())


def _accounts(text: str) -> tuple[str, str] | None:
    """The two accounts of a sentence that sets one party's word against another's, or None."""
    for pattern in _PARTIES:
        m = pattern.match(text.strip())
        if m:
            who_a, who_b = m.group("whoa").lower(), m.group("whob").lower()
            if who_a != who_b and who_a not in _NOT_PARTIES and who_b not in _NOT_PARTIES \
                    and not who_a.endswith("ly") and not who_b.endswith("ly"):
                return m.group("a").strip(), m.group("b").strip(" .")
    return None


def _between_parties(unit: Unit, g: int, places: Sequence[str], found: dict, about: dict) -> None:
    """Disagreements inside one sentence between the parties it quotes: each account names a place
    the other does not, or counts the same kind of thing differently in the same setting."""
    parts = _accounts(unit.text)
    if parts is None:
        return
    a, b = parts

    def named(text: str) -> set[str]:
        return {p for p in places if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", text)}

    in_a, in_b = named(a) - named(b), named(b) - named(a)
    if len(in_a) == 1 and len(in_b) == 1:
        pa, pb = next(iter(in_a)), next(iter(in_b))
        _record_place(found, g, (pa, f"{pa} ({a})", unit.article), (pb, f"{pb} ({b})", unit.article))
    for va, na, pa_, ca in _quantities(a):
        for vb, nb, pb_, cb in _quantities(b):
            sa, sb = _settings_in(ca), _settings_in(cb)
            if (sa & sb or (not sa and not sb and ca & cb)) and _counts_differ(va, na, vb, nb):
                _record_count(found, about, g, na, (va, pa_, unit.article), (vb, pb_, unit.article))


def _counts_differ(vi: float, ni: str, vj: float, nj: str) -> bool:
    """Two counts of one kind of thing that disagree; of one order of magnitude: "7" against "26,000"
    people killed is this quake's toll against an older one's, not a dispute."""
    return vi != vj and _same_thing(ni, nj) and max(vi, vj) <= _MAGNITUDE * max(min(vi, vj), 1)


def _record_count(found: dict, about: dict, g: int, noun: str, *claims: tuple[float, str, str]) -> None:
    """Fact ``g``'s disagreement about a count of ``noun``s gets the claims (value, phrase, article)."""
    slot = found.setdefault(g, {}).setdefault(("number", _kind_of_thing(noun)), {})
    about.setdefault((g, _kind_of_thing(noun)), noun)
    for value, phrase, article in claims:
        _claim(slot, value, phrase, {article})


def _record_place(found: dict, g: int, *claims: tuple[str, str, str]) -> None:
    """Fact ``g``'s disagreement about where gets the two claims (place, as shown, article), unless the
    places are one (two names of one country) or a country against a place that is not one (a place
    inside it, or the country's capital standing for its government: "Kyiv denies" / "Ukraine denies")."""
    (a, _, _), (b, _, _) = claims
    if is_country(a) != is_country(b) or _same_place(a, b):
        return
    slot = found.setdefault(g, {}).setdefault(("place", "place"), {})
    for place, shown, article in claims:
        slot.setdefault(place, [shown, set()])[1].add(article)


def _claim(slot: dict, value: float, phrase: str, articles: set[str]) -> None:
    """Add ``articles`` saying ``phrase`` to the claim of ``value``; a phrase counting other
    nouns ("two men" where the claim says "two soldiers") is shown with it."""
    claim = slot.setdefault(value, [phrase, set()])
    shown = claim[0].split(" / ")
    if not any(p.split()[-1].lower() == phrase.split()[-1].lower() for p in shown):
        claim[0] = " / ".join(shown + [phrase])
    claim[1].update(articles)


def _claim_order(item: tuple[object, list]) -> tuple[bool, float, str]:
    """Counts from the smallest up; places by name."""
    key = item[0]
    return (True, 0.0, key) if isinstance(key, str) else (False, float(key), "")  # type: ignore[arg-type]


def _merge_counts(found: dict[int, dict[tuple[str, str], dict]], about: dict[tuple[int, str], str]) -> None:
    """One disagreement per count, not one per pair of sentences: a later fact's slot counting the
    same kind of thing with no value the first's lacks, and a claim in common (the same value from
    the same article), is the first's disagreement seen again ("two soldiers" taken earlier, "about
    a dozen" in the video, "at least 10" in a post), and merged into it. Slots that add values are
    other counts (one game's yards, another's) and stay apart."""
    slots = sorted((g, key) for g, by in found.items() for kind, key in by if kind == "number")
    for n, (g, key) in enumerate(slots):
        claims = found.get(g, {}).get(("number", key))
        if claims is None:
            continue
        mine = {(v, a) for v, (_, arts) in claims.items() for a in arts}
        for g2, key2 in slots[n + 1:]:
            other = found.get(g2, {}).get(("number", key2))
            if key2 != key or other is None or g2 == g:
                continue
            if set(other) <= set(claims) and mine & {(v, a) for v, (_, arts) in other.items() for a in arts}:
                for v, (text, arts) in other.items():
                    _claim(claims, v, text, arts)
                mine |= {(v, a) for v, (_, arts) in other.items() for a in arts}
                del found[g2][("number", key2)]
                if not found[g2]:
                    del found[g2]


#: other names news gives countries than their common English ones (Babel's)
_COUNTRY_ALIASES = {
    "us": "United States", "usa": "United States", "america": "United States", "uk": "United Kingdom",
    "britain": "United Kingdom", "great britain": "United Kingdom", "england": "England", "scotland": "Scotland",
    "wales": "Wales", "northern ireland": "Northern Ireland", "holland": "Netherlands", "burma": "Myanmar (Burma)",
    "ivory coast": "Côte d’Ivoire", "czech republic": "Czechia"}


@lru_cache(maxsize=1)
def _countries() -> dict[str, str]:
    """The world's countries and territories (Babel's CLDR data) and their other names in news, by
    ``_country_key``: the name each stands for."""
    from babel import Locale

    names = {_country_key(name): name for code, name in Locale("en").territories.items() if code.isalpha()}
    names.update({_country_key(alias): name for alias, name in _COUNTRY_ALIASES.items()})
    return names


def _country_key(name: str) -> str:
    """Letters only, lower-cased, without a leading "the": "U. S" and "U.S." are "us"."""
    return re.sub(r"[^a-z]", "", name.lower().strip().removeprefix("the "))


def is_country(place: str) -> bool:
    return _country_key(place) in _countries()


def _same_place(a: str, b: str) -> bool:
    """Two names of one country ("U. K", "United Kingdom")."""
    ca, cb = _countries().get(_country_key(a)), _countries().get(_country_key(b))
    return ca is not None and ca == cb


def _said(phrase: str, unit: Unit) -> str:
    """The claim as shown: a pasted post's claim says whose post it is."""
    return f"{phrase} (in a post by {unit.author})" if unit.embedded and unit.author else phrase


def _voice(unit: Unit, family: Mapping[str, int]) -> object:
    """Who says it: the article's reuse family, or the post for an embedded post."""
    return ("post", unit.article, unit.position) if unit.embedded else family[unit.article]


_SAME_THING = [{"soldiers", "men", "pows", "prisoners", "captives", "troops", "fighters"},
               {"people", "civilians", "residents", "persons", "victims"}]


def _kind_of_thing(noun: str) -> str:
    """The name shared by nouns counting the same things (soldiers, men, POWs)."""
    noun = noun.lower()
    return next((min(group) for group in _SAME_THING if noun in group), noun)


def _same_thing(a: str, b: str) -> bool:
    a, b = a.lower(), b.lower()
    return a == b or any(a in s and b in s for s in _SAME_THING)


def stands_alone(text: str) -> bool:
    """Whether a sentence reads on its own in a brief: not the middle or end of a quotation that the
    sentence splitter cut ("They will be transferred ...,” said the man.": the quote opened a
    sentence earlier), not the start of one that goes on, not a fragment starting in lower case."""
    text = text.strip()
    if not text or text[0].islower():
        return False
    opened = 0
    for c in text:
        if c == "“":
            opened += 1
        elif c == "”":
            if not opened:
                return False
            opened -= 1
    return not opened and text.count('"') % 2 == 0


def make_brief(facts: Sequence[Fact], order: Mapping[str, int], family: Mapping[str, object], *,
               sentences: int) -> list[BriefSentence]:
    """The best-supported facts (at most ``sentences``), each citing its sources: the best fact of
    every independent source first so that no original goes unheard, then the facts independent
    sources confirm, then each source's own in turn; in reading order (``order``)."""
    # a copy repeating a fact is no confirmation, so it does not rank it either
    ranked = sorted(facts, key=lambda f: (not stands_alone(f.text), -f.independent_sources,
                                          order.get(f.text, 1 << 30)))
    chosen: list[Fact] = []
    heard: set[object] = set()
    for f in ranked:  # one per family first
        voices = {family.get(a) for a in f.sources}
        if not voices <= heard and len(chosen) < sentences:
            chosen.append(f)
            heard |= voices
    for f in ranked:  # then what independent sources confirm
        if len(chosen) < sentences and f.independent_sources > 1 and f not in chosen:
            chosen.append(f)
    own: dict[object, list[Fact]] = {}  # then each source's own, taking turns
    for f in ranked:
        if f not in chosen:
            own.setdefault(family.get(f.sources[0]) if f.sources else None, []).append(f)
    _take_turns(own.values(), chosen, sentences)
    chosen.sort(key=lambda f: order.get(f.text, 1 << 30))
    return [BriefSentence(f.text, f.sources) for f in chosen]
