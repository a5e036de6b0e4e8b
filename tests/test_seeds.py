"""The three seed articles come out of ingestion as the issue describes."""

from __future__ import annotations

from pathlib import Path

import pytest

from copydesk.textutil import split_paragraphs


def _seed(report, prefix: str):
    matches = [a for a in report.articles if a.id.startswith(prefix)]
    assert len(matches) == 1, [a.id for a in report.articles]
    return matches[0]

def test_original_headline_is_title(seeds_report):
    a = _seed(seeds_report, "000_")
    assert a.title == "Pro-Ukraine group of partisans captures Russian soldiers"
    assert not a.text.startswith("Pro-Ukraine group of partisans captures")
    assert a.text.rstrip().endswith("hundreds of children were evacuated away from the border.")

def test_rewrite_date_line_and_tweets(seeds_report):
    a = _seed(seeds_report, "001_")
    assert a.published == "2023-06-05"
    assert "date 2023-06-05" not in a.text
    assert a.text.startswith("A pro-Ukraine group of Russian partisans, the Russian Volunteer Corps")
    handles = [e.handle for e in a.embeds]
    assert handles == ["sentdefender", "visegrad24"]
    sent, vise = a.embeds
    assert sent.author == "OSINTdefender" and sent.published == "2023-06-04"
    assert sent.url == "https://pic.twitter.com/KXjZLcPyKa"
    assert "at least 10 Russian POWs" in sent.text
    assert vise.author == "Visegrád 24" and vise.url == "https://t.co/exu7vHwIuW"
    assert vise.text.startswith("Soldiers of the Russian Volunteer Corps") and "future POW exchanges" in vise.text
    for fragment in ("pic.twitter.com", "t.co/", "@sentdefender", "@visegrad24", "INSIDE RUSSIA",
                     "future POW exchanges", "Shebekino Border-Cross"):
        assert fragment not in a.text
    # the body paragraphs around the tweets stay
    assert "“We have already decided the fate of these guys." in a.text
    assert "The man also said he had just returned from the Russian town of Novaya Tavolzhanka" in a.text
    assert a.text.rstrip().endswith("forces opposed to Russian President Vladimir Putin.")

def test_independent_report_title_byline_captions_and_tail(seeds_report):
    a = _seed(seeds_report, "004_")
    assert a.title == "Ukraine war: Anti-Putin fighters say Russian soldiers ‘captured’"
    assert a.byline == "James FitzGerald"
    assert a.source == "BBC News"
    removed = {(r.kind, r.text) for r in a.removed}
    assert ("credit", "Image source, Vyacheslav Gladkov/Telegram") in removed
    captions = [r.text for r in a.removed if r.kind == "caption"]
    assert any(c.startswith("Belgorod regional chief Vyacheslav Gladkov posted a video") for c in captions)
    assert "The Russian Volunteer Corps came to prominence in Bryansk region in March" in captions
    boiler = [r.text for r in a.removed if r.kind == "boilerplate"]
    for start in ("Read More:", "This website uses cookies", "Get more stuff like this", "Subscribe to our mailing list",
                  "Thank you for subscribing.", "Something went wrong."):
        assert any(b.startswith(start) for b in boiler), start
        assert start not in a.text
    for fragment in ("Image source", "Image caption", "By James FitzGerald", "BBC News\n"):
        assert fragment not in a.text
    assert a.text.startswith("Fighters opposed to the government in Moscow say they have captured")
    assert a.text.rstrip().endswith("the inevitable consequence of Russia’s invasion last year.")

@pytest.mark.parametrize("prefix", ["000_", "001_", "004_"])
def test_nothing_of_the_body_is_lost(seeds_report, shared: Path, prefix: str):
    """Every paragraph of the raw file is either in the clean text or listed as removed."""
    a = _seed(seeds_report, prefix)
    raw = next((shared / "seeds").glob(prefix + "*.txt")).read_text(encoding="utf-8")
    removed_text = " ".join(r.text for r in a.removed)
    for para in split_paragraphs(raw):
        if para in a.text:
            continue
        # a paragraph may be split by extraction (a date line glued to the first paragraph)
        pieces = [p for p in para.replace("date 2023-06-05", "").split("\n") if p.strip()]
        for piece in pieces:
            assert piece.strip() in a.text or piece.strip() in removed_text, piece

def test_offsets_cover_the_text(seeds_report):
    for a in seeds_report.articles:
        assert a.paragraphs[0][0] == 0 and a.paragraphs[-1][1] == len(a.text)
        for s, e in a.sentences:
            assert a.text[s:e].strip() == a.text[s:e] and e > s
        joined = "\n\n".join(a.text[s:e] for s, e in a.paragraphs)
        assert joined == a.text

def test_rewrite_relation_between_000_and_001(seeds_report):
    """The issue's acceptance: 001 is a rewrite of 000 with passages, direction and changes."""
    arts = {a.id[:3]: a for a in seeds_report.articles}
    (rel,) = seeds_report.relations
    assert (rel.original[:3], rel.derived[:3]) == ("000", "001")
    assert rel.type == "rewrite" and rel.via is None
    assert rel.share >= 0.8
    assert rel.direction_confidence >= 0.7
    kinds = {p.kind for p in rel.passages}
    assert {"verbatim", "paraphrase"} <= kinds
    derived = arts["001"].text
    covered = set()
    for p in rel.passages:
        covered.update(range(*p.derived))
        o = arts["000"].text[p.original[0]:p.original[1]]
        assert o.strip() and derived[p.derived[0]:p.derived[1]].strip()
    body_chars = sum(e - s for s, e in arts["001"].paragraphs)
    assert len(covered) / body_chars >= 0.8
    hedge = [c for c in rel.changes if c.kind == "hedge"]
    assert any(c.original_text == "direct" and c.derived_text == "" for c in hedge), rel.changes
    assert any(c.kind == "spelling" and (c.original_text, c.derived_text) == ("defence", "defense")
               for c in rel.changes)
    for c in rel.changes:
        if c.kind not in ("dropped",):
            assert derived[c.derived[0]:c.derived[1]] == c.derived_text
    evidence = " ".join(rel.evidence)
    assert "pasted social posts" in evidence and "Americanises" in evidence


def test_independent_report_is_no_relation(seeds_report):
    for rel in seeds_report.relations:
        assert not {rel.original[:3], rel.derived[:3]} & {"004"}
    assert seeds_report.errors == ()
    assert len({a.id for a in seeds_report.articles}) == 3
