"""bytes -> text: BOMs, detection, mojibake repair, line ends; each decision reported.

`decode` is the one entry point. It never raises for bytes it is merely unsure about: whatever it had
to guess, repair or replace is listed in ``Decoded.findings`` with the 1-based line it concerns. It
raises `SubpipeError` only when the caller named an encoding the bytes are not in.

The steps, in order:

1. the encoding: a caller's `encoding` as told; else a byte-order mark; else BOM-less UTF-16/32 told by
   the pattern of NUL bytes; else UTF-8 if the bytes decode strictly; else a legacy code page chosen by
   charset-normalizer, narrowed by the language hint (``lang="zh"`` prefers GB18030 then Big5, ``ja``
   CP932, ``ko`` CP949, ``ru`` CP1251, western languages CP1252);
2. line ends: CRLF and CR become ``"\\n"`` (only those: U+0085 and U+2028 are text here, because
   double-encoded UTF-8 is full of U+0085);
3. double-encoded UTF-8 ("tÃ¶richt" for "töricht") is repaired line by line, only where every
   accented letter of the line is part of a sequence that decodes to a plausible character;
4. NUL bytes are removed, stray BOMs removed, other control characters and U+FFFD reported.

>>> decode("Größe\\r\\n".encode("cp1252"), lang="de").text
'Größe\\n'
>>> decode("tÃ¶richt\\n".encode("utf-8")).text
'töricht\\n'
"""

import codecs
import re
import unicodedata
from dataclasses import dataclass, field

from charset_normalizer import from_bytes

from subpipe.errors import ErrorCode, Finding, SubpipeError

_BOMS = [
    # UTF-32 LE first: its BOM starts with the UTF-16 LE one.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]

# Legacy code pages to consider first for a language (ISO 639-1, region/script subtags allowed).
_WESTERN = ("cp1252",)
_LANG_CODECS: dict[str, tuple[str, ...]] = {
    "zh": ("gb18030", "big5"),
    "zh-tw": ("big5", "gb18030"), "zh-hk": ("big5", "gb18030"), "zh-hant": ("big5", "gb18030"),
    "ja": ("cp932", "euc_jp"),
    "ko": ("cp949",),
    "ru": ("cp1251", "koi8_r"), "uk": ("cp1251", "koi8_u"), "be": ("cp1251",), "bg": ("cp1251",),
    "sr": ("cp1251", "cp1250"), "mk": ("cp1251",),
    "pl": ("cp1250", "iso8859_2"), "cs": ("cp1250", "iso8859_2"), "sk": ("cp1250", "iso8859_2"),
    "hu": ("cp1250", "iso8859_2"), "ro": ("cp1250", "iso8859_16"), "hr": ("cp1250", "iso8859_2"),
    "sl": ("cp1250", "iso8859_2"), "bs": ("cp1250", "iso8859_2"),
    "el": ("cp1253",), "tr": ("cp1254",), "he": ("cp1255",), "ar": ("cp1256",), "fa": ("cp1256",),
    "et": ("cp1257",), "lv": ("cp1257",), "lt": ("cp1257",), "vi": ("cp1258",), "th": ("cp874",),
}

# Tie-break between equally clean candidates: the code pages subtitles are actually written in.
_POPULAR = ["cp1252", "gb18030", "cp1251", "big5", "cp932", "cp949", "cp1250", "iso8859_2", "cp1256",
            "cp1253", "cp1254", "cp1255", "cp1257", "cp874", "koi8_r", "euc_jp", "latin_1"]
_MULTIBYTE = {"gb18030", "big5", "big5hkscs", "cp950", "cp932", "cp949", "euc_jp"}

# A detected name -> the codec we decode with (a superset that strictly accepts more real files).
_SUPERSET = {
    "gb2312": "gb18030", "gbk": "gb18030", "hz": "gb18030",
    "shift_jis": "cp932", "shift_jis_2004": "cp932", "shift_jisx0213": "cp932",
    "euc_kr": "cp949", "johab": "cp949",
    "iso8859_1": "cp1252", "latin_1": "cp1252", "ascii": "utf-8",
    "big5": "big5", "big5hkscs": "big5hkscs",
}
_FALLBACKS = {"cp1252": ("latin_1",), "big5": ("cp950", "big5hkscs"), "cp1251": ("latin_1",)}

_MAX_LINE_FINDINGS = 10  # per kind, then one summary finding


@dataclass
class Decoded:
    text: str
    encoding: str
    findings: list[Finding] = field(default_factory=list)


def decode(data: bytes, *, path: str = "<input>", encoding: str | None = None,
           lang: str | None = None) -> Decoded:
    """Bytes of a subtitle file -> text with ``"\\n"`` line ends, plus what was decided and repaired.

    `encoding` forces the codec (bytes it cannot decode raise `SubpipeError` naming the line);
    `lang` is a hint for the legacy code page when the bytes are not UTF-8.

    >>> d = decode(b"\\xef\\xbb\\xbf1\\r\\n00:00:01,000 --> 00:00:02,000\\r\\nHi\\r\\n")
    >>> d.encoding, [f.kind for f in d.findings]
    ('utf-8', ['bom', 'crlf-line-ends'])
    """
    if encoding:
        text, enc, findings, lossy = _decode_as(data, encoding, path)
    else:
        text, enc, findings, lossy = _decode_auto(data, path, lang)
    text, line_end_findings = normalize_line_ends(text, path)
    findings += line_end_findings
    text, mojibake_findings = repair_mojibake(text, path)
    findings += mojibake_findings
    text, control_findings = _clean_controls(text, path, lossy)
    findings += control_findings
    return Decoded(text, enc, findings)


# --- choosing the encoding ---------------------------------------------------------------------

def _decode_as(data: bytes, encoding: str, path: str) -> tuple[str, str, list[Finding], bool]:
    try:
        codec = codecs.lookup(encoding).name
    except LookupError:
        raise SubpipeError(f"unknown encoding {encoding!r}", path=path, code=ErrorCode.ENCODING) from None
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        line = _line_at(data, exc.start, codec)
        raise SubpipeError(f"byte 0x{data[exc.start]:02x} at offset {exc.start} is not valid {encoding} "
                           f"({exc.reason}); leave out --encoding to detect it", path=path, line=line,
                           code=ErrorCode.ENCODING) from None
    findings = []
    if text.startswith("\ufeff"):
        text = text[1:]
        findings.append(Finding("bom", f"{encoding} byte-order mark removed", path=path, line=1,
                                severity="info"))
    return text, encoding, findings, False


def _decode_auto(data: bytes, path: str, lang: str | None) -> tuple[str, str, list[Finding], bool]:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            text = body.decode(codec, errors="replace")
            return text, codec, [Finding("bom", f"{codec.upper()} byte-order mark", path=path, line=1,
                                         severity="info")], _is_lossy(body, codec)
    wide = _sniff_utf16_32(data)
    if wide:
        try:
            text = data.decode(wide)
        except UnicodeDecodeError:
            text = ""
        if "\n" in text or "\r" in text:
            return text, wide, [Finding("encoding-detected", f"{wide} without byte-order mark "
                                        "(told by its NUL bytes)", path=path, line=1, severity="info")], False
    try:
        return data.decode("utf-8"), "utf-8", [], False
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    return _decode_legacy(data, path, lang, first_bad)


def _decode_legacy(data: bytes, path: str, lang: str | None,
                   first_bad: int) -> tuple[str, str, list[Finding], bool]:
    """Not UTF-8: a legacy code page, or UTF-8 with some lines in a legacy code page."""
    utf8_lines, legacy_lines = _classify_lines(data)
    if utf8_lines:
        # Some lines prove UTF-8 (non-ASCII that decodes), others refute it: lines pasted in from files
        # of other code pages, maybe several. Each such line gets the code page that reads it best.
        # (A legacy file rarely has a whole non-ASCII line that happens to be valid UTF-8.)
        detected = detect_encoding(b"\n".join(legacy_lines), lang)
        candidates = _line_candidates(lang, detected[0] if detected else None)
        text, decisions, lossy = _decode_by_line(data, candidates)
        return text, "utf-8", _mixed_encoding_findings(decisions, path), lossy
    detected = detect_encoding(data, lang)
    if detected:
        codec, confidence, others = detected
        for candidate in (codec, *_FALLBACKS.get(codec, ())):
            try:
                text = data.decode(candidate)
            except UnicodeDecodeError:
                continue
            message = f"not UTF-8 (first bad byte on line {_line_at(data, first_bad, 'latin_1')}); " \
                      f"decoded as {candidate}, confidence {confidence:.2f}"
            if lang:
                message += f" (language hint {lang!r})"
            if others:
                message += f"; also plausible: {', '.join(others)} (pass the encoding to choose)"
            return text, candidate, [Finding("encoding-detected", message, path=path, line=1,
                                             severity="info")], False
    # Nothing decodes cleanly: keep what UTF-8 can read and mark the rest.
    finding = Finding("encoding-detected", "no encoding decodes these bytes cleanly; decoded as UTF-8 with "
                      "replacement characters", path=path, line=1, severity="warning")
    return data.decode("utf-8", errors="replace"), "utf-8", [finding], True


def detect_encoding(data: bytes, lang: str | None = None) -> tuple[str, float, list[str]] | None:
    """Best legacy codec for `data` as ``(codec, confidence, other plausible codecs)``, or None.

    Only code pages subtitles are really written in are considered, the language's own first.

    >>> detect_encoding("Это копьё с тёмным прошлым.".encode("cp1251"), "ru")[0]
    'cp1251'
    """
    preferred = _lang_codecs(lang) if lang else ()
    order = list(dict.fromkeys([*preferred, *_POPULAR]))
    for candidates in (preferred, _POPULAR):
        if candidates:
            ranked = _rank(data, from_bytes(data, cp_isolation=list(candidates)), order)
            if ranked:
                return ranked
    for codec in (*preferred, "cp1252"):  # all too chaotic for charset-normalizer: the first that decodes
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue
        return codec, 0.5, []
    return None


def _rank(data: bytes, results, order: list[str]) -> tuple[str, float, list[str]] | None:
    candidates: dict[str, float] = {}
    for match in results:
        # charset-normalizer reports code pages that decode these bytes identically as one match
        for name in (match.encoding, *match.could_be_from_charset):
            codec = _SUPERSET.get(name, name)
            if codec not in ("utf_8", "utf-8"):
                candidates[codec] = min(match.chaos, candidates.get(codec, 1.0))
    if not candidates:
        return None
    best_chaos = min(candidates.values())
    close = [c for c, chaos in candidates.items() if chaos <= best_chaos + _ambiguity(c)]

    def popularity(codec: str) -> tuple[int, float]:
        return (order.index(codec) if codec in order else len(order), candidates[codec])

    close.sort(key=popularity)
    codec = close[0]
    text = data.decode(codec, errors="replace")
    others = [c for c in close[1:] if c in order and data.decode(c, errors="replace") != text][:3]
    return codec, round(1.0 - candidates[codec], 2), others


def _ambiguity(codec: str) -> float:
    """How much more chaos than the best a candidate may show and still count as equally clean.

    charset-normalizer's chaos is noisy on the few lines of CJK text a subtitle file holds (Shift-JIS
    text scores cleaner as CP949 than as CP932), so multibyte code pages get a wider margin.
    """
    return 0.05 if codec in _MULTIBYTE else 0.01


def _lang_codecs(lang: str | None) -> tuple[str, ...]:
    if not lang:
        return _WESTERN
    key = lang.lower().replace("_", "-")
    return _LANG_CODECS.get(key) or _LANG_CODECS.get(key.split("-")[0]) or _WESTERN


def _sniff_utf16_32(data: bytes) -> str | None:
    """UTF-16/32 without BOM, told by where the NUL bytes fall in mostly-ASCII text."""
    sample = data[:4000]
    if len(sample) < 16 or sample.count(0) < len(sample) // 4:
        return None

    def zero_ratio(offset: int, step: int) -> float:
        part = sample[offset::step]
        return part.count(0) / len(part) if part else 0.0

    if len(sample) % 4 == 0:
        if zero_ratio(2, 4) > 0.95 and zero_ratio(3, 4) > 0.95 and zero_ratio(0, 4) < 0.5:
            return "utf-32-le"
        if zero_ratio(0, 4) > 0.95 and zero_ratio(1, 4) > 0.95 and zero_ratio(3, 4) < 0.5:
            return "utf-32-be"
    if zero_ratio(1, 2) > 0.4 and zero_ratio(0, 2) < 0.1:
        return "utf-16-le"
    if zero_ratio(0, 2) > 0.4 and zero_ratio(1, 2) < 0.1:
        return "utf-16-be"
    return None


def _classify_lines(data: bytes) -> tuple[int, list[bytes]]:
    """(lines that are valid UTF-8 with non-ASCII, lines that are not valid UTF-8)."""
    utf8, legacy = 0, []
    for raw in data.split(b"\n"):
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            legacy.append(raw)
            continue
        utf8 += not raw.isascii()
    return utf8, legacy


@dataclass(frozen=True)
class LineDecision:
    """How one line that is not UTF-8 was decoded: `codec`, and the others that read it as well."""

    line: int
    codec: str
    tied: tuple[str, ...] = ()


# Single-byte code pages a pasted line is tried in after the language's own: their texts differ, and
# `_implausibility` tells them apart on a line of real words.
_LINE_CODECS = ("cp1252", "cp1251", "cp1250", "cp1253", "cp1254", "cp1257")


def _line_candidates(lang: str | None, detected: str | None) -> list[str]:
    preferred = _lang_codecs(lang) if lang else ()
    return list(dict.fromkeys([*preferred, *([detected] if detected else []), *_LINE_CODECS]))


_WORD_RE = re.compile(r"\S+")


def _script(ch: str) -> str:
    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else "?"


def _implausibility(text: str) -> int:
    """How unlike real words `text` is: words mixing scripts ("cafй"), words of accented Latin only
    ("Ïðèâåò", Cyrillic read as CP1252), symbols inside words ("Za¿ó³æ"), control characters.

    >>> _implausibility("café crème"), _implausibility("cafй crиme"), _implausibility("Ïðèâåò")
    (0, 4, 1)
    """
    score = 0
    for word in _WORD_RE.findall(text):
        core = word.strip(".,;:!?\"'()[]<>-…«»„“”‘’")
        letters = [ch for ch in core if ch.isalpha()]
        scripts = {_script(ch) for ch in letters}
        if len(scripts) > 1:
            score += 2
        elif len(letters) >= 3 and all(not ch.isascii() for ch in letters) and scripts == {"LATIN"}:
            score += 1
        score += sum(1 for ch in core if unicodedata.category(ch)[0] in "SC" or
                     unicodedata.category(ch) == "No")
    return score


def _decode_line(raw: bytes, candidates: list[str]) -> tuple[str | None, LineDecision | None]:
    """The best reading of a line that is not UTF-8, or (None, None) if no candidate decodes it."""
    readings = []
    for codec in candidates:
        try:
            text = raw.decode(codec)
        except (UnicodeDecodeError, LookupError):
            continue
        readings.append((_implausibility(text), codec, text))
    if not readings:
        return None, None
    best = min(score for score, _, _ in readings)
    winners = [(codec, text) for score, codec, text in readings if score == best]  # candidate order kept
    codec, text = winners[0]
    tied = tuple(dict.fromkeys(c for c, t in winners[1:] if t != text))
    return text, LineDecision(0, codec, tied)


def _decode_by_line(data: bytes, candidates: list[str]) -> tuple[str, list[LineDecision], bool]:
    pieces, decisions, lossy = [], [], False
    for number, raw in enumerate(data.split(b"\n"), 1):
        try:
            pieces.append(raw.decode("utf-8"))
            continue
        except UnicodeDecodeError:
            pass
        text, decision = _decode_line(raw, candidates)
        if text is None:
            pieces.append(raw.decode("utf-8", errors="replace"))
            lossy = True
            continue
        pieces.append(text)
        decisions.append(LineDecision(number, decision.codec, decision.tied))
    return "\n".join(pieces), decisions, lossy


def _mixed_encoding_findings(decisions: list[LineDecision], path: str) -> list[Finding]:
    """One finding per run of consecutive lines decoded alike, naming the lines and the code page."""
    runs: list[list[LineDecision]] = []
    for d in decisions:
        last = runs[-1][-1] if runs else None
        if last and last.line == d.line - 1 and (last.codec, last.tied) == (d.codec, d.tied):
            runs[-1].append(d)
        else:
            runs.append([d])
    per_run = []
    for run in runs:
        first, last = run[0].line, run[-1].line
        lines = f"line {first}" if first == last else f"lines {first}-{last}"
        message = f"UTF-8 file, but {lines} not: decoded as {run[0].codec}"
        if run[0].tied:
            message += f" (as plausible: {', '.join(run[0].tied)}; pass --encoding if that is wrong)"
        per_run.append((first, message))
    if not per_run:
        return []
    total = len(decisions)
    codecs_used = ", ".join(dict.fromkeys(d.codec for d in decisions))
    summary = Finding("mixed-encoding", f"UTF-8, but {total} line(s) are not; decoded those as {codecs_used}, "
                      "each line by itself", path=path, line=decisions[0].line, fixed=True)
    return [summary, *_capped("mixed-encoding-line", per_run, path, severity="warning")]


def _is_lossy(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return True
    return False


def _line_at(data: bytes, offset: int, codec: str) -> int:
    """1-based line of byte `offset`, counting CRLF, CR and LF each as one line end."""
    prefix = data[:offset].decode(codec, errors="replace")
    return prefix.count("\n") + prefix.count("\r") - prefix.count("\r\n") + 1


# --- line ends ----------------------------------------------------------------------------------

def normalize_line_ends(text: str, path: str = "<input>") -> tuple[str, list[Finding]]:
    """CRLF and lone CR -> LF, reported.

    >>> normalize_line_ends("a\\rb\\r")[0]
    'a\\nb\\n'
    """
    if "\r" not in text:
        return text, []
    crlf = text.count("\r\n")
    cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    findings = []
    if crlf and not cr and not lf:
        findings.append(Finding("crlf-line-ends", "Windows (CRLF) line ends", path=path, severity="info"))
    elif cr and not crlf and not lf:
        findings.append(Finding("cr-line-ends", "old Mac (CR-only) line ends converted to LF", path=path,
                                line=1, fixed=True))
    else:
        first = _first_line_with_other_end(text)
        findings.append(Finding("mixed-line-ends", f"mixed line ends ({crlf} CRLF, {cr} CR, {lf} LF) "
                                "converted to LF", path=path, line=first, fixed=True))
    return text.replace("\r\n", "\n").replace("\r", "\n"), findings


def _first_line_with_other_end(text: str) -> int:
    """Line where the line-end style first differs from the first line's."""
    ends = re.findall(r"\r\n|\r|\n", text)
    for number, end in enumerate(ends, 1):
        if end != ends[0]:
            return number
    return 1


# --- double-encoded UTF-8 -----------------------------------------------------------------------

# Characters that stand for the bytes 0x80-0xFF when UTF-8 was read as Latin-1 or as CP1252.
_BYTE_OF: dict[str, int] = {chr(b): b for b in range(0x80, 0x100)}
for _b in range(0x80, 0xA0):
    try:
        _BYTE_OF[bytes([_b]).decode("cp1252")] = _b
    except UnicodeDecodeError:
        pass
_CONT = "[" + "".join(re.escape(ch) for ch, b in _BYTE_OF.items() if 0x80 <= b <= 0xBF) + "]"
_MOJIBAKE_RE = re.compile(f"[\u00c2-\u00df]{_CONT}|[\u00e0-\u00ef]{_CONT}{{2}}|[\u00f0-\u00f4]{_CONT}{{3}}")
_ACCENTED = re.compile("[\u00c0-\u00ff]")

# What a repaired sequence may decode to: letters of the scripts subtitles are written in and common
# punctuation. Anything else (N'Ko for "ß“", IPA for "É…") means the "mojibake" was real text.
_PLAUSIBLE = [
    (0x00A0, 0x017F), (0x0218, 0x021B), (0x0384, 0x03CE), (0x0400, 0x045F), (0x0490, 0x04FF),
    (0x05B0, 0x05F4), (0x0600, 0x06FF), (0x0E00, 0x0E7F), (0x1E00, 0x1EFF), (0x2000, 0x206F),
    (0x20A0, 0x20CF), (0x2100, 0x214F), (0x2190, 0x21FF), (0x2600, 0x27BF), (0x3000, 0x30FF),
    (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7AF), (0xFF00, 0xFFEF), (0x1F000, 0x1FAFF),
    (0x20000, 0x2FFFF),
]


def _plausible(ch: str) -> bool:
    cp = ord(ch)
    return any(lo <= cp <= hi for lo, hi in _PLAUSIBLE) and not unicodedata.category(ch).startswith("C")


def _unmangle(seq: str) -> str | None:
    """The character a mojibake sequence stood for, or None if it is not one."""
    try:
        fixed = bytes(_BYTE_OF[ch] for ch in seq).decode("utf-8")
    except (KeyError, UnicodeDecodeError):
        return None
    return fixed if len(fixed) == 1 and _plausible(fixed) else None


def _repair_line(line: str) -> tuple[str, int, bool]:
    """(repaired line, sequences repaired, True if left alone although it looked double-encoded)."""
    matches = [(m, _unmangle(m.group(0))) for m in _MOJIBAKE_RE.finditer(line)]
    good = [(m, fixed) for m, fixed in matches if fixed is not None]
    if not good:
        return line, 0, False
    covered = set()
    for m, _ in good:
        covered.update(range(m.start(), m.end()))
    # An accented letter outside every repairable sequence means the line holds real Latin-1 text:
    # it is either legitimate or mixed within the line, and we do not guess.
    if any(i not in covered for i in (m.start() for m in _ACCENTED.finditer(line))):
        return line, 0, True
    out, pos = [], 0
    for m, fixed in good:
        out += [line[pos:m.start()], fixed]
        pos = m.end()
    out.append(line[pos:])
    return "".join(out), len(good), False


def repair_mojibake(text: str, path: str = "<input>") -> tuple[str, list[Finding]]:
    """Undo UTF-8 that was decoded as Latin-1/CP1252 and encoded again, line by line.

    A line is repaired only when each of its accented letters belongs to a sequence that decodes, as
    UTF-8, to a plausible character; lines that mix real accents with such sequences are reported,
    not changed. Up to three layers of double encoding are undone.

    >>> repair_mojibake("Es ist tÃ¶richt\\nÇa, là, où")[0]
    'Es ist töricht\\nÇa, là, où'
    """
    if not _MOJIBAKE_RE.search(text):
        return text, []
    lines = text.split("\n")
    repaired_lines: set[int] = set()
    suspicious: set[int] = set()
    count = 0
    # A sequence never spans a line end, so only the lines holding one can change.
    for number in _rows_matching(text, _MOJIBAKE_RE):
        line = lines[number]
        for _ in range(3):
            fixed, n, left_alone = _repair_line(line)
            if left_alone:
                suspicious.add(number + 1)
            if not n:
                break
            line, count = fixed, count + n
            repaired_lines.add(number + 1)
        lines[number] = line
    suspicious -= repaired_lines
    findings = []
    if repaired_lines:
        first = min(repaired_lines)
        findings.append(Finding(
            "mojibake-repaired", f"double-encoded UTF-8 repaired: {count} character(s) on "
            f"{len(repaired_lines)} line(s), first on line {first}", path=path, line=first, fixed=True))
    if suspicious:
        first = min(suspicious)
        findings.append(Finding(
            "mojibake-suspected", f"{len(suspicious)} line(s) look partly double-encoded but also hold "
            f"correct accented letters; left unchanged (first on line {first})", path=path, line=first))
    return "\n".join(lines), findings


# --- control characters and replacement characters -----------------------------------------------

_CONTROL_RE = re.compile("[\x01-\x08\x0b\x0c\x0e-\x1f\x7f\x80-\x9f]")


def _clean_controls(text: str, path: str, lossy: bool) -> tuple[str, list[Finding]]:
    findings: list[Finding] = []
    if "\x00" in text:
        lines = _lines_containing(text, "\x00")
        findings.append(Finding("nul-bytes", f"{text.count(chr(0))} NUL character(s) removed "
                                f"(first on line {lines[0]})", path=path, line=lines[0], fixed=True))
        text = text.replace("\x00", "")
    if "\ufeff" in text:
        lines = _lines_containing(text, "\ufeff")
        findings.append(Finding("stray-bom", "byte-order mark(s) inside the text removed (concatenated "
                                "files?)", path=path, line=lines[0], fixed=True))
        text = text.replace("\ufeff", "")
    per_line = []
    lines = text.split("\n")
    for row in _rows_matching(text, _CONTROL_RE):  # one scan of the text, then only the lines that hold one
        number, found = row + 1, sorted(set(_CONTROL_RE.findall(lines[row])))
        if found:
            codes = ", ".join(f"U+{ord(ch):04X}" for ch in found)
            why = "often a byte of a wrongly decoded character"
            per_line.append((number, f"control character(s) {codes} in the text ({why})"))
    findings += _capped("control-chars", per_line, path, severity="warning")
    if "\ufffd" in text:
        kind = "undecodable-bytes" if lossy else "replacement-chars"
        why = "bytes that could not be decoded were replaced by U+FFFD" if lossy else \
              "the file itself holds U+FFFD replacement characters (damaged before it reached us)"
        per_line = [(n, why) for n, line in enumerate(text.split("\n"), 1) if "\ufffd" in line]
        findings += _capped(kind, per_line, path, severity="warning")
    return text, findings


def _rows_matching(text: str, pattern: re.Pattern) -> list[int]:
    """0-based numbers of the lines holding a match of `pattern` (one that never spans a line end).

    >>> _rows_matching("ok\\nbad\\x01\\nok\\n\\x02\\x03", _CONTROL_RE)
    [1, 3]
    """
    rows: list[int] = []
    row, scanned = 0, 0
    for m in pattern.finditer(text):
        row += text.count("\n", scanned, m.start())
        scanned = m.start()
        if not rows or rows[-1] != row:
            rows.append(row)
    return rows


def _lines_containing(text: str, ch: str) -> list[int]:
    return [n for n, line in enumerate(text.split("\n"), 1) if ch in line]


def _capped(kind: str, per_line: list[tuple[int, str]], path: str, severity) -> list[Finding]:
    findings = [Finding(kind, msg, path=path, line=n, severity=severity)
                for n, msg in per_line[:_MAX_LINE_FINDINGS]]
    if len(per_line) > _MAX_LINE_FINDINGS:
        rest = per_line[_MAX_LINE_FINDINGS:]
        findings.append(Finding(kind, f"... and {len(rest)} more line(s) like this", path=path,
                                line=rest[0][0], severity=severity))
    return findings
