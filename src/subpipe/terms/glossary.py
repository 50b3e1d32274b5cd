"""The production glossary: culture-specific terms and how each target language must render them.

A `Glossary` is a list of `GlossaryEntry`: a term in a source language, its category, the approved
translations per target language, renderings that are forbidden, and two flags (do not translate;
match case-sensitively). Loaders read CSV/TSV, TBX (see `subpipe.terms.tbx`) and JSON; each either
returns a glossary, with findings for what it noticed, or raises `SubpipeError` naming the file and line.

CSV and TSV columns (header row required; names are case-insensitive, order free):

=====================  =============================================================================
``term``               the source term (required); alias ``source``
``language``           its language tag (``en``, ``pt-BR``); alias ``lang``; default: the caller's `lang`
``category``           one of `CATEGORIES`; default ``other``
``do_not_translate``   ``yes``/``no`` (also true/false, 1/0, x); alias ``dnt``; default no
``case_sensitive``     ``yes``/``no``; default no (names that are also words, like *Barley*, want yes)
``note``               free text for translators; aliases ``notes``, ``comment``
``id``                 optional stable identifier
``<tag>``              approved translations into that language (``es``, ``de``, ``pt-BR``); several
                       separated by ``|``
``forbidden_<tag>``    renderings forbidden in that language, ``|``-separated
=====================  =============================================================================

JSON: ``{"language": "en", "entries": [{"term": ..., "category": ..., "translations": {"es": [...]},
"forbidden": {"es": [...]}, "do_not_translate": false, "case_sensitive": false, "note": ""}]}``, or a
bare list of such entries.

>>> g = parse_csv("term,category,es,forbidden_es\\nSir,honorific,señor,sir\\n", lang="en")
>>> e = g.entries[0]
>>> (e.term, e.category, e.approved("es-MX"), e.forbidden_in("es"))
('Sir', 'honorific', ['señor'], ['sir'])
"""

import csv
import io
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from subpipe.errors import Finding, SubpipeError

CATEGORIES = ("honorific", "idiom", "food", "holiday", "religion", "currency", "unit", "institution", "place",
              "person", "other")

_TAG_RE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
_TRUE = {"yes", "y", "true", "1", "x"}
_FALSE = {"no", "n", "false", "0", ""}
_ALIASES = {
    "source": "term", "lang": "language", "dnt": "do_not_translate", "notes": "note", "comment": "note",
    "case-sensitive": "case_sensitive", "do-not-translate": "do_not_translate",
}
_FIXED = {"term", "language", "category", "do_not_translate", "case_sensitive", "note", "id"}


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


def same_language(a: str | None, b: str | None) -> bool:
    """True when `a` and `b` name the same language; a bare ``es`` matches any ``es-XX``.

    >>> same_language("es", "es-MX"), same_language("pt-BR", "pt-PT"), same_language("en-US", "en")
    (True, False, True)
    """
    if not a or not b:
        return False
    a, b = normalize_tag(a), normalize_tag(b)
    if a == b:
        return True
    pa, pb = a.split("-")[0], b.split("-")[0]
    return pa == pb and ("-" not in a or "-" not in b)


@dataclass
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
        """Approved translations into `lang` (a bare ``es`` entry serves ``es-MX`` too)."""
        return _for_lang(self.translations, lang)

    def forbidden_in(self, lang: str) -> list[str]:
        return _for_lang(self.forbidden, lang)

    def to_dict(self) -> dict:
        return asdict(self)


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
        """The entries whose source language is `lang`."""
        return [e for e in self.entries if same_language(e.language, lang)]

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


def make_entry(term: str, language: str, *, category: str = "other", translations=None, forbidden=None,
               do_not_translate: bool = False, case_sensitive: bool = False, note: str = "", id: str = "",
               path: str | None = None, line: int | None = None) -> GlossaryEntry:
    """A validated entry: the term is non-empty, the category known, the language tags well formed."""
    term = " ".join(str(term).split())
    where = {"path": path, "line": line}
    if not term:
        raise SubpipeError("glossary entry has an empty term", code="glossary", **where)
    category = (category or "other").strip().lower()
    if category not in CATEGORIES:
        raise SubpipeError(f"term {term!r}: unknown category {category!r}; expected one of "
                           f"{', '.join(CATEGORIES)}", code="glossary", **where)
    if not _TAG_RE.match(language or ""):
        raise SubpipeError(f"term {term!r}: {language!r} is not a language tag", code="glossary", **where)

    def table(raw, what: str) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for tag, values in (raw or {}).items():
            if not _TAG_RE.match(tag):
                raise SubpipeError(f"term {term!r}: {what} for {tag!r}, which is not a language tag",
                                   code="glossary", **where)
            if isinstance(values, str):
                values = split_values(values)
            have = out.setdefault(normalize_tag(tag), [])
            for value in values:
                value = " ".join(str(value).split())
                if value and value not in have:
                    have.append(value)
        return out

    return GlossaryEntry(term=term, language=normalize_tag(language), category=category,
                         translations=table(translations, "translations"),
                         forbidden=table(forbidden, "forbidden renderings"),
                         do_not_translate=bool(do_not_translate), case_sensitive=bool(case_sensitive),
                         note=str(note or "").strip(), id=str(id or ""), line=line)


def split_values(cell: str) -> list[str]:
    """``"señor | don"`` -> ``['señor', 'don']``."""
    return [v.strip() for v in cell.split("|") if v.strip()]


def parse_bool(value: str, *, column: str, path: str | None = None, line: int | None = None) -> bool:
    v = (value or "").strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise SubpipeError(f"column {column!r}: {value!r} is not yes/no", path=path, line=line, code="glossary")


def _dedupe_findings(entries: list[GlossaryEntry], path: str | None) -> list[Finding]:
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


def parse_csv(text: str, *, path: str | None = None, lang: str | None = None,
              delimiter: str = ",") -> Glossary:
    """A glossary from CSV (or TSV with ``delimiter="\\t"``) text; columns as in the module docstring."""
    text = text.lstrip("\ufeff")
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise SubpipeError("glossary is empty (expected a header row)", path=path, line=1, code="glossary") from None
    except csv.Error as exc:
        raise SubpipeError(f"not valid CSV: {exc}", path=path, line=1, code="glossary") from None
    columns = [_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    if "term" not in columns:
        raise SubpipeError(f"glossary header has no 'term' column (found: {', '.join(header)})", path=path,
                           line=1, code="glossary")
    targets: dict[int, tuple[str, str]] = {}
    for i, (raw, col) in enumerate(zip(header, columns)):
        if col in _FIXED:
            continue
        kind, tag = ("forbidden", col[len("forbidden_"):]) if col.startswith("forbidden_") else ("approved", col)
        if not _TAG_RE.match(tag):
            raise SubpipeError(f"unknown glossary column {raw.strip()!r}: expected {', '.join(sorted(_FIXED))}, "
                               "a language tag (approved translations) or forbidden_<tag>", path=path, line=1,
                               code="glossary")
        targets[i] = (kind, tag)
    entries: list[GlossaryEntry] = []
    line = reader.line_num
    try:
        for row in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) > len(header):
                raise SubpipeError(f"row has {len(row)} cells, the header {len(header)}", path=path, line=start,
                                   code="glossary")
            cells = dict(zip(columns, row))
            translations: dict[str, list[str]] = {}
            forbidden: dict[str, list[str]] = {}
            for i, (kind, tag) in targets.items():
                if i < len(row) and row[i].strip():
                    (translations if kind == "approved" else forbidden).setdefault(tag, []).extend(
                        split_values(row[i]))
            language = (cells.get("language") or "").strip() or lang
            if not language:
                raise SubpipeError("glossary does not say its language: add a 'language' column or pass the "
                                   "source language", path=path, line=start, code="glossary")
            entries.append(make_entry(
                cells.get("term", ""), language, category=cells.get("category", ""), translations=translations,
                forbidden=forbidden,
                do_not_translate=parse_bool(cells.get("do_not_translate", ""), column="do_not_translate",
                                            path=path, line=start),
                case_sensitive=parse_bool(cells.get("case_sensitive", ""), column="case_sensitive", path=path,
                                          line=start),
                note=cells.get("note", ""), id=cells.get("id", ""), path=path, line=start))
    except csv.Error as exc:
        raise SubpipeError(f"not valid CSV: {exc}", path=path, line=reader.line_num, code="glossary") from None
    fmt = "tsv" if delimiter == "\t" else "csv"
    return Glossary(entries=entries, path=path, format=fmt, findings=_dedupe_findings(entries, path))


_JSON_KEYS = {"term", "language", "category", "translations", "forbidden", "do_not_translate", "case_sensitive",
              "note", "id"}


def parse_json(text: str, *, path: str | None = None, lang: str | None = None) -> Glossary:
    """A glossary from JSON text (see the module docstring for the shape)."""
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise SubpipeError(f"not valid JSON: {exc.msg}", path=path, line=exc.lineno, code="glossary") from None
    if isinstance(data, dict):
        lang = data.get("language") or lang
        items = data.get("entries")
    else:
        items = data
    if not isinstance(items, list):
        raise SubpipeError("JSON glossary must be a list of entries or an object with an 'entries' list",
                           path=path, code="glossary")
    entries = []
    for n, item in enumerate(items, 1):
        if not isinstance(item, dict):
            raise SubpipeError(f"entry {n} is not an object", path=path, code="glossary")
        unknown = set(item) - _JSON_KEYS
        if unknown:
            raise SubpipeError(f"entry {n} ({item.get('term')!r}) has unknown keys {sorted(unknown)}; known: "
                               f"{sorted(_JSON_KEYS)}", path=path, code="glossary")
        language = item.get("language") or lang
        if not language:
            raise SubpipeError(f"entry {n} ({item.get('term')!r}) has no language and the glossary none",
                               path=path, code="glossary")
        for key in ("translations", "forbidden"):
            if not isinstance(item.get(key, {}), dict):
                raise SubpipeError(f"entry {n} ({item.get('term')!r}): {key!r} must map language tags to "
                                   "lists of strings", path=path, code="glossary")
        try:
            entries.append(make_entry(
                item.get("term", ""), language, category=item.get("category", "other"),
                translations=item.get("translations"), forbidden=item.get("forbidden"),
                do_not_translate=bool(item.get("do_not_translate", False)),
                case_sensitive=bool(item.get("case_sensitive", False)), note=item.get("note", ""),
                id=item.get("id", ""), path=path))
        except SubpipeError as exc:
            raise SubpipeError(f"entry {n}: {exc.message}", path=path, code="glossary") from None
    return Glossary(entries=entries, path=path, format="json", findings=_dedupe_findings(entries, path))


def load_glossary(path: str | Path, *, lang: str | None = None, format: str | None = None) -> Glossary:
    """Read a glossary file: CSV, TSV, TBX or JSON, told by `format` or the extension.

    `lang` is the source language: the default for CSV/JSON entries without one, and the language
    whose terms become entries of a (multilingual) TBX file (default: the file's ``xml:lang``).
    """
    p = Path(path)
    try:
        data = p.read_bytes()
    except FileNotFoundError:
        raise SubpipeError("no such glossary file", path=str(p), code="not-found") from None
    except IsADirectoryError:
        raise SubpipeError("is a directory, not a glossary file", path=str(p), code="not-found") from None
    except OSError as exc:
        raise SubpipeError(f"cannot read: {exc.strerror}", path=str(p), code="io") from None
    fmt = (format or p.suffix.lstrip(".")).lower()
    if fmt in ("tbx", "xml"):
        from subpipe.terms.tbx import parse_tbx

        return parse_tbx(data, path=str(p), lang=lang)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SubpipeError("glossary is not UTF-8 (save it as UTF-8)", path=str(p), line=line,
                           code="glossary") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if fmt == "json":
        return parse_json(text, path=str(p), lang=lang)
    if fmt in ("tsv", "tab"):
        return parse_csv(text, path=str(p), lang=lang, delimiter="\t")
    if fmt in ("csv", "txt"):
        first = text.split("\n", 1)[0]
        return parse_csv(text, path=str(p), lang=lang, delimiter="\t" if "\t" in first and "," not in first
                         else ",")
    raise SubpipeError(f"cannot tell the glossary format from {p.suffix or 'no extension'!r}: use .csv, .tsv, "
                       ".tbx or .json", path=str(p), code="glossary")
