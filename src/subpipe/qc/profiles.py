"""Delivery profiles: the limits a track is checked against, kept as TOML data users can copy and edit.

A profile file has top-level defaults, per-language ``[lang.<tag>]`` tables that override them, and
may start with ``extends = "<name or path>"`` to change only a few keys of another profile. The
built-in files live in ``subpipe/qc/profiles/`` (``netflix``, ``netflix-legacy``); a name is resolved
there, anything that looks like a path (contains a slash or ends in ``.toml``) is read from disk.

>>> p = load_profile("netflix", lang="ja", fps=25)
>>> (p.max_chars_per_line, p.width_rule, p.max_cps, p.min_gap_ms)
(13, 'fullwidth', 4.0, 80)
>>> line_width("ｱｲｳ日本", "fullwidth")       # half-width katakana count 0.5
3.5

What counts, and why:

- **Line length** is measured on `Cue.plain` lines (markup removed). ``width_rule = "chars"`` counts
  every character as 1; ``"fullwidth"`` counts East Asian wide, full-width and ambiguous characters as
  1 and everything else (half-width katakana, Latin letters, digits, ASCII spaces) as 0.5, as the
  Netflix Japanese and Korean guides do. Combining marks and invisible format characters count 0
  under both rules (text is NFC-normalised first, so a decomposed "é" is one character).
- **Reading speed** counts characters, not widths: every character a viewer reads, spaces and
  punctuation included (``cps_counts_spaces = false`` leaves whitespace out), line breaks and markup
  excluded. Netflix's "characters per second" include spaces and punctuation.
- **Minimum gap** is given in frames; ``min_gap_ms`` rounds ``frames * 1000 / fps`` *down*: times are
  stored in whole milliseconds, so a true two-frame gap at 24 fps (83.3 ms) shows up as 83 or 84 ms
  depending on where the frames fall, and at 29.97 fps (66.7 ms) as 66 or 67 ms. Rounding down is the
  only choice that accepts every frame-accurate two-frame gap: 24 fps -> 83 ms, 25 -> 80,
  23.976 -> 83, 29.97 -> 66, 30 -> 66.
"""

import copy
import math
import re
import tomllib
import unicodedata
from dataclasses import asdict, dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from subpipe.errors import ErrorCode, SubpipeError
from subpipe.fileio import read_input

AUDIENCES = ("adult", "children")
WIDTH_RULES = ("chars", "fullwidth")

# The keys a profile sets (top level or per language), and the metadata keys a file may carry.
FIELD_KEYS = (
    "max_chars_per_line", "max_lines", "max_cps", "min_duration_ms", "max_duration_ms",
    "min_gap_frames", "fps", "width_rule", "cps_counts_spaces",
)
_META_KEYS = ("name", "description", "extends", "lang")

# Typography of a locale (optional; checked and fixed by `subpipe.qc.locale_style`). What each means:
# quotes / alt_quotes: the opening and closing quotation marks of the first and second level ("«»", "“”");
# quote_space: the space inside « » (fr: a no-break space); punct_space: the space before ; ! ?;
# colon_space: before ":"; decimal_separator: "," or "."; ellipsis: "…" (one character) or "...";
# dialogue_dash: how a line of a second speaker starts ("-" glued, "- " with a space, "– ");
# units: "metric", "us" or "uk" (what quantities the audience reads).
SPACES = {"none": "", "space": " ", "nbsp": "\u00a0", "narrow-nbsp": "\u202f"}
STYLE_VALUES = {
    "quote_space": tuple(SPACES), "punct_space": tuple(SPACES), "colon_space": tuple(SPACES),
    "decimal_separator": (",", "."), "ellipsis": ("\u2026", "..."), "dialogue_dash": ("-", "- ", "\u2013 ", "\u2014"),
    "units": ("metric", "us", "uk"),
}
STYLE_KEYS = ("quotes", "alt_quotes", *STYLE_VALUES)

# Spaces a line may break at. No-break spaces are deliberately absent.
_NO_BREAK_SPACES = {"\u00a0", "\u2007", "\u202f", "\u2060"}


# ---------------------------------------------------------------------------------------- measuring


def _zero_width(ch: str) -> bool:
    return unicodedata.category(ch) in ("Mn", "Me", "Cf")


def char_width(ch: str, width_rule: str = "chars") -> float:
    """Width of one character on a line under `width_rule`.

    >>> char_width("a"), char_width("日", "fullwidth"), char_width("a", "fullwidth")
    (1, 1, 0.5)
    """
    if _zero_width(ch):
        return 0
    if width_rule == "chars":
        return 1
    return 1 if unicodedata.east_asian_width(ch) in ("W", "F", "A") else 0.5


def line_width(line: str, width_rule: str = "chars") -> float:
    """Width of a line of plain text (no markup): characters, or full-width units.

    >>> line_width("Look Celia, we have to follow our passions;")
    43
    >>> line_width("ﾃｽﾄです", "fullwidth")
    3.5
    """
    line = unicodedata.normalize("NFC", line)
    if width_rule == "chars":
        return len(line) - _count_zero_width(line)
    return sum(char_width(ch, width_rule) for ch in line)


def _count_zero_width(text: str) -> int:
    """Zero-width characters in `text`, each distinct character classified once (a cue of 10,000
    characters is measured at the speed of `str.count`, not of a Python loop per character)."""
    if text.isascii():  # no ASCII character is a mark or a format character
        return 0
    return sum(text.count(ch) for ch in set(text) if _zero_width(ch))


def is_breaking_space(ch: str) -> bool:
    """A space a line may be broken at (not a no-break space)."""
    return ch.isspace() and ch not in _NO_BREAK_SPACES


def reading_chars(plain: str, counts_spaces: bool = True) -> int:
    """Characters that count toward reading speed in plain cue text.

    >>> reading_chars("Why don't you just admit that\\nyou're freaked out by my robot hand?")
    65
    >>> reading_chars("Go go go!", counts_spaces=False)
    7
    """
    text = unicodedata.normalize("NFC", plain)
    skipped = text.count("\n") + _count_zero_width(text)
    if not counts_spaces:
        skipped += sum(text.count(ch) for ch in set(text) if ch.isspace() and ch != "\n")
    return len(text) - skipped


def _num(x: float) -> str:
    """A limit or a measure for a message: 42, 14.5, 23.976."""
    return f"{x:g}"


# ----------------------------------------------------------------------------------------- profile


def _field_problem(key: str, value) -> str | None:
    """Why `value` is not valid for profile key `key`, or None. One place for both the loader and
    the dataclass, so a file and a hand-built Profile are held to the same rules."""
    def number(v) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    def integer(v) -> bool:
        return isinstance(v, int) and not isinstance(v, bool)

    if key == "max_lines":
        return None if integer(value) and value >= 1 else f"expected a whole number >= 1, got {value!r}"
    if key == "max_chars_per_line":
        return None if number(value) and value > 0 else f"expected a number > 0, got {value!r}"
    if key == "max_cps":
        if isinstance(value, dict):
            for aud, v in value.items():
                if aud not in AUDIENCES:
                    return f"unknown audience {aud!r}; audiences are {', '.join(AUDIENCES)}"
                if not (number(v) and v > 0):
                    return f"{aud}: expected a number > 0, got {v!r}"
            return None if value else "empty table; give a number or {adult = .., children = ..}"
        return None if number(value) and value > 0 else f"expected a number > 0, got {value!r}"
    if key in ("min_duration_ms", "max_duration_ms", "min_gap_frames"):
        return None if integer(value) and value >= 0 else f"expected a whole number >= 0, got {value!r}"
    if key == "fps":
        return None if number(value) and 1 <= value <= 240 else \
            f"expected a frame rate between 1 and 240 (24, 25, 23.976, 29.97, ...), got {value!r}"
    if key == "width_rule":
        return None if value in WIDTH_RULES else f"expected one of {', '.join(WIDTH_RULES)}, got {value!r}"
    if key == "cps_counts_spaces":
        return None if isinstance(value, bool) else f"expected true or false, got {value!r}"
    if key in ("name", "description", "extends"):
        ok = isinstance(value, str) and value.strip()
        return None if ok else f"expected a non-empty string, got {value!r}"
    if key in ("quotes", "alt_quotes"):
        ok = isinstance(value, str) and len(value) == 2
        return None if ok else f"expected the opening and closing marks as one 2-character string, got {value!r}"
    if key in STYLE_VALUES:
        return None if value in STYLE_VALUES[key] else \
            f"expected one of {', '.join(map(repr, STYLE_VALUES[key]))}, got {value!r}"
    if key == "aliases":
        ok = isinstance(value, list) and all(isinstance(a, str) and a for a in value)
        return None if ok else f"expected a list of language tags, got {value!r}"
    return f"unknown key; profile keys are {', '.join(FIELD_KEYS)}"


@dataclass(frozen=True)
class Profile:
    """The delivery limits one track is checked and fixed against.

    Build one with `load_profile`; change a value with ``dataclasses.replace(profile, max_cps=15)``.
    """

    name: str
    lang: str | None
    audience: str
    max_chars_per_line: float
    max_lines: int
    max_cps: float
    min_duration_ms: int
    max_duration_ms: int
    min_gap_frames: int
    fps: float
    width_rule: str = "chars"
    cps_counts_spaces: bool = True
    description: str = ""
    source: str | None = None
    style: dict = field(default_factory=dict)  # STYLE_KEYS set for the language (typography of the locale)

    def __post_init__(self) -> None:
        for key in FIELD_KEYS:
            problem = _field_problem(key, getattr(self, key))
            if problem is None and key == "max_cps" and isinstance(self.max_cps, dict):
                problem = "expected a number (pick the audience with load_profile)"
            if problem:
                raise SubpipeError(f"profile {self.name!r}: {key}: {problem}", path=self.source,
                                   code=ErrorCode.BAD_PROFILE)
        if self.audience not in AUDIENCES:
            raise SubpipeError(f"unknown audience {self.audience!r}; audiences are {', '.join(AUDIENCES)}",
                               path=self.source, code=ErrorCode.BAD_PROFILE)
        if self.min_duration_ms > self.max_duration_ms:
            raise SubpipeError(f"profile {self.name!r}: min_duration_ms {self.min_duration_ms} is above "
                               f"max_duration_ms {self.max_duration_ms}", path=self.source,
                               code=ErrorCode.BAD_PROFILE)
        object.__setattr__(self, "max_cps", float(self.max_cps))

    @property
    def min_gap_ms(self) -> int:
        """The minimum gap in ms: `min_gap_frames` at `fps`, rounded down (see the module docstring)."""
        return math.floor(self.min_gap_frames * 1000 / self.fps + 1e-9)

    def line_width(self, line: str) -> float:
        return line_width(line, self.width_rule)

    def reading_chars(self, plain: str) -> int:
        return reading_chars(plain, self.cps_counts_spaces)

    def reading_ms(self, plain: str) -> int:
        """The shortest duration in which `plain` can be read at `max_cps`.

        >>> load_profile("netflix", lang="en").reading_ms("x" * 41)
        2050
        """
        return math.ceil(self.reading_chars(plain) * 1000 / self.max_cps - 1e-9)

    def too_fast(self, plain: str, duration_ms: int) -> bool:
        """Whether `plain` shown for `duration_ms` exceeds `max_cps` (exactly at the limit passes)."""
        return self.reading_chars(plain) * 1000 > self.max_cps * duration_ms + 1e-9

    @property
    def width_unit(self) -> str:
        return "characters" if self.width_rule == "chars" else "full-width characters"

    def describe(self) -> str:
        """One line for reports.

        >>> print(load_profile("netflix", lang="en", fps=25).describe())
        netflix [en, adult]: 42 characters x 2 lines, 20 cps, 833-7000 ms, gap 2 frames at 25 fps (80 ms)
        """
        lang = f"{self.lang}, " if self.lang else ""
        return (f"{self.name} [{lang}{self.audience}]: {_num(self.max_chars_per_line)} {self.width_unit} x "
                f"{self.max_lines} lines, {_num(self.max_cps)} cps, {self.min_duration_ms}-"
                f"{self.max_duration_ms} ms, gap {self.min_gap_frames} frames at {_num(self.fps)} fps "
                f"({self.min_gap_ms} ms)")

    def to_dict(self) -> dict:
        d = asdict(self)
        d["min_gap_ms"] = self.min_gap_ms
        return d


# ----------------------------------------------------------------------------------------- loading


def _builtin_dir() -> Traversable:
    return resources.files("subpipe.qc") / "profiles"


def list_profiles() -> list[str]:
    """Names of the built-in profiles.

    >>> list_profiles()
    ['netflix', 'netflix-legacy']
    """
    return sorted(p.name[:-5] for p in _builtin_dir().iterdir() if p.name.endswith(".toml"))


def _looks_like_path(ref) -> bool:
    return not isinstance(ref, str) or "/" in ref or "\\" in ref or ref.endswith(".toml")


_TOML_WHERE_RE = re.compile(r"\(at line (\d+), column (\d+)\)")
_TABLE_RE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")


def _key_line(text: str, table: tuple[str, ...], key: str) -> int | None:
    """The line where `key` is set in `table` of a TOML text, for error messages (tomllib gives
    positions only for syntax errors)."""
    current: tuple[str, ...] = ()
    key_re = re.compile(r"^\s*([\"']?)" + re.escape(key) + r"\1\s*=")
    for n, line in enumerate(text.split("\n"), 1):
        m = _TABLE_RE.match(line)
        if m:
            current = tuple(part.strip().strip("\"'") for part in m.group(1).split("."))
        elif current == table and key_re.match(line):
            return n
    return None


def _problem(where: str, text: str, table: tuple[str, ...], key: str, message: str) -> SubpipeError:
    dotted = ".".join((*table, key))
    return SubpipeError(f"{dotted}: {message}", path=where, line=_key_line(text, table, key),
                        code=ErrorCode.BAD_PROFILE)


def _parse(text: str, where: str) -> dict:
    """TOML text -> validated raw profile table (values checked, nothing merged yet)."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = _TOML_WHERE_RE.search(str(exc))
        message = _TOML_WHERE_RE.sub("", str(exc)).strip()
        raise SubpipeError(f"not a valid profile file: {message}" + (f" (column {m.group(2)})" if m else ""),
                           path=where, line=int(m.group(1)) if m else None, code=ErrorCode.BAD_PROFILE) from None
    for key, value in data.items():
        if key == "lang":
            if not isinstance(value, dict) or not all(isinstance(v, dict) for v in value.values()):
                raise _problem(where, text, (), key, "expected [lang.<tag>] tables")
            for tag, table in value.items():
                for k, v in table.items():
                    problem = _field_problem(k, v) if k in FIELD_KEYS + STYLE_KEYS or k == "aliases" else \
                        f"unknown key; a [lang.<tag>] table takes {', '.join(FIELD_KEYS + STYLE_KEYS)}, aliases"
                    if problem:
                        raise _problem(where, text, ("lang", tag), k, problem)
        else:
            problem = _field_problem(key, value) if key in FIELD_KEYS + STYLE_KEYS or key in _META_KEYS else \
                f"unknown key; profile keys are {', '.join(FIELD_KEYS + STYLE_KEYS + _META_KEYS)}"
            if problem:
                raise _problem(where, text, (), key, problem)
    return data


_MAX_PROFILE_BYTES = 1_000_000  # a profile is a few hundred bytes of TOML


def _read(ref, base: Path | None) -> tuple[str, str, Path | None]:
    """(text, where, directory for relative `extends`) of a profile name or path."""
    if _looks_like_path(ref):
        path = Path(ref)
        if base is not None and not path.is_absolute():
            path = base / path
        data = read_input(path, what="profile file", max_bytes=_MAX_PROFILE_BYTES)
        try:
            return data.decode("utf-8"), str(path), path.parent
        except UnicodeDecodeError as exc:
            raise SubpipeError(f"cannot read profile file: {exc}", path=str(path),
                               code=ErrorCode.BAD_PROFILE) from None
    resource = _builtin_dir() / f"{ref}.toml"
    if not resource.is_file():
        raise SubpipeError(f"unknown profile {ref!r}; built-in profiles: {', '.join(list_profiles())} "
                           "(or give the path of a .toml file)", code=ErrorCode.UNKNOWN_PROFILE)
    return resource.read_text(encoding="utf-8"), str(resource), None


def _load_raw(ref, base: Path | None = None, seen: tuple[str, ...] = ()) -> tuple[dict, str]:
    """The merged table of a profile and everything it extends, and the file it came from."""
    text, where, directory = _read(ref, base)
    if where in seen:
        raise SubpipeError(f"profiles extend each other in a loop: {' -> '.join((*seen, where))}",
                           path=where, line=_key_line(text, (), "extends"), code=ErrorCode.BAD_PROFILE)
    data = _parse(text, where)
    stem = Path(where).name.removesuffix(".toml")
    data.setdefault("name", stem)
    if "extends" not in data:
        return data, where
    parent, _ = _load_raw(data["extends"], directory, (*seen, where))
    merged = copy.deepcopy(parent)
    for key, value in data.items():
        if key == "lang":
            langs = merged.setdefault("lang", {})
            for tag, table in value.items():
                langs.setdefault(tag, {}).update(table)
        elif key not in ("extends",):
            merged[key] = value
    if "description" not in data:
        merged.pop("description", None)
    return merged, where


def _lang_sections(langs: dict[str, dict], lang: str, where: str) -> list[str]:
    """The [lang.<tag>] sections for a language tag, most specific first: each link of the locale's
    fallback chain (`subpipe.locales.fallback_chain`: "es-MX" -> "es-419" -> "es", "zh-TW" -> "zh-Hant"),
    by tag or alias; a tag that is not a known locale by shorter and shorter prefixes."""
    from subpipe.locales import fallback_chain, is_locale

    links = fallback_chain(lang) if is_locale(lang) else [lang]
    found = [_lang_section(langs, link, where) for link in links]
    return list(dict.fromkeys(s for s in found if s))


def _lang_section(langs: dict[str, dict], lang: str, where: str) -> str | None:
    """The [lang.<tag>] section for a language tag: exact tag or alias, then shorter and shorter
    prefixes ("zh-Hant-TW" -> "zh-hant", "en-US" -> "en")."""
    index: dict[str, str] = {}
    for tag in langs:
        index[tag.lower()] = tag
    for tag, table in langs.items():
        for alias in table.get("aliases", []):
            alias = alias.lower()
            if alias in index and index[alias] != tag:
                raise SubpipeError(f"language tag {alias!r} is claimed by both [lang.{index[alias]}] and "
                                   f"[lang.{tag}]", path=where, code=ErrorCode.BAD_PROFILE)
            index[alias] = tag
    parts = lang.strip().lower().replace("_", "-").split("-")
    while parts:
        found = index.get("-".join(parts))
        if found:
            return found
        parts.pop()
    return None


def load_profile(name_or_path="netflix", *, lang: str | None = None, audience: str = "adult",
                 fps: float | None = None) -> Profile:
    """A profile by built-in name or by path, resolved for a language, an audience and a frame rate.

    `lang` picks the ``[lang.<tag>]`` section (a BCP 47 tag; unknown languages get the top-level
    defaults, which in ``netflix`` are those of most Latin, Cyrillic and Greek script languages);
    `fps` overrides the file's default frame rate, which only the minimum gap depends on.

    >>> load_profile("netflix", lang="zh-TW").max_chars_per_line
    16
    >>> load_profile("netflix", lang="en-US", audience="children").max_cps
    17.0
    >>> load_profile("netflix-legacy", lang="en").max_cps
    17.0
    """
    data, where = _load_raw(name_or_path)
    values = {k: data[k] for k in FIELD_KEYS + STYLE_KEYS if k in data}
    if lang:
        # the most general section first, so the locale's own ("es-419" over "es") has the last word
        for section in reversed(_lang_sections(data.get("lang", {}), lang, where)):
            values.update({k: v for k, v in data["lang"][section].items() if k != "aliases"})
    style = {k: values.pop(k) for k in STYLE_KEYS if k in values}
    if audience not in AUDIENCES:
        raise SubpipeError(f"unknown audience {audience!r}; audiences are {', '.join(AUDIENCES)}",
                           code=ErrorCode.BAD_PROFILE)
    if fps is not None:
        problem = _field_problem("fps", fps)
        if problem:
            raise SubpipeError(f"fps: {problem}", code=ErrorCode.BAD_PROFILE)
        values["fps"] = fps
    missing = [k for k in FIELD_KEYS if k not in values]
    if missing:
        raise SubpipeError(f"profile {data['name']!r} does not set {', '.join(missing)} "
                           "(set them, or start the file with extends = \"netflix\")", path=where,
                           code=ErrorCode.BAD_PROFILE)
    cps = values["max_cps"]
    if isinstance(cps, dict):
        if audience not in cps:
            raise SubpipeError(f"profile {data['name']!r} sets no max_cps for audience {audience!r}"
                               f"{' in language ' + lang if lang else ''}", path=where, code=ErrorCode.BAD_PROFILE)
        values["max_cps"] = cps[audience]
    return Profile(name=data["name"], lang=lang, audience=audience, description=data.get("description", ""),
                   source=where, style=style, **values)


def profile_for_track(track, name_or_path="netflix", *, audience: str = "adult",
                      fps: float | None = None) -> Profile:
    """The profile for a track's own language and frame rate (`fps` wins over ``track.fps``)."""
    return load_profile(name_or_path, lang=track.lang, audience=audience, fps=fps or track.fps)


# ------------------------------------------------------------------------------ a language per cue

# What a language section may change; two profiles equal on these check a cue the same way.
_LIMITS = ("max_chars_per_line", "max_lines", "max_cps", "min_duration_ms", "max_duration_ms", "width_rule",
           "cps_counts_spaces")


def _limits(profile: Profile) -> tuple:
    # `style` is left out: typography has its own lookup (`LanguageProfiles.typography`)
    return tuple(getattr(profile, key) for key in _LIMITS)


class LanguageProfiles:
    """The profile of every language a track speaks, each loaded once (build one per track).

    `profile` is the track's. A cue in another language (`Cue.lang`) is checked against that
    language's ``[lang.<tag>]`` section of the same file, with the same audience and frame rate: a
    Chinese cue inside an English track gets 16 characters a line and 9 cps. A language whose limits
    come out the same as those of `profile`'s own language gets `profile` itself, so a profile
    changed with ``dataclasses.replace`` keeps its changes there; a hand-built profile (no file) is
    used for every language. Cues without a language of their own, and ``und`` cues (music, sounds:
    no words to read in any language), get `profile`.

    >>> from subpipe.cues import Cue
    >>> profiles = LanguageProfiles(load_profile("netflix", lang="en"))
    >>> [profiles.for_cue(c).max_chars_per_line for c in (Cue(0, 1, "Hi"), Cue(0, 1, "你好", lang="zh"))]
    [42, 16]
    >>> [p.lang for p in profiles.for_lines(Cue(0, 1, "- 你好。\\n- Hi, Grandma.", line_langs=("zh", "en")))]
    ['zh', 'en']
    """

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self._loaded: dict[str, Profile] = {}
        self._typography: dict[str, Profile] = {}
        self._own_limits: tuple | None = None

    def __call__(self, lang: str | None) -> Profile:
        """The profile for cues spoken in `lang` (None or ``und``: the track's)."""
        if not lang or lang == "und" or lang == self.profile.lang or self.profile.source is None:
            return self.profile
        key = lang.strip().lower()
        if key not in self._loaded:
            self._loaded[key] = self._load(lang)
        return self._loaded[key]

    def _load(self, lang: str) -> Profile:
        base = self.profile
        other = load_profile(base.source, lang=lang, audience=base.audience, fps=base.fps)
        if self._own_limits is None:
            self._own_limits = _limits(load_profile(base.source, lang=base.lang, audience=base.audience,
                                                    fps=base.fps))
        return base if _limits(other) == self._own_limits else other

    def typography(self, lang: str | None) -> Profile:
        """The profile whose `Profile.style` (quotation marks, spaces, decimal separator...) cues spoken in
        `lang` are written in: the track's for cues without a language, ``und`` ones and those in the
        track's language (a cue langid calls ``es`` in an ``es-419`` track is written the es-419 way);
        else that language's section (an ``en`` cue in an ``es-ES`` track keeps its English quotes). Unlike
        the limits, a language is never given the track's typography because its limits agree with it.

        >>> profiles = LanguageProfiles(load_profile("netflix", lang="es-419"))
        >>> [profiles.typography(lang).style.get("quotes") for lang in (None, "es", "es-ES", "fr", "zh-TW")]
        ['“”', '“”', '«»', None, '「」']
        """
        own = self.profile
        if not lang or lang == "und" or lang == own.lang or own.source is None:
            return own
        from subpipe.terms.model import same_language

        if same_language(lang, own.lang):
            return own
        key = lang.strip().lower()
        if key not in self._typography:
            self._typography[key] = load_profile(own.source, lang=lang, audience=own.audience, fps=own.fps)
        return self._typography[key]

    @property
    def mixed(self) -> bool:
        """Has any cue so far needed a profile other than the track's?"""
        return any(p is not self.profile for p in self._loaded.values())

    def for_cue(self, cue) -> Profile:
        """The profile of the cue's language (for a cue whose lines differ: of its `Cue.lang`)."""
        return self(cue.lang)

    def for_lines(self, cue) -> list[Profile] | None:
        """One profile per line of `text_lines(cue)` when the cue's lines are in different languages
        (`Cue.line_langs`, one per line of ``cue.plain``), else None."""
        return [self(lang) for _, lang in lines_with_langs(cue)] or None


def lines_with_langs(cue) -> list[tuple[str, str]]:
    """(line, language) for each line of `text_lines(cue)` when the cue has one language per line of
    ``cue.plain`` (`Cue.line_langs`), else none (also when the text changed since the languages were
    called: the cue's language rules then apply)."""
    langs = cue.line_langs
    lines = cue.plain.split("\n")
    if not langs or len(langs) != len(lines):
        return []
    pairs = list(zip(lines, langs))
    while pairs and not pairs[0][0]:  # text_lines drops blank first and last lines
        pairs.pop(0)
    while pairs and not pairs[-1][0]:
        pairs.pop()
    return pairs


def language_profiles(profile: "Profile | LanguageProfiles") -> LanguageProfiles:
    """`profile` as a `LanguageProfiles` (the same object when it already is one)."""
    return profile if isinstance(profile, LanguageProfiles) else LanguageProfiles(profile)
