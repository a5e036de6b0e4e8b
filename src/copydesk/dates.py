"""Finding and normalising publication dates."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from functools import lru_cache

_MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
           r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?")
#: a time after a date; tokenised text spaces out a colon ("2: 48: 40 PM", "5: 46 p. m."), never a decimal point
_TIME = (r"(?:,?\s*(?:at\s+)?\d{1,2}(?::\s?\d{2}(?::\s?\d{2})?|\.\d{2})\s*(?:[ap]\.?\s?m\.?)?"
         r"(?:\s*(?:(?-i:[A-Z]{2,4})|UTC|GMT)\b(?:\s?[+-]\s?\d{1,2}(?::\s?\d{1,2})?)?)?)?")  # a zone: upper case ("PDT", "GMT+02: 00")
_WEEKDAY = r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+)?"
ISO = r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
#: a numeric date with slashes ("01/13/2012", "13/01/2012"): month first unless the first number cannot be one
_NUMERIC = r"(?:(?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01])|(?:1[3-9]|2\d|3[01])/(?:0?[1-9]|1[0-2]))/\d{4}"
DATE_RE = (
    rf"(?:{ISO}"
    rf"|{_WEEKDAY}{_NUMERIC}{_TIME}"
    rf"|{_WEEKDAY}{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}{_TIME}"
    rf"|{_WEEKDAY}\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS},?\s+\d{{4}}{_TIME})"
)
#: a date line with its time as an update ("23 July 2013 Last updated at 13: 42 GMT", the BBC's old form)
_DATE_ONLY = re.compile(rf"^\s*{DATE_RE}(?:\s+(?:last\s+)?updated(?:\s+at)?\s+\d{{1,2}}\s*[:.]\s*\d{{2}}"
                        r"(?:\s*(?:[ap]\.?\s?m\.?))?(?:\s*[A-Z]{2,4})?)?\s*$", re.I)


#: UTC offsets (seconds) of the zone abbreviations common in English-language news
_TZ_ABBREVIATIONS = {
    "UTC": 0, "GMT": 0, "Z": 0, "BST": 3600, "CET": 3600, "CEST": 7200, "EET": 7200, "EEST": 10800,
    "MSK": 10800, "IST": 19800, "JST": 32400, "AEST": 36000, "AEDT": 39600,
    "EST": -18000, "EDT": -14400, "CST": -21600, "CDT": -18000, "MST": -25200, "MDT": -21600,
    "PST": -28800, "PDT": -25200, "ET": -18000, "PT": -28800,
}


_GMT_OFFSET = re.compile(r"\b(?:GMT|UTC)\s*([+-]\s*\d)")

# What scraped bylines put around a date ("Published: ...", "Updated 4/9/2007 6: 04 PM", "May 3, 2013 |
# 8: 20 am", "August 7, 2012-5: 46 pm", "12: 52 p. m. EDT"), made plain for dateutil. Tokenised text
# spaces out the colon of a time and the dots of "p.m."; "2012. 08. 08" is a date with dots.
_LABEL = re.compile(r"^\W*(?:(?:last\s+|first\s+)?(?:published|updated|posted|modified|created|released)(?:\s+(?:on|at|time|date))?"
                    r"|date(?:line)?|on)\b\s*:?\s*", re.I)
_CLEANUPS = (
    (re.compile(r"(\d)\s*:\s+(\d{2})(?!\d)"), r"\1:\2"),
    (re.compile(r"(\d)\s*:\s+(\d{2})(?!\d)"), r"\1:\2"),   # (again, for the seconds of "5: 59: 13")
    (re.compile(r"\b(\d{1,2})\.\s+(\d{2})\s*(?=[ap]\.?\s?m\b)", re.I), r"\1:\2"),
    (re.compile(r"\b([ap])\.\s?m\.?(?=\W|$)", re.I), r"\1m"),
    (re.compile(r"\b(\d{4})\.\s*(\d{1,2})\.\s*(\d{1,2})\b"), r"\1-\2-\3"),
    (re.compile(r"\b(\d{4})\s*-\s*(\d{1,2}:\d{2})"), r"\1 \2"),   # "2012-5:46 pm": year, then time
    (re.compile(r"\s*[|@()]\s*|\s+-\s+"), " "),
    (re.compile(r"\b(\d{1,2}:\d{2})\s*hrs\b", re.I), r"\1"),
    (re.compile(r"\b((?:1[89]|2\d)\d\d,?\s+)(\d{1,2})\.(\d{2})\b(?!\.\d)"), r"\1\2:\3"),  # "2013 18.05 GMT": a time after the year
    (re.compile(r"\b(Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.", re.I), r"\1"),
)


def _plain(value: str) -> str:
    """``value`` with a byline's label and a tokeniser's spacing taken out (``_CLEANUPS``)."""
    for _ in range(2):  # "Last updated: on ..."
        value = _LABEL.sub("", value, count=1)
    for pattern, repl in _CLEANUPS:
        value = pattern.sub(repl, value)
    return value.strip(" .,:;")


@lru_cache(maxsize=4096)
def normalize_date(value: str | None) -> str | None:
    """An ISO 8601 form of ``value`` (``YYYY-MM-DD`` or a full timestamp), or the
    stripped original when it cannot be parsed; None for empty input."""
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})", value)
    if m:
        return m.group(1)
    m = re.fullmatch(r"(\d{9,10}|\d{12,13})(?:\.\d+)?", value)
    if m:  # a Unix timestamp (seconds, or milliseconds as JavaScript writes them), as feeds and APIs give it
        seconds = float(value) / (1000 if len(m.group(1)) > 10 else 1)
        return datetime.fromtimestamp(seconds, timezone.utc).isoformat()
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).isoformat()
    except ValueError:
        pass
    from dateutil import parser

    import warnings

    # "GMT+02:00" in news means two hours ahead of UTC; dateutil reads "GMT+2" the POSIX way
    # (two hours behind), so the offset is given bare
    given, value = value, _GMT_OFFSET.sub(r"\1", value)

    parsed = None
    default = datetime(1, 1, 1)
    # as given; then made plain (``_plain``); then skipping words that are no date ("TNN ... MUMBAI:"),
    # only where a year and a month (a name, or numbers around a slash) are there to be found
    plain = _plain(value)
    tries = [(value, False), (plain, False)]
    if re.search(r"\b(?:1[89]|2\d)\d\d\b", plain) and (re.search(_MONTHS, plain, re.I) or "/" in plain):
        tries.append((plain, True))
    for text, fuzzy in tries:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                parsed = parser.parse(text, default=default, fuzzy=fuzzy, tzinfos=_TZ_ABBREVIATIONS)
        except (ValueError, OverflowError, parser.ParserError, TypeError):
            continue
        if parsed.year != 1:
            value = text
            break
        parsed = None
    if parsed is None:
        return given
    has_time = bool(re.search(r"\d{1,2}[:.]\d{2}", value))
    return parsed.isoformat() if has_time else parsed.date().isoformat()


def is_date_line(text: str) -> bool:
    return bool(_DATE_ONLY.match(text))


def date_sort_key(value: str | None) -> str | None:
    """A string that sorts chronologically for normalised dates; None when unparsed."""
    if not value or not re.match(r"\d{4}-\d{2}-\d{2}", value):
        return None
    return value


@lru_cache(maxsize=65536)
def to_instant(value: str | None) -> tuple[float, bool] | None:
    """(POSIX seconds, has_time) for a normalised date; naive times are read as UTC."""
    key = date_sort_key(value)
    if key is None:
        return None
    from datetime import timezone

    try:
        dt = datetime.fromisoformat(key.replace("Z", "+00:00"))
    except ValueError:
        return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.timestamp(), len(key) > 10


def earlier(a: str | None, b: str | None) -> int | None:
    """-1 when ``a`` is clearly earlier than ``b``, 1 when later, None when the dates
    are missing, unparsed, or too close to tell (same day at day precision)."""
    ia, ib = to_instant(a), to_instant(b)
    if ia is None or ib is None:
        return None
    (ta, fa), (tb, fb) = ia, ib
    slack = 60.0 if (fa and fb) else 86400.0
    if abs(ta - tb) < slack:
        return None
    return -1 if ta < tb else 1
