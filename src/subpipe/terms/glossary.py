"""Loading the production glossary: one loader per file type, found through a registry by extension.

A `Glossary` (`subpipe.terms.model`) is a list of `GlossaryEntry`: a term in a source language, its
category, the approved translations per target language, renderings that are forbidden, and two flags
(do not translate; match case-sensitively). `load_glossary` is the one way in, for every command and
flow (``subpipe align`` included): it picks the loader registered for the file's extension (``.csv``
``.txt``, ``.tsv`` ``.tab``, ``.tbx`` ``.xml``, ``.json``; `register_loader` adds one) and returns a
glossary with findings for what it noticed, or raises `SubpipeError` naming the file and line. Nothing
half-read is ever returned.

Limits: at most `max_entries()` entries (``SUBPIPE_MAX_GLOSSARY_ENTRIES``, default 200,000); a CSV
field of at most 128 KiB (the `csv` module's limit); JSON nested at most `MAX_JSON_DEPTH` deep; TBX
through defusedxml (no entity declarations, no external references).

CSV and TSV columns (a header row is required; names are case-insensitive, order free):

=====================  =============================================================================
``term``               the source term (required); alias ``source``
``language``           its language tag (``en``, ``pt-BR``); alias ``lang``; default: the caller's `lang`
``category``           one of `CATEGORIES`; default ``other``
``do_not_translate``   ``yes``/``no`` (also true/false, 1/0, x); alias ``dnt``; default no
``case_sensitive``     ``yes``/``no``; default no (names that are also words, like *Barley*, want yes)
``note``               free text for translators; aliases ``notes``, ``comment``
``id``                 optional stable identifier
``<tag>``              approved translations into that language or locale (``es``, ``es-419``, ``pt-BR``);
                       several separated by ``|``. A target locale takes the most specific column of its
                       fallback chain that has a value (es-MX: ``es-MX``, else ``es-419``, else ``es``)
``forbidden_<tag>``    renderings forbidden in that language, ``|``-separated; a locale inherits those of
                       every link of its chain
=====================  =============================================================================

A bilingual table whose header names languages only (``en,de``) is read too, when its first column is
the source language the caller gave: that column holds the terms. A CSV without a header row (the
``source,target`` pairs older ``subpipe align`` read) is refused at line 1, since a first row of terms
cannot be told from a header: add ``term,<target tag>`` on top.

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
from collections.abc import Callable, Iterable
from pathlib import Path

from subpipe.errors import ErrorCode, SubpipeError
from subpipe.fileio import read_input
from subpipe.limits import current_limits
from subpipe.reports import restore_cell
from subpipe.terms.model import (
    CATEGORIES,
    Glossary,
    GlossaryEntry,
    duplicate_findings,
    is_tag,
    make_entry,
    max_entries,
    normalize_tag,
    same_base_language,
    same_language,
    split_values,
    too_many_entries,
)
from subpipe.terms.tbx import parse_tbx

__all__ = ["CATEGORIES", "Glossary", "GlossaryEntry", "load_glossary", "loader_for", "make_entry", "normalize_tag",
           "parse_bool", "parse_csv", "parse_json", "register_loader", "same_language", "split_values"]

MAX_JSON_DEPTH = 32  # the glossary shape needs 5 levels; depth beyond this is an attack or a mistake

_TRUE = {"yes", "y", "true", "1", "x"}
_FALSE = {"no", "n", "false", "0", ""}
_ALIASES = {
    "source": "term", "lang": "language", "dnt": "do_not_translate", "notes": "note", "comment": "note",
    "case-sensitive": "case_sensitive", "do-not-translate": "do_not_translate",
}
_FIXED = {"term", "language", "category", "do_not_translate", "case_sensitive", "note", "id"}


def parse_bool(value: str, *, column: str, path: str | None = None, line: int | None = None) -> bool:
    v = (value or "").strip().lower()
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    raise SubpipeError(f"column {column!r}: {value!r} is not yes/no", path=path, line=line, code=ErrorCode.GLOSSARY)


def _header_columns(header: list[str], lang: str | None, path: str | None) -> tuple[list[str], str | None]:
    """Canonical column names, and the language of a bilingual table's first column (``en,de``)."""
    columns = [_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in header]
    if "term" in columns:
        return columns, None
    first = columns[0] if columns else ""
    if lang and is_tag(first) and same_base_language(first, lang):  # "zh,en" for a zh-TW film: the terms are zh
        return ["term"] + columns[1:], normalize_tag(first)
    raise SubpipeError(f"glossary header has no 'term' column (found: {', '.join(header)}); a glossary CSV starts "
                       "with a header row such as 'term,de' (or 'en,de' for terms in en)", path=path, line=1,
                       code=ErrorCode.GLOSSARY)


def parse_csv(text: str, *, path: str | None = None, lang: str | None = None, delimiter: str = ",",
              limit: int | None = None) -> Glossary:
    """A glossary from CSV (or TSV with ``delimiter="\\t"``) text; columns as in the module docstring."""
    limit = limit or max_entries()
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration:
        raise SubpipeError("glossary is empty (expected a header row)", path=path, line=1, code=ErrorCode.GLOSSARY) from None
    except csv.Error as exc:
        raise SubpipeError(f"not valid CSV: {exc}", path=path, line=1, code=ErrorCode.GLOSSARY) from None
    columns, term_lang = _header_columns(header, lang, path)
    targets: dict[int, tuple[str, str]] = {}
    for i, (raw, col) in enumerate(zip(header, columns)):
        if col in _FIXED:
            continue
        kind, tag = ("forbidden", col[len("forbidden_"):]) if col.startswith("forbidden_") else ("approved", col)
        if not is_tag(tag):
            raise SubpipeError(f"unknown glossary column {raw.strip()!r}: expected {', '.join(sorted(_FIXED))}, "
                               "a language tag (approved translations) or forbidden_<tag>", path=path, line=1,
                               code=ErrorCode.GLOSSARY)
        targets[i] = (kind, tag)
    entries: list[GlossaryEntry] = []
    line = reader.line_num
    try:
        for row in reader:
            start, line = line + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(entries) == limit:
                raise too_many_entries(limit, path=path, line=start)
            if len(row) > len(header):
                raise SubpipeError(f"row has {len(row)} cells, the header {len(header)}", path=path, line=start,
                                   code=ErrorCode.GLOSSARY)
            entries.append(_csv_entry(row, columns, targets, term_lang or lang, path, start))
    except csv.Error as exc:
        raise SubpipeError(f"not valid CSV: {exc}", path=path, line=line + 1, code=ErrorCode.GLOSSARY) from None
    fmt = "tsv" if delimiter == "\t" else "csv"
    return Glossary(entries=entries, path=path, format=fmt, findings=duplicate_findings(entries, path))


def _csv_entry(row: list[str], columns: list[str], targets: dict[int, tuple[str, str]], lang: str | None,
               path: str | None, line: int) -> GlossaryEntry:
    row = [restore_cell(cell) for cell in row]  # a glossary saved by subpipe's CSV writer reads back as it was
    cells = dict(zip(columns, row))
    translations: dict[str, list[str]] = {}
    forbidden: dict[str, list[str]] = {}
    for i, (kind, tag) in targets.items():
        if i < len(row) and row[i].strip():
            (translations if kind == "approved" else forbidden).setdefault(tag, []).extend(split_values(row[i]))
    language = (cells.get("language") or "").strip() or lang
    if not language:
        raise SubpipeError("glossary does not say its language: add a 'language' column or pass the source "
                           "language", path=path, line=line, code=ErrorCode.GLOSSARY)
    return make_entry(
        cells.get("term", ""), language, category=cells.get("category", ""), translations=translations,
        forbidden=forbidden,
        do_not_translate=parse_bool(cells.get("do_not_translate", ""), column="do_not_translate", path=path,
                                    line=line),
        case_sensitive=parse_bool(cells.get("case_sensitive", ""), column="case_sensitive", path=path, line=line),
        note=cells.get("note", ""), id=cells.get("id", ""), path=path, line=line)


_JSON_KEYS = {"term", "language", "category", "translations", "forbidden", "do_not_translate", "case_sensitive",
              "note", "id"}
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}\n]')


def _json_structure(text: str):
    """(line, depth, char) of every bracket outside strings, in order: a linear scan, no recursion."""
    line, depth = 1, 0
    for m in _JSON_TOKEN.finditer(text):
        char = m.group()
        if char == "\n":
            line += 1
        elif char in "[{":
            depth += 1
            yield line, depth, char
        elif char in "]}":
            yield line, depth, char
            depth -= 1
        else:
            line += char.count("\n")  # a raw newline in a string is invalid JSON, but keep the count honest


def _too_deep(text: str, path: str | None) -> SubpipeError:
    line = next((ln for ln, depth, _ in _json_structure(text) if depth > MAX_JSON_DEPTH), None)
    return SubpipeError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep (a glossary needs 5)", path=path,
                        line=line, code=ErrorCode.GLOSSARY)


def _json_entry_lines(text: str, in_object: bool) -> list[int]:
    """The line each entry object starts on: objects directly inside the entries list."""
    entry_depth = 3 if in_object else 2
    return [ln for ln, depth, char in _json_structure(text) if char == "{" and depth == entry_depth]


def parse_json(text: str, *, path: str | None = None, lang: str | None = None, limit: int | None = None) -> Glossary:
    """A glossary from JSON text (see the module docstring for the shape)."""
    limit = limit or max_entries()
    text = text.lstrip("\ufeff")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SubpipeError(f"not valid JSON: {exc.msg}", path=path, line=exc.lineno, code=ErrorCode.GLOSSARY) from None
    except RecursionError:  # the C decoder refuses deep nesting this way; say where instead
        raise _too_deep(text, path) from None
    if isinstance(data, dict):
        lang = data.get("language") or lang
        items = data.get("entries")
    else:
        items = data
    if not isinstance(items, list):
        raise SubpipeError("JSON glossary must be a list of entries or an object with an 'entries' list",
                           path=path, line=1, code=ErrorCode.GLOSSARY)
    lines: list[int] | None = None

    def line_of(n: int) -> int | None:
        nonlocal lines
        if lines is None:  # only on the error path: one scan of the text
            lines = _json_entry_lines(text, isinstance(data, dict))
        return lines[n - 1] if n - 1 < len(lines) else None

    if len(items) > limit:
        raise too_many_entries(limit, path=path, line=line_of(limit + 1))
    entries = []
    for n, item in enumerate(items, 1):
        try:
            entries.append(_json_entry(item, n, lang, path))
        except SubpipeError as exc:
            raise SubpipeError(exc.message, path=path, line=line_of(n), code=ErrorCode.GLOSSARY) from None
    return Glossary(entries=entries, path=path, format="json", findings=duplicate_findings(entries, path))


def _json_entry(item, n: int, lang: str | None, path: str | None) -> GlossaryEntry:
    if not isinstance(item, dict):
        raise SubpipeError(f"entry {n} is not an object", code=ErrorCode.GLOSSARY)
    unknown = set(item) - _JSON_KEYS
    if unknown:
        raise SubpipeError(f"entry {n} ({item.get('term')!r}) has unknown keys {sorted(unknown)}; known: "
                           f"{sorted(_JSON_KEYS)}", code=ErrorCode.GLOSSARY)
    language = item.get("language") or lang
    if not language:
        raise SubpipeError(f"entry {n} ({item.get('term')!r}) has no language and the glossary none",
                           code=ErrorCode.GLOSSARY)
    for key in ("translations", "forbidden"):
        if not isinstance(item.get(key, {}), dict):
            raise SubpipeError(f"entry {n} ({item.get('term')!r}): {key!r} must map language tags to lists of "
                               "strings", code=ErrorCode.GLOSSARY)
    try:
        return make_entry(item.get("term", ""), language, category=item.get("category", "other"),
                          translations=item.get("translations"), forbidden=item.get("forbidden"),
                          do_not_translate=bool(item.get("do_not_translate", False)),
                          case_sensitive=bool(item.get("case_sensitive", False)), note=item.get("note", ""),
                          id=item.get("id", ""), path=path)
    except SubpipeError as exc:
        raise SubpipeError(f"entry {n}: {exc.message}", code=ErrorCode.GLOSSARY) from None


# --- the loader registry -------------------------------------------------------------------------------

GlossaryLoader = Callable[..., Glossary]  # (data: bytes, *, path: str, lang: str | None, limit: int) -> Glossary


def _text(data: bytes, path: str) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise SubpipeError("glossary is not UTF-8 (save it as UTF-8)", path=path, line=line,
                           code=ErrorCode.GLOSSARY) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def load_csv(data: bytes, *, path: str, lang: str | None, limit: int) -> Glossary:
    """CSV; a header with tabs and no commas makes it TSV (spreadsheets save TSV as .csv or .txt)."""
    text = _text(data, path)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first and "," not in first else ","
    return parse_csv(text, path=path, lang=lang, delimiter=delimiter, limit=limit)


def load_tsv(data: bytes, *, path: str, lang: str | None, limit: int) -> Glossary:
    return parse_csv(_text(data, path), path=path, lang=lang, delimiter="\t", limit=limit)


def load_json(data: bytes, *, path: str, lang: str | None, limit: int) -> Glossary:
    return parse_json(_text(data, path), path=path, lang=lang, limit=limit)


def load_tbx(data: bytes, *, path: str, lang: str | None, limit: int) -> Glossary:
    return parse_tbx(data, path=path, lang=lang, limit=limit)


# Built at import, never lazily: threads of a batch read glossaries at once.
_LOADERS: dict[str, GlossaryLoader] = {"csv": load_csv, "txt": load_csv, "tsv": load_tsv, "tab": load_tsv,
                                       "tbx": load_tbx, "xml": load_tbx, "json": load_json}


def register_loader(extensions: Iterable[str], loader: GlossaryLoader) -> None:
    """Read files with these extensions (``"csv"`` or ``".csv"``) with `loader` (a plug-in's, say)."""
    for ext in extensions:
        _LOADERS[ext.lower().lstrip(".")] = loader


def loader_for(path: str | Path, format: str | None = None) -> GlossaryLoader:
    """The loader for `format` (an extension), else for the file's extension."""
    p = Path(path)
    fmt = (format or p.suffix).lower().lstrip(".")
    try:
        return _LOADERS[fmt]
    except KeyError:
        known = ", ".join(f".{ext}" for ext in sorted(_LOADERS))
        raise SubpipeError(f"cannot tell the glossary format from {('.' + fmt) if fmt else 'no extension'!r}: "
                           f"use one of {known}", path=str(p), code=ErrorCode.GLOSSARY) from None


def load_glossary(path: str | Path, *, lang: str | None = None, format: str | None = None,
                  limit: int | None = None) -> Glossary:
    """Read a glossary file with the loader for its type (`format`, else the extension).

    `lang` is the source language: the default for CSV/JSON entries without one, and the language
    whose terms become entries of a (multilingual) TBX file (default: the file's ``xml:lang``).
    `limit` caps the entries (default `max_entries()`).
    """
    p = Path(path)
    data = read_input(p, what="glossary file", max_bytes=current_limits().max_file_bytes or None)
    loader = loader_for(p, format)  # after reading: a folder or a missing file is not a format question
    return loader(data, path=str(p), lang=lang, limit=limit or max_entries())
