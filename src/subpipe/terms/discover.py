"""Discover culture-specific items the glossary lacks, each with a category, a reason and an action.

Detectors, on the same passages and docs that term matching uses (`subpipe.terms.match.analyze_track`):

- named entities (``PERSON NORP GPE LOC FAC ORG EVENT WORK_OF_ART``), when the pipeline has a NER;
- money: currency symbols and codes (``$20``, ``20 €``, ``USD``), currency words (``dollars``, ``quid``);
- quantities in imperial or US units (miles, feet, inches, yards, pounds, ounces, gallons, pints, acres,
  stone, mph, degrees Fahrenheit), with the metric value computed;
- holidays by name (``data/holidays.<lang>.tsv``) and dates that fall on one (``December 25th``);
- honorifics and forms of address (``data/honorifics.tsv``: Mr, Sir, Madam, Señor, -san, -sama ...);
- idioms from the project's per-language lists (``data/idioms.<lang>.txt``), matched on lemmas.

Actions: **keep** (write as is), **adapt** (use the target culture's equivalent or established name),
**convert** (units to metric), **explain** (the audience may not know it: subtitle gloss or adaptation).

A candidate overlapping a glossary hit, or whose text is a glossary term, is not reported: the glossary
already decides. Where two detectors claim the same words, the specific one (unit, money, holiday,
honorific, idiom) wins over the named-entity label.

>>> from subpipe.cues import Cue
>>> [(c.category, c.text, c.suggestion) for c in discover_terms([Cue(0, 2000, "It's 5 miles away.")], "en")
...  if c.category == "unit"]
[('unit', '5 miles', '≈ 8.05 km')]
"""

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, NamedTuple

from subpipe.cues import Cue, Track, format_timecode
from subpipe.errors import ErrorCode, SubpipeError
from subpipe.nlp import base_lang, pipeline_info
from subpipe.terms.glossary import Glossary, GlossaryEntry, make_entry
from subpipe.terms.match import (
    Analysis,
    CueSpan,
    Entity,
    Passage,
    TermHit,
    TermMatcher,
    Words,
    analyze_languages,
)

if TYPE_CHECKING:  # spaCy loads only when a pipeline is needed, never at import
    from spacy.tokens import Doc

ACTIONS = ("keep", "adapt", "convert", "explain")

NER_LABELS = {
    "PERSON": ("person", "keep", "personal name: keep it (transliterate only into another script)"),
    "NORP": ("other", "adapt", "nationality, religious or political group: use the target language's name"),
    "GPE": ("place", "adapt", "country, city or state: use its established name in the target language"),
    "LOC": ("place", "adapt", "location: use its established name in the target language, if it has one"),
    "FAC": ("place", "adapt", "building, bridge or landmark: use its established name, or keep it"),
    "ORG": ("institution", "explain", "organisation: keep the name; explain it if the audience won't know it"),
    "EVENT": ("other", "explain", "named event: use the established name or explain it"),
    "WORK_OF_ART": ("other", "adapt", "title of a work: use its official title in the target market"),
}
NER_LABELS["PER"] = NER_LABELS["PERSON"]  # the French, Spanish, Italian... pipelines' label for people
RELIGIOUS = {"christian", "christians", "catholic", "catholics", "protestant", "protestants", "muslim", "muslims",
             "islamic", "jewish", "jew", "jews", "hindu", "hindus", "buddhist", "buddhists", "sikh", "sikhs",
             "orthodox", "evangelical", "mormon", "mormons", "shinto", "taoist"}

# --- numbers ---------------------------------------------------------------------------------------------

_NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "a hundred": 100,
    "a thousand": 1000, "a million": 1_000_000, "half a": 0.5, "a half": 0.5, "a couple of": 2, "dozen": 12,
    "a dozen": 12,
}
_NUM = (r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?|" +
        "|".join(sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True)) + ")")


def parse_number(text: str) -> float | None:
    """``"1,500"`` -> 1500.0, ``"2.5"`` -> 2.5, ``"five"`` -> 5.0, ``"half a"`` -> 0.5.

    >>> parse_number("1,500"), parse_number("2.5"), parse_number("Five"), parse_number("3,5")
    (1500.0, 2.5, 5.0, 3.5)
    """
    t = text.strip().lower()
    if t in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[t])
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", t):
        return float(t.replace(",", ""))
    if re.fullmatch(r"\d+,\d{1,2}", t):  # a decimal comma (3,5 miles in a European transcript)
        return float(t.replace(",", "."))
    try:
        return float(t)
    except ValueError:
        return None


def _round(value: float) -> str:
    """Three significant figures, no trailing zeros: 8.04672 -> '8.05', 1609.3 -> '1,610'."""
    if value == 0:
        return "0"
    from math import floor, log10

    digits = max(0, 2 - floor(log10(abs(value))))
    rounded = round(value, digits)
    if rounded == int(rounded):
        return f"{int(rounded):,}"
    return f"{rounded:,.{digits}f}".rstrip("0").rstrip(".")


# --- units ------------------------------------------------------------------------------------------------

# unit word -> (canonical name, metric unit, factor); Fahrenheit is handled apart (offset).
UNITS = {
    "mile": ("mile", "km", 1.609344), "miles": ("mile", "km", 1.609344), "mi": ("mile", "km", 1.609344),
    "mph": ("mile per hour", "km/h", 1.609344), "miles per hour": ("mile per hour", "km/h", 1.609344),
    "mile per hour": ("mile per hour", "km/h", 1.609344),
    "yard": ("yard", "m", 0.9144), "yards": ("yard", "m", 0.9144), "yd": ("yard", "m", 0.9144),
    "foot": ("foot", "m", 0.3048), "feet": ("foot", "m", 0.3048), "ft": ("foot", "m", 0.3048),
    "inch": ("inch", "cm", 2.54), "inches": ("inch", "cm", 2.54),
    "pound": ("pound", "kg", 0.45359237), "pounds": ("pound", "kg", 0.45359237),
    "lb": ("pound", "kg", 0.45359237), "lbs": ("pound", "kg", 0.45359237),
    "ounce": ("ounce", "g", 28.349523125), "ounces": ("ounce", "g", 28.349523125),
    "oz": ("ounce", "g", 28.349523125),
    "fluid ounce": ("US fluid ounce", "ml", 29.5735295625), "fluid ounces": ("US fluid ounce", "ml", 29.5735295625),
    "fl oz": ("US fluid ounce", "ml", 29.5735295625),
    "gallon": ("US gallon", "l", 3.785411784), "gallons": ("US gallon", "l", 3.785411784),
    "quart": ("US quart", "l", 0.946352946), "quarts": ("US quart", "l", 0.946352946),
    "pint": ("US pint", "l", 0.473176473), "pints": ("US pint", "l", 0.473176473),
    "acre": ("acre", "ha", 0.40468564224), "acres": ("acre", "ha", 0.40468564224),
    "stone": ("stone", "kg", 6.35029318),
}
_UNIT_WORDS = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
_UNIT_RE = re.compile(rf"(?<![\w$€£¥])(?P<num>{_NUM})(?:\s+|-)(?P<unit>{_UNIT_WORDS})(?![\w'’])", re.IGNORECASE)
_FAHRENHEIT_RE = re.compile(
    rf"(?<![\w])(?P<num>-?{_NUM})\s*(?:°\s*F\b|º\s*F\b|degrees?\s+Fahrenheit\b|(?:degrees?\s+)?F\b(?=\s|[.,!?]|$))",
    re.IGNORECASE)
_DEGREES_ONLY = re.compile(r"degrees?\s*$", re.IGNORECASE)


def convert_unit(value: float, unit: str) -> tuple[float, str, str] | None:
    """(metric value, metric unit, canonical unit) for `value` `unit`, or None for an unknown unit.

    >>> convert_unit(5, "miles")[:2], convert_unit(6, "feet")[:2]
    ((8.04672, 'km'), (1.8288000000000002, 'm'))
    """
    spec = UNITS.get(unit.lower())
    if spec is None:
        return None
    name, metric, factor = spec
    return value * factor, metric, name


def fahrenheit_to_celsius(f: float) -> float:
    """Degrees Celsius.

    >>> round(fahrenheit_to_celsius(98.6), 1)
    37.0
    """
    return (f - 32) * 5 / 9


# --- locale renderings ----------------------------------------------------------------------------------------
# How a target locale writes what discovery finds (numbers, money, dates), from CLDR through Babel.


def _babel_locale(locale: str):
    from babel import Locale, UnknownLocaleError

    from subpipe.locales import fallback_chain

    for link in fallback_chain(locale):
        try:
            return Locale.parse(link, sep="-")
        except (UnknownLocaleError, ValueError):
            continue
    raise SubpipeError(f"no CLDR data for locale {locale!r}", code=ErrorCode.BAD_LANGUAGE)


def _significant(value: float) -> float:
    """Three significant figures (the precision of `_round`), as a number."""
    if value == 0:
        return 0.0
    from math import floor, log10

    return round(value, max(0, 2 - floor(log10(abs(value)))))


def render_quantity(value: float, unit: str, locale: str) -> str:
    """`value` `unit` as `locale` writes it, to three significant figures.

    >>> render_quantity(8.04672, "km", "es-ES"), render_quantity(8.04672, "km", "es-419"), render_quantity(1609.3, "m", "fr-CA")
    ('8,05 km', '8.05 km', '1\\xa0609 m')
    """
    from babel.numbers import format_decimal

    return f"{format_decimal(_significant(value), locale=_babel_locale(locale))} {unit}"


def render_money(amount: float, currency: str, locale: str) -> str:
    """An amount in an ISO 4217 `currency` as `locale` writes it.

    >>> render_money(20, "USD", "es-ES"), render_money(20, "USD", "pt-BR"), render_money(20, "USD", "fr-CA")
    ('20,00\xa0US$', 'US$\xa020,00', '20,00\xa0$\xa0US')
    """
    from babel.numbers import format_currency

    return format_currency(amount, currency, locale=_babel_locale(locale))


def render_date(month: int, day: int, locale: str) -> str:
    """A day of the year (no year) as `locale` writes it.

    >>> render_date(7, 4, "es-419"), render_date(7, 4, "en-GB"), render_date(7, 4, "zh-Hant")
    ('4 de julio', '4 July', '7月4日')
    """
    import datetime

    from babel.dates import format_skeleton

    return format_skeleton("MMMMd", datetime.date(2000, month, day), locale=_babel_locale(locale))


@dataclass(frozen=True)
class Quantity:
    """An imperial/US quantity in a text, with its metric value."""

    start: int
    end: int
    text: str
    metric_value: float
    metric_unit: str


def imperial_quantities(text: str) -> list[Quantity]:
    """The imperial/US quantities of an English text (units and degrees Fahrenheit), money left out.

    >>> [(q.text, q.metric_unit) for q in imperial_quantities("It's 5 miles away, and 90 °F. Ten pounds of it.")]
    [('5 miles', 'km'), ('90 °F', '°C'), ('Ten pounds', 'kg')]
    """
    found: list[Quantity] = []
    for m in _FAHRENHEIT_RE.finditer(text):
        value = parse_number(m.group("num").lstrip("-"))
        if value is not None:
            value = -value if m.group("num").startswith("-") else value
            found.append(Quantity(m.start(), m.end(), m.group(0), fahrenheit_to_celsius(value), "°C"))
    money = [(m.start(), m.end()) for rx in _MONEY_RES for m in rx.finditer(text)]
    for m in _UNIT_RE.finditer(text):
        value = parse_number(m.group("num"))
        conv = convert_unit(value, m.group("unit")) if value is not None else None
        if conv is None or any(s < m.end() and m.start() < e for s, e in money):
            continue
        found.append(Quantity(m.start(), m.end(), m.group(0), conv[0], conv[1]))
    return sorted(found, key=lambda q: q.start)


# --- money --------------------------------------------------------------------------------------------------

CURRENCY_SYMBOLS = {"US$": "USD", "$": "USD (or another dollar)", "€": "EUR", "£": "GBP", "¥": "JPY/CNY",
                    "₹": "INR", "₽": "RUB", "₩": "KRW", "₪": "ILS", "₺": "TRY", "฿": "THB", "₫": "VND",
                    "₱": "PHP", "R$": "BRL", "C$": "CAD", "A$": "AUD", "CHF": "CHF", "zł": "PLN", "kr": "SEK/NOK/DKK"}
CURRENCY_CODES = ("USD", "EUR", "GBP", "JPY", "CNY", "INR", "RUB", "CHF", "CAD", "AUD", "BRL", "MXN", "KRW")
CURRENCY_WORDS = {
    "dollar": "USD (or another dollar)", "dollars": "USD (or another dollar)", "buck": "USD (slang)",
    "bucks": "USD (slang)", "cent": "cent", "cents": "cent", "euro": "EUR", "euros": "EUR", "quid": "GBP (slang)",
    "pence": "GBP", "pound sterling": "GBP", "pounds sterling": "GBP", "yen": "JPY", "yuan": "CNY",
    "rupee": "INR", "rupees": "INR", "peso": "MXN/other peso", "pesos": "MXN/other peso", "franc": "CHF/old franc",
    "francs": "CHF/old franc", "rouble": "RUB", "roubles": "RUB", "ruble": "RUB", "rubles": "RUB",
    "grand": "thousand (slang)", "dólares": "USD", "dólar": "USD", "Dollar": "USD", "Euro": "EUR",
}
_SYMS = "|".join(sorted((re.escape(s) for s in CURRENCY_SYMBOLS), key=len, reverse=True))
_AMOUNT = r"\d{1,3}(?:[,.\s]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?"
_SCALE = r"(?:\s?(?:k|m|bn|million|billion|thousand|grand)\b)?"
_MONEY_RES = [
    re.compile(rf"(?<!\w)(?P<sym>{_SYMS})\s?(?P<num>{_AMOUNT}){_SCALE}"),
    re.compile(rf"(?<![\w.,])(?P<num>{_AMOUNT})\s?(?P<sym>€|£|¥|₹|₽|zł|kr|CHF)(?!\w)"),
    re.compile(rf"(?<![\w.,])(?P<num>{_AMOUNT}|{_NUM})\s?(?P<sym>{'|'.join(CURRENCY_CODES)})\b"),
    re.compile(rf"(?<![\w.,])(?P<num>{_AMOUNT}|{_NUM})\s+(?P<sym>"
               + "|".join(sorted((re.escape(w) for w in CURRENCY_WORDS), key=len, reverse=True))
               + r")(?![\w'’])", re.IGNORECASE),
]


# --- dates ----------------------------------------------------------------------------------------------------

MONTHS = {
    "en": ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december"],
    "fr": ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
           "novembre", "décembre"],
    "es": ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
           "noviembre", "diciembre"],
    "de": ["januar", "februar", "märz", "april", "mai", "juni", "juli", "august", "september", "oktober",
           "november", "dezember"],
}
_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
             "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth", "seventeenth",
             "eighteenth", "nineteenth", "twentieth"]
ORDINAL_WORDS = {w: i + 1 for i, w in enumerate(_ORDINALS)}
ORDINAL_WORDS.update({f"twenty-{w}": 21 + i for i, w in enumerate(_ORDINALS[:9])})
ORDINAL_WORDS.update({"thirtieth": 30, "thirty-first": 31})


@cache
def _date_res(lang: str) -> list[re.Pattern]:
    names = list(MONTHS.get(lang, MONTHS["en"]))
    abbreviations = ["jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec"] \
        if lang == "en" else []
    # An abbreviation may take a full stop ("Dec. 25"); a full name may not (it ends the sentence).
    month = ("(?P<month>" + "|".join(sorted(names, key=len, reverse=True)) + "|(?:" +
             "|".join(sorted(abbreviations, key=len, reverse=True)) + r")\.?)") if abbreviations else \
        "(?P<month>" + "|".join(sorted(names, key=len, reverse=True)) + ")"
    ordinal = "|".join(sorted(ORDINAL_WORDS, key=len, reverse=True))
    day = rf"(?P<day>\d{{1,2}}(?:st|nd|rd|th|er|º|\.)?|{ordinal})"
    return [re.compile(rf"\b{month}\s+(?:the\s+)?{day}(?!\w)", re.IGNORECASE),
            re.compile(rf"\b(?:the\s+)?{day}\s+(?:of\s+|de\s+)?{month}(?!\w)", re.IGNORECASE)]


def _month_day(m: re.Match, lang: str) -> str | None:
    names = MONTHS.get(lang, MONTHS["en"])
    month_text = m.group("month").lower().rstrip(".")
    index = next((i for i, name in enumerate(names) if name.startswith(month_text[:3]) and
                  (name == month_text or len(month_text) <= 4)), None)
    day_text = m.group("day").lower()
    day = ORDINAL_WORDS.get(day_text)
    if day is None:
        digits = re.match(r"\d+", day_text)
        day = int(digits.group()) if digits else None
    if index is None or not day or day > 31:
        return None
    return f"{index + 1:02d}-{day:02d}"


# --- data files ------------------------------------------------------------------------------------------------

def _data_lines(name: str) -> list[str]:
    try:
        text = resources.files("subpipe.terms").joinpath("data", name).read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    return [line for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


POSSESSIVES = ("my", "your", "his", "her", "its", "our", "their")
OBJECTS = ("me", "you", "him", "her", "us", "them")
REFLEXIVES = ("myself", "yourself", "himself", "herself", "ourselves", "yourselves", "themselves")


def expand_idiom(idiom: str) -> list[str]:
    """Placeholders of the idiom lists spelled out.

    >>> expand_idiom("break one's heart")[:2], expand_idiom("break one's heart")[-1]
    (['break my heart', 'break your heart'], "break one's heart")
    """
    variants = [idiom]
    for placeholder, fills in (("one's", POSSESSIVES), ("someone's", POSSESSIVES), ("someone", OBJECTS),
                               ("oneself", REFLEXIVES)):
        pattern = re.compile(rf"(?<![\w']){re.escape(placeholder)}(?![\w'])")
        out = []
        for v in variants:
            if pattern.search(v):
                out += [pattern.sub(f, v, count=1) for f in fills] + [v]
            else:
                out.append(v)
        variants = out
    return list(dict.fromkeys(variants))


@cache
def idioms(lang: str) -> tuple[GlossaryEntry, ...]:
    """The idioms the project ships for `lang` (``data/idioms.<lang>.txt``), placeholders expanded."""
    entries = []
    for line in _data_lines(f"idioms.{base_lang(lang)}.txt"):
        idiom, _, meaning = (part.strip() for part in line.partition("|"))
        for variant in expand_idiom(idiom):
            entries.append(make_entry(variant, lang, category="idiom", note=meaning or idiom, id=idiom))
    return tuple(entries)


@dataclass(frozen=True)
class Holiday:
    name: str
    date: str | None  # MM-DD when fixed
    case_sensitive: bool
    action: str
    note: str


@cache
def holidays(lang: str) -> tuple[Holiday, ...]:
    """The holidays the project ships for `lang` (``data/holidays.<lang>.tsv``)."""
    out = []
    for line in _data_lines(f"holidays.{base_lang(lang)}.tsv"):
        cells = line.split("\t") + ["", "", "", ""]
        name, date, case, action, note = (c.strip() for c in cells[:5])
        out.append(Holiday(name, None if date in ("", "-") else date, case == "cs", action or "explain", note))
    return tuple(out)


@dataclass(frozen=True)
class Honorific:
    form: str
    kind: str  # title | address | suffix
    action: str
    note: str


@cache
def honorifics() -> tuple[Honorific, ...]:
    out = []
    for line in _data_lines("honorifics.tsv"):
        cells = [c.strip() for c in line.split("\t")] + ["", "", ""]
        out.append(Honorific(cells[0], cells[1], cells[2] or "adapt", cells[3]))
    return tuple(out)


@cache
def _honorific_res() -> list[tuple[re.Pattern, Honorific]]:
    res = []
    for h in honorifics():
        form = re.escape(h.form).replace("'", "['’]")
        if h.kind == "title":
            # Before a capitalised name: "Mr. Smith", "Lady Macbeth" (not "I miss you", "the lady").
            res.append((re.compile(rf"(?<![\w-]){form}\.?(?=\s+[A-ZÀ-ÖØ-Þ][\w'’-]*)"), h))
        elif h.kind == "address":
            res.append((re.compile(rf"(?<![\w-]){form}(?![\w'’-])", re.IGNORECASE), h))
        else:
            # With the name: "Tanaka-san" (the name alone would come back as a PERSON entity).
            res.append((re.compile(rf"(?<![\w-])[A-Za-zÀ-ÿ][\w]*-{form}(?![\w-])", re.IGNORECASE), h))
    return res


# --- candidates -----------------------------------------------------------------------------------------------

@dataclass(eq=False)
class Candidate:
    """Something culture-specific the glossary does not cover, with what to do about it."""

    text: str
    category: str
    action: str
    reason: str
    detector: str  # "ner:PERSON", "money", "unit", "holiday", "date", "honorific", "idiom"
    positions: tuple[int, ...]
    start_ms: int
    end_ms: int
    spans: tuple[CueSpan, ...] = ()
    suggestion: str = ""
    metric: dict | None = None

    def key(self) -> tuple[str, str]:
        return (self.category, " ".join(self.text.lower().split()))

    def to_dict(self) -> dict:
        return {"text": self.text, "category": self.category, "action": self.action, "reason": self.reason,
                "detector": self.detector, "positions": list(self.positions), "start_ms": self.start_ms,
                "end_ms": self.end_ms, "start": format_timecode(self.start_ms), "end": format_timecode(self.end_ms),
                "suggestion": self.suggestion, "metric": self.metric,
                "spans": [[s.position, s.start, s.end] for s in self.spans]}


_SPECIFIC = {"unit": 0, "money": 0, "date": 1, "holiday": 1, "honorific": 1, "idiom": 1}


class _SpanIndex:
    """Character spans by cue position, for "does this overlap anything taken?" in constant-ish time."""

    def __init__(self) -> None:
        self.by_position: dict[int, list[tuple[int, int]]] = {}

    def add(self, spans: Sequence[CueSpan]) -> None:
        for s in spans:
            self.by_position.setdefault(s.position, []).append((s.start, s.end))

    def overlaps(self, spans: Sequence[CueSpan]) -> bool:
        return any(start < s.end and s.start < end for s in spans
                   for start, end in self.by_position.get(s.position, ()))


class Found(NamedTuple):
    """What a detector matched: passage characters ``start:end`` and the candidate's fields."""

    start: int
    end: int
    category: str
    action: str
    detector: str
    reason: str
    suggestion: str = ""
    metric: dict | None = None


@dataclass
class Scan:
    """One passage as the detectors see it, with the spans each earlier detector matched in it."""

    passage: Passage
    doc: "Doc"
    lang: str
    ner: bool
    matched: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    entities: tuple[Entity, ...] | None = None  # the passage's named entities; None: not recognised
    words: Words | None = None  # the doc's token strings, when read already

    @property
    def text(self) -> str:
        return self.passage.text

    def overlaps(self, detector: str, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.matched.get(detector, ()))


Detector = Callable[[Scan], Iterable[Found]]

# Run in this order on every passage; a later detector may read what an earlier one matched
# (`Scan.matched`: units skip amounts of money). Equal-ranked overlaps are settled by `_prune`.
DETECTORS: dict[str, Detector] = {}


def detector(name: str) -> Callable[[Detector], Detector]:
    """Register a detector under `name` (after those registered before it)."""
    def register(fn: Detector) -> Detector:
        DETECTORS[name] = fn
        return fn
    return register


@detector("fahrenheit")
def find_fahrenheit(scan: Scan) -> Iterator[Found]:
    """Temperatures in degrees Fahrenheit, with the Celsius value."""
    for m in _FAHRENHEIT_RE.finditer(scan.text):
        value = parse_number(m.group("num").lstrip("-"))
        if value is None:
            continue
        value = -value if m.group("num").startswith("-") else value
        c = fahrenheit_to_celsius(value)
        yield Found(m.start(), m.end(), category="unit", action="convert", detector="unit",
                    reason=f"temperature in degrees Fahrenheit: {_round(value)} °F is {_round(c)} °C",
                    suggestion=f"≈ {_round(c)} °C", metric={"value": round(c, 2), "unit": "°C"})


@detector("money")
def find_money(scan: Scan) -> Iterator[Found]:
    """Amounts with a currency symbol, code or word; the first pattern to claim the words wins."""
    money_spans: list[tuple[int, int]] = []
    for rx in _MONEY_RES:
        for m in rx.finditer(scan.text):
            if any(s < m.end() and m.start() < e for s, e in money_spans):
                continue
            sym = m.group("sym")
            currency = CURRENCY_SYMBOLS.get(sym) or CURRENCY_WORDS.get(sym) or \
                CURRENCY_WORDS.get(sym.lower()) or sym.upper()
            slang = "slang" in currency
            money_spans.append((m.start(), m.end()))
            yield Found(m.start(), m.end(), category="currency", action="adapt", detector="money",
                        reason=f"money ({currency}): keep the amount and currency; write symbol and number the "
                               f"target way" + ("; the word is slang, find the target's register" if slang else ""))


@detector("unit")
def find_units(scan: Scan) -> Iterator[Found]:
    """Quantities in imperial or US units, with the metric value; never inside an amount of money."""
    for m in _UNIT_RE.finditer(scan.text):
        unit = m.group("unit")
        if unit.lower() in ("pound", "pounds") and any(s <= m.start() < e for s, e in scan.matched.get("money", ())):
            continue
        if scan.overlaps("money", m.start(), m.end()):
            continue
        value = parse_number(m.group("num"))
        conv = convert_unit(value, unit) if value is not None else None
        if conv is None:
            continue
        metric_value, metric_unit, name = conv
        yield Found(m.start(), m.end(), category="unit", action="convert", detector="unit",
                    reason=f"imperial/US unit ({name}): {_round(value)} {unit} is {_round(metric_value)} {metric_unit}",
                    suggestion=f"≈ {_round(metric_value)} {metric_unit}",
                    metric={"value": round(metric_value, 3), "unit": metric_unit})


@cache
def _holidays_by_date(lang: str) -> dict[str, Holiday]:
    by_date: dict[str, Holiday] = {}
    for h in holidays(lang):
        if h.date:
            by_date.setdefault(h.date, h)
    return by_date


@detector("date")
def find_holiday_dates(scan: Scan) -> Iterator[Found]:
    """Dates that fall on a holiday of the language's list (``December 25th``)."""
    by_date = _holidays_by_date(scan.lang)
    for rx in _date_res(scan.lang):
        for m in rx.finditer(scan.text):
            md = _month_day(m, scan.lang)
            if md in by_date:
                h = by_date[md]
                yield Found(m.start(), m.end(), category="holiday", action=h.action, detector="date",
                            reason=f"the date is {h.name}" + (f" ({h.note})" if h.note else ""))


@detector("honorific")
def find_honorifics(scan: Scan) -> Iterator[Found]:
    """Forms of address of the shipped list (Mr, Sir, Señor, -san ...)."""
    for rx, h in _honorific_res():
        for m in rx.finditer(scan.text):
            note = f" ({h.note})" if h.note else ""
            yield Found(m.start(), m.end(), category="honorific", action=h.action, detector="honorific",
                        reason=f"form of address {h.form!r}{note}")


@detector("holiday")
def find_holidays(scan: Scan) -> Iterator[Found]:
    """Holidays by name, matched on lemmas."""
    matcher = _list_matchers(scan.lang)[1]
    for entry, s, e, _ in matcher(scan.doc, words=scan.words) if matcher is not None else ():
        span = scan.doc[s:e]
        yield Found(span.start_char, span.end_char, category="holiday", action=entry.id, detector="holiday",
                    reason=f"holiday: {entry.term}" + (f" ({entry.note})" if entry.note else ""))


@detector("idiom")
def find_idioms(scan: Scan) -> Iterator[Found]:
    """Idioms of the language's list, matched on lemmas."""
    matcher = _list_matchers(scan.lang)[0]
    for entry, s, e, _ in matcher(scan.doc, words=scan.words) if matcher is not None else ():
        span = scan.doc[s:e]
        yield Found(span.start_char, span.end_char, category="idiom", action="adapt", detector="idiom",
                    reason=f"idiom {entry.id!r}: {entry.note}; find an equivalent or translate the sense")


@detector("ner")
def find_named_entities(scan: Scan) -> Iterator[Found]:
    """Named entities of the labels in `NER_LABELS`, when NER is on and the pipeline has one."""
    if not scan.ner or scan.entities is None:
        return
    for ent in scan.entities:
        spec = NER_LABELS.get(ent.label)
        if spec is None:
            continue
        category, action, reason = spec
        if ent.label == "NORP" and scan.text[ent.start:ent.end].lower() in RELIGIOUS:
            category, reason = "religion", "religious group: use the target language's usual term"
        yield Found(ent.start, ent.end, category=category, action=action, detector=f"ner:{ent.label}", reason=reason)


def _add_candidate(found: list["Candidate"], passage: Passage, match: Found) -> None:
    """Add the candidate `match` found, located in its passage's cues."""
    spans = passage.locate(match.start, match.end)
    if not spans:
        return
    cues = {c.position: c for c in passage.cues}
    found.append(Candidate(text=passage.text[match.start:match.end], category=match.category,
                           action=match.action, reason=match.reason, detector=match.detector,
                           positions=tuple(s.position for s in spans),
                           start_ms=min(cues[s.position].start for s in spans),
                           end_ms=max(cues[s.position].end for s in spans), spans=tuple(spans),
                           suggestion=match.suggestion, metric=match.metric))


@cache
def _list_matchers(lang: str) -> tuple[TermMatcher | None, TermMatcher | None]:
    """Matchers for the shipped idiom and holiday lists, built once per language and process."""
    idiom_entries = list(idioms(lang))
    holiday_entries = [make_entry(h.name, lang, category="holiday", case_sensitive=h.case_sensitive,
                                  note=h.note, id=h.action) for h in holidays(lang)]
    return (TermMatcher(idiom_entries, lang) if idiom_entries else None,
            TermMatcher(holiday_entries, lang) if holiday_entries else None)


def discover(analysis: Analysis, *, hits: Sequence[TermHit] = (), glossary: Glossary | None = None,
             ner: bool = True) -> list[Candidate]:
    """Candidates in an analysed track (see the module docstring), in cue order: every registered
    detector (`DETECTORS`) over every passage, then `_prune`."""
    found: list[Candidate] = []
    entities = analysis.entities or [None] * len(analysis.passages)
    for k, (passage, doc, ents) in enumerate(zip(analysis.passages, analysis.docs, entities)):
        scan = Scan(passage, doc, analysis.lang, ner, entities=ents, words=analysis.words_at(k))
        for name, detect in DETECTORS.items():
            matched = scan.matched.setdefault(name, [])
            for match in detect(scan):
                matched.append((match.start, match.end))
                _add_candidate(found, passage, match)
    return _prune(found, hits, glossary, analysis.lang)


def _prune(found: list[Candidate], hits: Sequence[TermHit], glossary: Glossary | None,
           lang: str) -> list[Candidate]:
    known = set()
    if glossary is not None:
        known = {" ".join(e.term.lower().split()) for e in glossary.for_language(lang)}
    covered, taken = _SpanIndex(), _SpanIndex()
    for h in hits:
        covered.add(h.spans)
    out: list[Candidate] = []
    ranked = sorted(found, key=lambda c: (_SPECIFIC.get(c.detector, 2), -(sum(s.end - s.start for s in c.spans))))
    for c in ranked:
        if c.key()[1] in known or covered.overlaps(c.spans) or taken.overlaps(c.spans):
            continue
        taken.add(c.spans)
        out.append(c)
    out.sort(key=lambda c: (c.positions, c.spans[0].start if c.spans else 0))
    return out


def discover_in(analyses: Sequence[Analysis], *, hits: Sequence[TermHit] = (), glossary: Glossary | None = None,
                ner: bool = True) -> list[Candidate]:
    """`discover` in each language's analysis (its own lists, holidays and NER), in cue order; `ner`
    False turns NER off for all."""
    if len(analyses) <= 1:
        return discover(analyses[0], hits=hits, glossary=glossary,
                        ner=ner and pipeline_info(analyses[0].lang).has_ner) if analyses else []
    found = [c for a in analyses
             for c in discover(a, hits=hits, glossary=glossary, ner=ner and pipeline_info(a.lang).has_ner)]
    found.sort(key=lambda c: (c.positions, c.spans[0].start if c.spans else 0))
    return found


def discover_terms(track: Track | Sequence[Cue], lang: str | None = None, *, glossary: Glossary | None = None,
                   hits: Sequence[TermHit] = ()) -> list[Candidate]:
    """Analyse `track` and discover candidates: the one-call form of `analyze_track` + `discover`,
    each cue read in its own language (`Cue.lang`; `lang`, else the track's, for the others)."""
    lang = lang or (track.lang if isinstance(track, Track) else None)
    if not lang:
        from subpipe.errors import ErrorCode, SubpipeError

        raise SubpipeError("the track's language is unknown: pass lang", code=ErrorCode.NO_LANGUAGE)
    return discover_in(analyze_languages(track, lang), hits=hits, glossary=glossary)


def group_candidates(candidates: Sequence[Candidate]) -> list[dict]:
    """One row per distinct candidate (category + text), with its count and every occurrence."""
    groups: dict[tuple[str, str], list[Candidate]] = {}
    for c in candidates:
        groups.setdefault(c.key(), []).append(c)
    rows = []
    for (category, _), occ in groups.items():
        first = occ[0]
        rows.append({"text": first.text, "category": category, "action": first.action, "reason": first.reason,
                     "detector": first.detector, "suggestion": first.suggestion, "count": len(occ),
                     "first_position": first.positions[0], "first_start": format_timecode(first.start_ms),
                     "occurrences": [{"positions": list(c.positions), "start_ms": c.start_ms, "end_ms": c.end_ms,
                                      "text": c.text} for c in occ]})
    rows.sort(key=lambda r: r["occurrences"][0]["positions"])
    return rows


__all__ = ["ACTIONS", "DETECTORS", "Candidate", "Found", "Scan", "detector", "discover", "discover_in", "discover_terms", "group_candidates", "idioms", "holidays",
           "honorifics", "convert_unit", "fahrenheit_to_celsius", "parse_number"]
