"""The glossary model: `Glossary` of `GlossaryEntry`, language tags, and the entry limit.

Every loader (`subpipe.terms.glossary` for CSV/TSV/JSON, `subpipe.terms.tbx` for TBX) builds entries
with `make_entry` and returns a `Glossary`; this module imports no loader, so loaders can import it
without a cycle.

A glossary may hold at most `max_entries()` entries: 200,000 unless the environment variable
``SUBPIPE_MAX_GLOSSARY_ENTRIES`` says otherwise (0: no limit). Real termbases reach 100,000 entries; a
file beyond the limit is refused (``code=ErrorCode.LIMIT``), naming the line where it was passed, instead of
filling memory.

>>> g = Glossary([make_entry("Sir", "en", translations={"es": "señor | don"}),
...               make_entry("Proog", "en", do_not_translate=True)])
>>> g.anchor_pairs("en", "es-MX")
[('Sir', 'señor'), ('Sir', 'don'), ('Proog', 'Proog')]
"""

import re
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache

from subpipe.errors import ErrorCode, Finding, SubpipeError
from subpipe.limits import Limits, env_name

CATEGORIES = ("honorific", "idiom", "food", "holiday", "religion", "currency", "unit", "institution", "place",
              "person", "other")

_CATEGORY = {c: c for c in CATEGORIES}

MAX_ENTRIES_ENV = env_name("max_glossary_entries")
DEFAULT_MAX_ENTRIES = Limits.max_glossary_entries

TAG_RE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")


def is_tag(value) -> bool:
    """Whether `value` is a well-formed language tag (``en``, ``pt-BR``, ``zh_Hans``)."""
    return isinstance(value, str) and _is_tag_text(value)


@lru_cache(maxsize=4096)
def _is_tag_text(value: str) -> bool:
    return TAG_RE.match(value) is not None


def max_entries() -> int:
    """The largest glossary subpipe reads: `subpipe.limits.Limits.max_glossary_entries` as the environment
    sets it now (``$SUBPIPE_MAX_GLOSSARY_ENTRIES``, default 200,000; 0 means no limit)."""
    return Limits.from_env().max_glossary_entries


def too_many_entries(limit: int, *, path: str | None, line: int | None) -> SubpipeError:
    return SubpipeError(f"glossary has more than {limit:,} entries ({MAX_ENTRIES_ENV}); split it, or raise the "
                        "limit if the file is trusted", path=path, line=line, code=ErrorCode.LIMIT)


@lru_cache(maxsize=4096)
def normalize_tag(tag: str) -> str:
    """``pt_br`` -> ``pt-BR``: one spelling per language tag, so lookups agree.

    >>> normalize_tag("pt_br"), normalize_tag("EN"), normalize_tag("zh-hans")
    ('pt-BR', 'en', 'zh-Hans')
    """
    parts = re.split(r"[-_]", tag.strip())
    out = [parts[0].lower()]
    for p in parts[1:]:
        out.append(p.upper() if len(p) == 2 else p.title() if len(p) == 4 else p.lower())
    return "-".join(out)


@lru_cache(maxsize=4096)
def same_language(a: str | None, b: str | None) -> bool:
    """True when `a` and `b` name the same language; a bare ``es`` matches any ``es-XX``.

    Chinese in Simplified characters and Chinese in Traditional ones are not the same: each tag is
    written in its script subtag's, else its region's likely one (CLDR: zh-TW, zh-HK, zh-MO Traditional;
    zh-CN, zh-SG and a bare zh Simplified, `subpipe.locales.chinese_script`), and a bare script matches
    any region written in it.

    >>> same_language("es", "es-MX"), same_language("pt-BR", "pt-PT"), same_language("en-US", "en")
    (True, False, True)
    >>> same_language("zh", "zh-CN"), same_language("zh", "zh-TW"), same_language("zh-Hant", "zh-HK")
    (True, False, True)
    """
    if not a or not b:
        return False
    a, b = normalize_tag(a), normalize_tag(b)
    if a == b:
        return True
    pa, pb = a.split("-")[0], b.split("-")[0]
    if pa != pb:
        return False
    from subpipe.locales import chinese_script, parse_locale

    script = chinese_script(a)
    if script is not None:  # same script, and one region or none
        if script != chinese_script(b):
            return False
        ra, rb = parse_locale(a).region, (parse_locale(b).region if chinese_script(b) else None)
        return not ra or not rb or ra == rb
    return "-" not in a or "-" not in b


def same_spoken_language(a: str | None, b: str | None) -> bool:
    """`same_language`, or one Chinese language written in the other script: what is spoken is the same
    (Mandarin dialogue is not foreign to a zh-Hant audience; its Simplified text is OpenCC's to convert).

    >>> same_spoken_language("zh", "zh-TW"), same_spoken_language("yue", "zh-Hant"), same_language("zh", "zh-TW")
    (True, False, False)
    """
    from subpipe.locales import chinese_script

    return same_language(a, b) or (same_base_language(a, b) and bool(chinese_script(a) and chinese_script(b)))


def same_base_language(a: str | None, b: str | None) -> bool:
    """True when `a` and `b` are variants of one language, in any script or region (``zh``, ``zh-TW``).

    >>> same_base_language("zh", "zh-TW"), same_base_language("zh-Hant", "en")
    (True, False)
    """
    return bool(a and b) and normalize_tag(a).split("-")[0] == normalize_tag(b).split("-")[0]


# slots: a 100,000-entry termbase is 100,000 of these, and a per-instance __dict__ is most of their cost
@dataclass(slots=True)
class GlossaryEntry:
    """One term of the glossary, in its source language."""

    term: str
    language: str
    category: str = "other"
    translations: dict[str, list[str]] = field(default_factory=dict)
    forbidden: dict[str, list[str]] = field(default_factory=dict)
    do_not_translate: bool = False
    case_sensitive: bool = False
    note: str = ""
    id: str = ""
    line: int | None = None

    def approved(self, lang: str) -> list[str]:
        """Approved translations into `lang`: those of the most specific tag of `lang`'s fallback chain
        the entry has (for ``es-MX``: ``es-MX``, else ``es-419``, else ``es``), so an ``es-MX`` term wins
        over the ``es`` one; an entry with none of them, any variant of the language (``es-ES`` for ``es``).

        >>> e = make_entry("computer", "en", translations={"es": ["ordenador"], "es-419": ["computadora"]})
        >>> e.approved("es-MX"), e.approved("es-ES"), e.approved("es")
        (['computadora'], ['ordenador'], ['ordenador'])
        """
        return _for_locale(self.translations, lang)

    def forbidden_in(self, lang: str) -> list[str]:
        """Forbidden renderings in `lang`: those of every link of its fallback chain (a rendering
        forbidden in ``es`` is forbidden in ``es-MX`` too), unless a link approves it."""
        approved = set(self.approved(lang))
        return [v for v in _along_chain(self.forbidden, lang) if v not in approved]

    def to_dict(self) -> dict:
        return asdict(self)


def _chain(lang: str) -> list[str]:
    """`lang`'s fallback chain, without the links written in another script (zh-TW: zh-TW, zh-Hant; not
    the Simplified bare zh)."""
    from subpipe.locales import is_locale, script_chain

    return script_chain(lang) if is_locale(lang) else [normalize_tag(lang)]


def _for_locale(table: dict[str, list[str]], lang: str) -> list[str]:
    """The values of the first link of `lang`'s fallback chain `table` has; else of any variant; else,
    for Chinese, the other script's written in `lang`'s with OpenCC (a ``zh`` 软件 is 軟體 in zh-TW)."""
    if not table:
        return []
    by_tag = {normalize_tag(tag): values for tag, values in table.items()}
    for link in _chain(lang):
        if by_tag.get(link):
            return list(dict.fromkeys(by_tag[link]))
    return _for_lang(table, lang) or _in_script(table, lang)


def _in_script(table: dict[str, list[str]], lang: str) -> list[str]:
    """The values of `lang`'s language in the other Chinese script, converted to `lang`'s (OpenCC)."""
    from subpipe.locales import convert_script, to_script

    config = to_script(lang)
    if config is None:
        return []
    values = [v for tag, vs in table.items() if same_base_language(tag, lang) for v in vs]
    return list(dict.fromkeys(convert_script(values, config)))


def _along_chain(table: dict[str, list[str]], lang: str) -> list[str]:
    """The values of every link of `lang`'s fallback chain in `table`; else of any variant."""
    if not table:
        return []
    by_tag = {normalize_tag(tag): values for tag, values in table.items()}
    found = [v for link in _chain(lang) for v in by_tag.get(link, [])]
    return list(dict.fromkeys(found)) if found else _for_lang(table, lang)


def _for_lang(table: dict[str, list[str]], lang: str) -> list[str]:
    out: list[str] = []
    for tag, values in table.items():
        if same_language(tag, lang):
            out.extend(v for v in values if v not in out)
    return out


@dataclass
class Glossary:
    """The entries of one glossary file, plus what loading it noticed (duplicates, skipped entries)."""

    entries: list[GlossaryEntry] = field(default_factory=list)
    path: str | None = None
    format: str | None = None
    findings: list[Finding] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.entries)

    def __iter__(self):
        return iter(self.entries)

    def for_language(self, lang: str) -> list[GlossaryEntry]:
        """The entries whose source language is `lang` (`entries_in`: Chinese of the other script too)."""
        return entries_in(self.entries, lang)

    def anchor_pairs(self, source_lang: str, target_lang: str) -> list[tuple[str, str]]:
        """(source term, target rendering) for the entries in `source_lang`: each approved translation
        into `target_lang`, and the term itself for a do-not-translate entry (a name reads the same in
        both tracks). What alignment uses as lexical anchors."""
        pairs: dict[tuple[str, str], None] = {}
        for e in self.for_language(source_lang):
            for rendering in ([e.term] if e.do_not_translate else []) + e.approved(target_lang):
                pairs[(e.term, rendering)] = None
        return list(pairs)

    def languages(self) -> list[str]:
        return sorted({e.language for e in self.entries})

    def target_languages(self) -> list[str]:
        return sorted({t for e in self.entries for t in (*e.translations, *e.forbidden)})

    def summary(self) -> dict:
        by_cat: dict[str, int] = {}
        for e in self.entries:
            by_cat[e.category] = by_cat.get(e.category, 0) + 1
        return {"path": self.path, "format": self.format, "entries": len(self.entries),
                "languages": self.languages(), "targets": self.target_languages(), "categories": by_cat,
                "do_not_translate": sum(e.do_not_translate for e in self.entries)}

    def to_dict(self) -> dict:
        return {"summary": self.summary(), "entries": [e.to_dict() for e in self.entries],
                "findings": [f.to_dict() for f in self.findings]}


def entries_in(entries, lang: str) -> list[GlossaryEntry]:
    """The entries of `entries` whose source language is `lang`; for Chinese, then those of the other
    script, their term written in `lang`'s by OpenCC (`subpipe.locales.to_script`) unless an entry of
    `lang`'s script has it: a zh glossary's 饺子 is found as 餃子 in a zh-Hant film.

    >>> [(e.term, e.language) for e in entries_in([make_entry("饺子", "zh"), make_entry("软件", "zh")], "zh-TW")]
    [('餃子', 'zh-TW'), ('軟體', 'zh-TW')]
    """
    own = [e for e in entries if same_language(e.language, lang)]
    others = [e for e in entries if not same_language(e.language, lang) and same_spoken_language(e.language, lang)]
    if not others:
        return own
    from subpipe.locales import convert_script, to_script

    have = {e.term for e in own}
    tag = normalize_tag(lang)
    converted = [replace(e, term=term, language=tag)
                 for e, term in zip(others, convert_script([e.term for e in others], to_script(lang)))]
    return own + [e for e in converted if e.term not in have]


def split_values(cell: str) -> list[str]:
    """``"señor | don"`` -> ``['señor', 'don']``."""
    return [v.strip() for v in cell.split("|") if v.strip()]


def make_entry(term: str, language: str, *, category: str = "other", translations=None, forbidden=None,
               do_not_translate: bool = False, case_sensitive: bool = False, note: str = "", id: str = "",
               path: str | None = None, line: int | None = None) -> GlossaryEntry:
    """A validated entry: the term is non-empty text, the category known, the language tags well formed,
    translations strings (``"a | b"`` or a list of strings)."""
    where = {"path": path, "line": line}
    if not isinstance(term, str):
        raise SubpipeError(f"the term must be text, not {type(term).__name__}", code=ErrorCode.GLOSSARY, **where)
    term = " ".join(term.split())
    if not term:
        raise SubpipeError("glossary entry has an empty term", code=ErrorCode.GLOSSARY, **where)
    # one shared string per category, not one per entry
    known = _CATEGORY.get((category or "other").strip().lower()) if isinstance(category, str | None) else None
    if known is None:
        raise SubpipeError(f"term {term!r}: unknown category {category!r}; expected one of "
                           f"{', '.join(CATEGORIES)}", code=ErrorCode.GLOSSARY, **where)
    if not is_tag(language):
        raise SubpipeError(f"term {term!r}: {language!r} is not a language tag", code=ErrorCode.GLOSSARY, **where)

    def table(raw, what: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for tag, values in (raw or {}).items():
            if not is_tag(tag):
                raise SubpipeError(f"term {term!r}: {what} for {tag!r}, which is not a language tag",
                                   code=ErrorCode.GLOSSARY, **where)
            if isinstance(values, str):
                values = split_values(values)
            if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
                raise SubpipeError(f"term {term!r}: {what} for {tag!r} must be text or a list of texts",
                                   code=ErrorCode.GLOSSARY, **where)
            have = out.setdefault(normalize_tag(tag), [])
            for value in values:
                value = " ".join(value.split())
                if value and value not in have:
                    have.append(value)
        return out

    return GlossaryEntry(term=term, language=normalize_tag(language), category=known,
                         translations=table(translations, "translations"),
                         forbidden=table(forbidden, "forbidden renderings"),
                         do_not_translate=bool(do_not_translate), case_sensitive=bool(case_sensitive),
                         note=str(note or "").strip(), id=str(id or ""), line=line)


def duplicate_findings(entries: list[GlossaryEntry], path: str | None) -> list[Finding]:
    """A warning for each term defined twice in one language (both are kept)."""
    seen: dict[tuple[str, str], GlossaryEntry] = {}
    findings = []
    for e in entries:
        key = (e.language.split("-")[0], e.term if e.case_sensitive else e.term.lower())
        if key in seen:
            first = seen[key]
            findings.append(Finding("duplicate-term", f"term {e.term!r} ({e.language}) is also defined at line "
                                    f"{first.line}; both are kept", path=path, line=e.line, severity="warning"))
        else:
            seen[key] = e
    return findings
