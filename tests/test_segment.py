"""Segmentation: what is body, what is not, and the offsets."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from copydesk.model import Extracted
from copydesk.segment import segment, split_sentences
from copydesk.segment.embeds import find_posts
from copydesk.segment.rules import classify


def _article(*paragraphs: str):
    return segment(Extracted(id="x", input="t", record=None, raw_hash="h", meta={}, paragraphs=tuple(paragraphs)))


def test_sentences_respect_abbreviations_and_quotes():
    text = ('Mr. Smith met Dr. Jones in the U.S. capital on Monday. "We will act," he said. '
            "Prices rose 2.5% in Jan. last year! Was it enough? J. R. Ewing declined to comment.")
    spans = split_sentences(text)
    got = [text[s:e] for s, e in spans]
    assert got == [
        "Mr. Smith met Dr. Jones in the U.S. capital on Monday.",
        '"We will act," he said.',
        "Prices rose 2.5% in Jan. last year!",
        "Was it enough?",
        "J. R. Ewing declined to comment.",
    ]


def test_sentence_after_closing_curly_quote():
    text = "He called it “a disgrace.” The minister resigned."
    assert [text[s:e] for s, e in split_sentences(text)] == ["He called it “a disgrace.”", "The minister resigned."]


def test_long_paragraph_about_cookies_is_body():
    para = ("The bakery's owner said sales of cookies had doubled since the website launched, and that the policy "
            "of accepting online orders had changed the business. " * 3)
    assert classify(para) is None
    a = _article(para.strip(), "Read more: Bakery boom")
    assert a.text == para.strip()  # paragraphs are whitespace-normalised
    assert [r.kind for r in a.removed] == ["boilerplate"]


def test_share_bar_and_newsletter_are_boilerplate():
    for p in ("Share on Facebook | Twitter | Email", "Sign up for our free newsletter today",
              "Advertisement", "© 2024 Example Media. All rights reserved."):
        rule = classify(p)
        assert rule is not None and rule.kind == "boilerplate", p


def test_caption_label_takes_next_paragraph_only():
    a = _article("First body paragraph here.", "Image caption,", "Firefighters at the scene",
                 "Second body paragraph here.")
    assert a.text == "First body paragraph here.\n\nSecond body paragraph here."
    assert [r.kind for r in a.removed] == ["caption", "caption"]


def test_short_tweet_does_not_swallow_body():
    paras = ["The mayor spoke to reporters on Friday.", "Stay safe everyone https://t.co/abc123",
             "— City Hall (@cityhall) March 3, 2024", "The council meets again next week."]
    embeds, used = find_posts(paras)
    assert used == {1, 2}
    assert embeds[0].text == "Stay safe everyone" and embeds[0].url == "https://t.co/abc123"
    assert embeds[0].published == "2024-03-03"


paragraph = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=200)


@settings(max_examples=200, deadline=None)
@given(st.lists(paragraph, min_size=1, max_size=8))
def test_offsets_are_consistent(paras):
    from copydesk.textutil import clean_line

    paras = [clean_line(p) for p in paras]
    paras = [p for p in paras if p]
    if not paras:
        return
    a = _article(*paras)
    prev = 0
    for s, e in a.paragraphs:
        assert prev <= s < e <= len(a.text)
        prev = e
    prev = 0
    for s, e in a.sentences:
        assert prev <= s < e <= len(a.text)
        assert a.text[s:e].strip()
        prev = e
    # every input paragraph is either in the body or listed as removed
    removed = [r.text for r in a.removed]
    for p in paras:
        assert p in a.text or p in removed


def test_no_ecbplus_body_paragraph_is_taken_for_boilerplate(shared):
    """ECB+ holds clean article bodies (15k paragraphs): the rules must leave every one alone."""
    import json

    wrong = []
    with (shared / "data" / "ecbplus" / "ecbplus.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            for para in json.loads(line)["text"].split("\n"):
                rule = classify(para.strip()) if para.strip() else None
                if rule is not None:
                    wrong.append((rule.name, para))
    assert wrong == []


def test_a_noisy_scraped_page_keeps_only_its_story():
    """A plain-text scrape with the usual furniture (cookie banner, advert marker, related link,
    photo caption, newsletter and follow prompts, copyright line, a news-tips line, share links,
    "You might also like"): the body is the five story paragraphs, in order; the date line with
    its time before the date gives the publication time; the writer's role is not an outlet."""
    from pathlib import Path

    from copydesk.extract import extract
    from copydesk.ingest.records import make_record

    content = (Path(__file__).parent / "data" / "noisy-scrape.txt").read_text(encoding="utf-8")
    article = segment(extract(make_record("noisy", input="noisy-scrape.txt", record=None, fmt="text",
                                          content=content)))
    paragraphs = article.text.split("\n\n")
    assert len(paragraphs) == 5, paragraphs
    assert paragraphs[0].startswith("Flood waters reached the old mill district on Tuesday")
    assert paragraphs[-1].startswith("The mayor is expected to declare a state of emergency")
    assert article.title == "Flood waters reach the old mill district"
    assert article.published == "2023-03-14T10:32:00-05:00"
    # "Staff Writer" after the byline's comma is a role; the outlet is the one its copyright line names
    assert article.source == "The Riverside Gazette"
    kinds = {r.text.split()[0]: r.kind for r in article.removed}
    assert kinds["Have"] == kinds["Click"] == kinds["You"] == kinds["Accept"] == "boilerplate"
    assert kinds["Published"] == "dateline"


def test_gmt_offsets_read_as_news_writes_them():
    from copydesk.dates import normalize_date

    assert normalize_date("11:25 GMT+02:00 09 Sep 2013") == "2013-09-09T11:25:00+02:00"
    assert normalize_date("09 Sep 2013 11:25 UTC-5") == "2013-09-09T11:25:00-05:00"
    assert normalize_date("26 September 2013, 10: 00 (GMT+05: 00)") == "2013-09-26T10:00:00+05:00"


def test_dates_as_bylines_and_tokenised_text_write_them():
    """Labels ("Published:", "Updated", "Posted", "on"), separators ("|", "@", "-" before the
    time), a tokeniser's spacing ("5: 46 pm", "p. m.", "2012. 08. 08") and words around the date
    ("TNN ... MUMBAI:"): all of these date strings of ECB+ pages are read (270 of its 272 distinct
    ones; before, 82). What is no date stays as it was given."""
    from copydesk.dates import normalize_date

    cases = {
        "Published: August 7, 2012": "2012-08-07",
        "Updated 4/9/2007 6: 04 PM": "2007-04-09T18:04:00",
        "May 3, 2013 | 8: 20 am": "2013-05-03T08:20:00",
        "August 7, 2012-5: 46 pm": "2012-08-07T17:46:00",
        "12: 52 p. m. EDT May 2, 2013": "2013-05-02T12:52:00-04:00",
        "Friday August 2, 2013 @ 8: 13am PDT": "2013-08-02T08:13:00-07:00",
        "Published: 2012. 08. 08 09: 01 AM": "2012-08-08T09:01:00",
        "TNN Nov 12, 2011, 05. 51AM IST MUMBAI:": "2011-11-12T05:51:00+05:30",
        "Last updated 15: 48 15/09/2013": "2013-09-15T15:48:00",
        "First Posted 23: 37: 00 05/05/2010": "2010-05-05T23:37:00",
        "on Dec 23 2012, 5: 03p": "2012-12-23T17:03:00",
        "7: 00pm UK, Wednesday 05 May 2010": "2010-05-05T19:00:00",
        "Fri., May. 3, 2013 11: 45 AM PDT": "2013-05-03T11:45:00-07:00",
    }
    assert {d: normalize_date(d) for d in cases} == cases
    for not_a_date in ("3 killed in crash", "Score 3: 45", "yesterday", "Novemer 27, 2005"):
        assert normalize_date(not_a_date) == not_a_date


def test_a_wire_story_scrape_loses_its_page_furniture():
    """Reading time, "Listen to this article", an advert marker, a video promo, the agency's
    standards line, a comment count and a republication credit are taken out (the credit kept
    as a credit: it says where the story came from); the four story paragraphs stay."""
    from pathlib import Path

    from copydesk.extract import extract
    from copydesk.ingest.records import make_record

    content = (Path(__file__).parent / "data" / "noisy-scrape-2.txt").read_text(encoding="utf-8")
    article = segment(extract(make_record("wire", input="noisy-scrape-2.txt", record=None, fmt="text",
                                          content=content)))
    paragraphs = article.text.split("\n\n")
    assert [p.split()[0] for p in paragraphs] == ["LONDON", "Governor", "Markets", "Economists"]
    kinds = {r.text: r.kind for r in article.removed}
    assert kinds["This article was originally published on The Conversation. Read the original article."] == "credit"
    for furniture in ("5 min read", "Listen to this article", "Advertisement - Scroll to continue", "Comments (12)",
                      "Watch: Why interest rates matter for your mortgage",
                      "Our Standards: The Thomson Reuters Trust Principles."):
        assert kinds[furniture] == "boilerplate", furniture


def test_embeds_left_as_text_by_a_scrape_are_posts_not_body():
    """An Instagram embed pasted as text ("View this post on Instagram" … "A post shared by Name
    (@handle)") and a paragraph that is only a link to a tweet are embedded posts, with their
    handles; the four story paragraphs stay."""
    from pathlib import Path

    from copydesk.extract import extract
    from copydesk.ingest.records import make_record

    content = (Path(__file__).parent / "data" / "noisy-scrape-3.txt").read_text(encoding="utf-8")
    article = segment(extract(make_record("tour", input="noisy-scrape-3.txt", record=None, fmt="text",
                                          content=content)))
    assert [p.split()[0] for p in article.text.split("\n\n")] == ["The", "Tickets", "Fans", "The"]
    assert [(e.kind, e.author, e.handle) for e in article.embeds] == [
        ("instagram", "Jane Star", "janestar"), ("tweet", None, "janestar")]
    assert article.embeds[1].url == "https://twitter.com/janestar/status/1234567890123456789"
    assert {r.kind for r in article.removed if "janestar" in r.text} == {"embed"}


def test_the_standfirst_under_a_headline_is_a_header_line_not_body():
    """A one-line summary under the headline with no full stop (a standfirst, or dek) is kept
    out of the body as a header line (a copy seldom keeps it, so in the body it would read as
    an intro the original put before the shared text); a first paragraph that ends as a
    sentence does, or one right after the byline, stays body."""
    from copydesk.extract import extract
    from copydesk.ingest.records import make_record

    def read(content):
        return segment(extract(make_record("s", input="s.txt", record=None, fmt="text", content=content)))

    body = ("Officials confirmed on Tuesday that the harbour bridge would reopen next month after long repairs.\n\n"
            "The work cost far more than expected, according to the city's transport department.")
    dek = "City says the harbour bridge will reopen next month after a winter of delays"
    article = read(f"Harbour bridge to reopen\n\n{dek}\n\nBy Ann Lee\n\n{body}")
    assert article.title == "Harbour bridge to reopen" and article.byline == "Ann Lee"
    assert article.text == body
    assert [r.text for r in article.removed if r.kind == "standfirst"] == [dek]
    # a first paragraph that is a sentence is body
    article = read(f"Harbour bridge to reopen\n\n{dek}.\n\n{body}")
    assert article.text.startswith(dek) and not [r for r in article.removed if r.kind == "standfirst"]
    article = read(f"Harbour bridge to reopen\n\nBy Ann Lee\n\n{dek}\n\n{body}")
    assert article.text.startswith(dek)


def test_a_post_pasted_as_one_paragraph_is_a_post():
    """A scrape that flattens a tweet's embed leaves its text and its attribution in one paragraph;
    that is a post when it fits in one and carries a date or a post's link. A body sentence that
    ends by naming someone's handle is not."""
    from copydesk.segment.embeds import find_posts

    paragraphs = [
        "Clashes also broke out in Thessaloniki, where another 20,000 people joined the demonstrations.",
        "pic.twitter.com/x7Kq2Lm9 — Athens News Live (@athensnewslive) May 5, 2010",
        "Smoke over Syntagma right now. This is heartbreaking #Greece #strike — Maria K. (@mariak_news) May 5, 2010",
        "The protest was organised online by a teachers' union — its spokeswoman Eleni Papas (@elenipapas)",
    ]
    embeds, used = find_posts(paragraphs)
    assert used == {1, 2}
    assert [(e.handle, e.text, e.published) for e in embeds] == [
        ("athensnewslive", "pic.twitter.com/x7Kq2Lm9", "2010-05-05"),
        ("mariak_news", "Smoke over Syntagma right now. This is heartbreaking #Greece #strike", "2010-05-05")]


_FLOOD = [
    "Flood waters reached the old mill district on Tuesday, forcing dozens of families from their homes as the "
    "river rose to its highest level in forty years.",
    "The county emergency office said 42 households had been evacuated and two shelters opened at the community "
    "college.",
    '"We have never seen anything like this," said resident Mark Stone, 61, who has lived on Mill Street since 1988.',
    "Officials warned that the water could rise another metre before the weekend, and the Mill St. bridge was "
    "closed.",
    "Volunteers filled sandbags through the night at the fire station on Station Rd. as the rain kept falling.",
    "The mayor is expected to declare a state of emergency later on Wednesday, according to two people familiar "
    "with the plans.",
]


def test_run_on_text_loses_its_inline_boilerplate():
    """An article that came as one line (a dataset's text column, a flattened scrape) carries its page
    furniture inline: it is cut out sentence by sentence, a block that spans two sentences (a consent
    banner) as one, a copyright notice glued to the last sentence too, and every body sentence is kept,
    in order, abbreviations ("Mill St.") and all."""
    from copydesk.model import Extracted

    text = " ".join([
        _FLOOD[0], _FLOOD[1],
        "Related: River levels expected to peak on Thursday.",
        _FLOOD[2],
        "This website uses cookies to improve your experience. We'll assume you're ok with this, but you can "
        "opt-out if you wish.",
        _FLOOD[3], _FLOOD[4],
        "Sign up for our Morning Briefing newsletter to get the day's top stories delivered to your inbox.",
        _FLOOD[5] + " © 2023 The Riverside Gazette",
    ])
    article = segment(Extracted(id="flat", input="x", record=None, raw_hash="", meta={}, paragraphs=(text,)))
    assert article.text.replace("\n\n", " ") == " ".join(_FLOOD)
    removed = [r.text for r in article.removed]
    assert removed == [
        "Related: River levels expected to peak on Thursday.",
        "This website uses cookies to improve your experience. We'll assume you're ok with this, but you can "
        "opt-out if you wish.",
        "Sign up for our Morning Briefing newsletter to get the day's top stories delivered to your inbox.",
        "© 2023 The Riverside Gazette",
    ]
    assert {r.kind for r in article.removed} == {"boilerplate"}
    # a story of as many sentences with no furniture is left whole, one paragraph
    clean = segment(Extracted(id="c", input="x", record=None, raw_hash="", meta={}, paragraphs=(" ".join(_FLOOD),)))
    assert clean.text == " ".join(_FLOOD) and clean.removed == ()


def test_furniture_glued_without_full_stops_is_cut_even_in_a_short_one_line_article():
    """Page furniture has no full stops of its own, so run-on text glues it together and to the body: a
    share bar before a "Read more" line whose headline names "Gov. Sarah Palin" (a title, no end of
    sentence), a share bar and a copyright notice, a body sentence without its full stop run into a
    consent banner. Each is cut where it starts, and the body is kept whole, also when the article is
    short (it is its only paragraph: a one-line record, however short, carries its furniture inline)."""
    from copydesk.model import Extracted

    last = "The mayor is expected to declare a state of emergency later on Wednesday"  # no full stop
    banner = ("This website uses cookies to improve your experience. We'll assume you're ok with this, but you can "
              "opt-out if you wish.")
    share = "Share this article: Facebook | Twitter | Email"
    read_more = "Read more: Alaska Gov. Sarah Palin visits flooded towns"
    for body in (_FLOOD[:2], _FLOOD[:5]):  # 2 sentences (under 800 characters) and 5
        text = " ".join([*body, last, banner, share, read_more, "© 2023 The Riverside Gazette. All rights reserved."])
        article = segment(Extracted(id="flat", input="x", record=None, raw_hash="", meta={}, paragraphs=(text,)))
        assert article.text.replace("\n\n", " ") == " ".join([*body, last])
        assert [r.text for r in article.removed] == [
            banner, share, read_more, "© 2023 The Riverside Gazette.", "All rights reserved."]
    # a sentence that names the networks is no share bar; a body sentence ending in a letter ("Plan B.") keeps its
    # end of sentence, so the banner after it goes alone
    networks = "Facebook, Twitter, Reddit Inc and Google must pay the publishers, the court ruled on Monday."
    plan_b = "The council said it would now turn to Plan B."
    text = " ".join([*_FLOOD[:4], networks, plan_b, banner])
    article = segment(Extracted(id="n", input="x", record=None, raw_hash="", meta={}, paragraphs=(text,)))
    assert article.text == " ".join([*_FLOOD[:4], networks, plan_b]) and [r.text for r in article.removed] == [banner]
    # a short article in several paragraphs is read paragraph by paragraph, as before
    paras = (_FLOOD[0], f"{_FLOOD[1]} {share} {read_more}")
    article = segment(Extracted(id="p", input="x", record=None, raw_hash="", meta={}, paragraphs=paras))
    assert article.text == "\n\n".join(paras) and article.removed == ()


def test_a_post_pasted_into_run_on_text_is_a_post():
    """A tweet pasted into an article that came as one line: its attribution has no full stop, so the
    text is cut around it; the post (text, author, handle, date, link) leaves the body, and the
    sentence after it stays."""
    from copydesk.model import Extracted

    post = "Smoke over the old mill right now #flood pic.twitter.com/ab12Cd — Jane Roe (@janeroe) March 14, 2023"
    text = " ".join(_FLOOD[:3] + [post] + _FLOOD[3:])
    article = segment(Extracted(id="flat", input="x", record=None, raw_hash="", meta={}, paragraphs=(text,)))
    assert article.text.replace("\n\n", " ") == " ".join(_FLOOD)
    (embed,) = article.embeds
    assert (embed.kind, embed.author, embed.handle, embed.published, embed.url) == (
        "tweet", "Jane Roe", "janeroe", "2023-03-14", "https://pic.twitter.com/ab12Cd")
    assert embed.text == "Smoke over the old mill right now #flood"
    assert [r.kind for r in article.removed] == ["embed"]


def test_no_ecbplus_article_run_together_loses_a_sentence(shared):
    """ECB+'s 982 clean articles, each run together into one line: the run-on reading takes nothing out
    (before the about-outlet rule asked for a name, "About the prison: The supermax unit ..." went)."""
    import json

    from copydesk.segment import run_on_pieces

    taken = []
    with (shared / "data" / "ecbplus" / "ecbplus.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            text = " ".join(x.strip() for x in json.loads(line)["text"].split("\n") if x.strip())
            pieces, posts = run_on_pieces(text) or ([], [])
            taken += [(rule.name, piece) for piece, rule in pieces if rule is not None] + posts
    assert taken == []


def test_two_outlets_run_on_copies_are_duplicates(tmp_path):
    """Two outlets' one-line copies of one story, each with its own furniture inline, are one body: a
    duplicate, not two texts that share boilerplate."""
    import json

    import copydesk

    a = " ".join(_FLOOD[:3] + ["Read more: Council approves new flood barrier."] + _FLOOD[3:]
                 + ["Subscribe to our newsletter to get the latest news from The Riverside Gazette in your inbox."])
    b = " ".join(["Share this article: Facebook | Twitter | Email"] + _FLOOD[:5]
                 + ["Our reporting is funded by readers like you; become a member today."] + _FLOOD[5:]
                 + ["© 2023 Valley Post. All rights reserved."])
    src = tmp_path / "flat.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in (
        {"id": "gazette", "source": "The Riverside Gazette", "published": "2023-03-14", "text": a},
        {"id": "post", "source": "Valley Post", "published": "2023-03-15", "text": b})) + "\n", encoding="utf-8")
    report = copydesk.analyze([src], db=tmp_path / "c.db")
    assert [(r.original, r.derived, r.type) for r in report.relations] == [("gazette", "post", "duplicate")]
