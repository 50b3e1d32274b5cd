"""The typography of a locale: quotation marks, spaces before punctuation, decimal separators, ellipsis,
dialogue dashes. The rules are profile data (``style`` keys of a ``[lang.<tag>]`` table, see
``profiles/netflix.toml`` for each rule's source); this module checks a track against them and fixes
what can be fixed without reading the sentence.

    >>> from subpipe.cues import Cue
    >>> from subpipe.qc.profiles import load_profile
    >>> fix_text('Dijo "hola"... y 3.5 km', load_profile("netflix", lang="es-ES").style)
    'Dijo «hola»... y 3,5 km'
    >>> fix_text('Dijo "hola"... y 3.5 km', load_profile("netflix", lang="es-419").style)
    'Dijo “hola”... y 3.5 km'
    >>> fix_text("Quoi ? Tu viens : « oui » !", load_profile("netflix", lang="fr-CA").style)
    'Quoi? Tu viens\\xa0: «\\xa0oui\\xa0»!'

Checks give findings of kind ``locale-<rule>`` (warnings); fixes give ``fix-locale-<rule>`` (info).
Markup (``<i>``, ``{\\an8}``) is never touched.

Each cue is written in the typography of its own language (`LanguageProfiles.typography`): the track's
locale for the cues in its language and those without one, another language's rules for a cue spoken in
it, each line's for a dash-line cue whose lines are in languages written differently. QC runs the checks
wherever a track is checked (`subpipe.qc.check_track`); ``fix_track``'s ``locale`` fix (``subpipe qc
--fix``) and localize apply `fix_style`. `check_units` needs the source track, so only localize runs it.
"""

import re
from collections.abc import Callable

from subpipe.cues import Cue, Track
from subpipe.errors import Finding
from subpipe.limits import excerpt
from subpipe.qc.profiles import SPACES, LanguageProfiles, Profile, language_profiles
from subpipe.typography import UNSPACED, inverted_marks

# Every pair of quotation marks a subtitle may carry, opening -> closing (straight quotes apart).
QUOTE_PAIRS = {"«": "»", "“": "”", "„": "“", "‘": "’", "‚": "‘", "「": "」", "『": "』", "‹": "›", "»": "«"}
_QUOTE_CHARS = set("«»“”„‘’‚「」『』‹›\"")
_MARKUP = re.compile(r"(<[^>]*>|\{[^}]*\})")
_ANY_SPACE = "[ \u00a0\u202f]"


def _outside_markup(text: str, change: Callable[[str], str]) -> str:
    """`change` applied to the text between tags; tags kept as they are."""
    parts = _MARKUP.split(text)
    return "".join(p if i % 2 else change(p) for i, p in enumerate(parts))


# ------------------------------------------------------------------------------------------------- fixes


def _fix_quotes(text: str, style: dict) -> str:
    """Straight double quotes and first-level pairs of another convention -> the locale's pair."""
    want = style.get("quotes")
    if not want:
        return text
    allowed = {want[0]} | ({style["alt_quotes"][0]} if style.get("alt_quotes") else set())
    text = re.sub(r'"([^"\n]+)"', lambda m: f"{want[0]}{m.group(1)}{want[1]}", text)
    for opening, closing in QUOTE_PAIRS.items():
        if opening in allowed or opening in ("‘", "‚", "»") or opening == closing:
            continue  # single quotes are apostrophes too often to rewrite; »...« is Danish/German style
        text = re.sub(re.escape(opening) + r"([^" + re.escape(opening + closing) + r"\n]+)" + re.escape(closing),
                      lambda m: f"{want[0]}{m.group(1)}{want[1]}", text)
    return text


def _fix_quote_space(text: str, style: dict) -> str:
    if "quote_space" not in style or style.get("quotes") != "«»":
        return text
    space = SPACES[style["quote_space"]]
    text = re.sub(rf"«{_ANY_SPACE}*", "«" + space, text)
    return re.sub(rf"{_ANY_SPACE}*»", space + "»", text)


def _fix_punct_space(text: str, style: dict) -> str:
    if "punct_space" in style:
        # only after a word or a closing mark: "?!" and a line starting with "!" keep their shape
        text = re.sub(rf"(?<=[\w»”)\]…])(?:{_ANY_SPACE})*([;!?])", SPACES[style["punct_space"]] + r"\1", text)
    if "colon_space" in style:
        # not inside times and ratios (10:30) nor URLs (http://)
        text = re.sub(rf"(?<=[^\W\d])(?:{_ANY_SPACE})*:(?!//)", SPACES[style["colon_space"]] + ":", text)
        text = re.sub(rf"(?<=[»”)\]])(?:{_ANY_SPACE})*:", SPACES[style["colon_space"]] + ":", text)
    return text


_DECIMAL = {",": re.compile(r"(?<![\d.,])(\d+)\.(\d{1,2})(?![\d.,]*\d)"),
            ".": re.compile(r"(?<![\d.,])(\d+),(\d{1,2})(?![\d.,]*\d)")}


def _fix_decimal(text: str, style: dict) -> str:
    sep = style.get("decimal_separator")
    if not sep:
        return text
    return _DECIMAL[sep].sub(lambda m: f"{m.group(1)}{sep}{m.group(2)}", text)


def _fix_ellipsis(text: str, style: dict) -> str:
    want = style.get("ellipsis")
    if want == "\u2026":
        return re.sub(r"(?<!\.)\.\.\.(?!\.)", "\u2026", text)
    if want == "...":
        return text.replace("\u2026", "...")
    return text


_DASH_LINE = re.compile(r"^([-\u2013\u2014])[ \u00a0]*(?=\S)", re.MULTILINE)


def _fix_dialogue_dash(text: str, style: dict) -> str:
    want = style.get("dialogue_dash")
    if not want or len(_DASH_LINE.findall(text)) < 2:  # one dashed line can be a hyphenated word or a cut
        return text
    return _DASH_LINE.sub(want, text)


# In order: quotes before their inner spaces; ellipses before punctuation spaces ("...?").
FIXES: dict[str, Callable[[str, dict], str]] = {
    "quotes": _fix_quotes, "quote-space": _fix_quote_space, "ellipsis": _fix_ellipsis,
    "punct-space": _fix_punct_space, "decimal": _fix_decimal, "dialogue-dash": _fix_dialogue_dash,
}


def fix_text(text: str, style: dict) -> str:
    """`text` (cue text, markup allowed) in the typography of `style` (a `Profile.style`)."""
    for fix in FIXES.values():
        text = _outside_markup(text, lambda part, fix=fix: fix(part, style))
    return text


# ---------------------------------------------------------------------------------------- MT spacing

# Languages that write a space before ; : ! ? (which space is the locale's `punct_space`): where the
# locale does not say, MT spacing leaves theirs as the engine wrote it. Every other language: none.
SPACE_BEFORE_PUNCT = frozenset({"fr"})
_SPACE = "[ \t]"  # ordinary spaces only: a no-break space before "!" is the locale's, never an artefact


def _trim_quotes(text: str) -> str:
    """No space just inside a pair of straight double quotes or of “ ”: '" hola "' -> '"hola"'."""
    text = re.sub(r'"([^"\n]*)"', lambda m: '"' + m.group(1).strip(" ") + '"', text)
    return re.sub(r"“ +([^”\n]*?) *”", r"“\1”", text)


# A clause a "?" or "!" closes starts after the previous sentence's end, or at the start of the text or of a
# speaker's line (its dash, a leading ellipsis, opening quotes or marks aside); a line break inside a sentence is no start.
_CLAUSE_RE = re.compile(r"(?:(?<=^)|(?<=[.!?…]\s)|(?<=\n)(?=[-–—]))(?:[-–—]\s*)?(?:\.\.\.|…)?[«“\"'(¡¿]*"
                        r"(?P<body>(?:(?!\n[-–—])[^.!?…])*?)(?P<marks>[?!]+)")


def open_inverted_marks(text: str, lang: str) -> str:
    """`text` with the opening "¿" / "¡" that a language with inverted marks (`subpipe.typography.
    inverted_marks`) needs before each clause it closes with "?" / "!" and that MT left out (Apertium never writes them: "Cómo es mirando, Thom?"),
    put at the clause's start. A clause that opens its mark anywhere ("Vale, ¿vienes?") is left alone.

    >>> open_inverted_marks("Cómo es mirando, Thom? Bien! ¡¿Qué?! Por qué no lo\\nadmites?!", "es")
    '¿Cómo es mirando, Thom? ¡Bien! ¡¿Qué?! ¡¿Por qué no lo\\nadmites?!'
    >>> open_inverted_marks("- Vale, ¿vienes?\\n- ...Sí, ya voy!", "es"), open_inverted_marks("Ready?", "en")
    ('- Vale, ¿vienes?\\n- ...¡Sí, ya voy!', 'Ready?')
    """
    pairs = inverted_marks(lang)
    if not pairs:
        return text
    closing = {c: o for o, c in pairs}

    def insert(m: re.Match) -> str:
        clause = m.group(0)[:m.start("marks") - m.start()]
        # the last mark closes the outermost clause: "?!" opens "¡¿"
        missing = "".join(closing[c] for c in dict.fromkeys(reversed(m.group("marks")))
                          if c in closing and closing[c] not in clause)
        at = m.start("body") - m.start()
        return m.group(0)[:at] + missing + m.group(0)[at:] if missing else m.group(0)

    return _CLAUSE_RE.sub(insert, text)


# a comma or semicolon glued between two letters, neither of a script written without spaces
_NO_SPACE_AFTER = re.compile(rf"(?<=[^\W\d_])(?<![{UNSPACED}])([,;])(?=[^\W\d_])(?![{UNSPACED}])")


def tidy_mt(text: str, style: dict, lang: str) -> str:
    """MT output's spacing artefacts (detokenisation: "¡ Cut!", "Vale,los", "pasión !", doubled spaces,
    '" hola "') put right in the typography of `style` (a `Profile.style`) for a sentence in `lang`.

    Spaces before ; : ! ? follow the locale's rule (`_fix_punct_space`, the same one its typography
    pass applies); where the locale sets none, none, except in a language of `SPACE_BEFORE_PUNCT`,
    left as written. Never touched: "1,5", "10:30", "...", URLs, markup.

    >>> tidy_mt("¡ Cut!  Vale,los están viniendo . ¿Sí ?", {}, "es")
    '¡Cut! Vale, los están viniendo. ¿Sí?'
    >>> tidy_mt("快进来,外面冷。", {}, "zh"), tidy_mt("OK,いいよ", {}, "ja")
    ('快进来,外面冷。', 'OK,いいよ')
    >>> tidy_mt("Son 1,5 km a las 10:30 ... http://a.b/c?x", {}, "es")
    'Son 1,5 km a las 10:30 ... http://a.b/c?x'
    >>> tidy_mt("Pardon ! Tu es prêt ?", {}, "fr"), tidy_mt("Pardon ! Prêt?", {"punct_space": "narrow-nbsp"}, "fr")
    ('Pardon ! Tu es prêt ?', 'Pardon\\u202f! Prêt\\u202f?')
    """
    from subpipe.nlp import base_lang

    spaced = base_lang(lang) in SPACE_BEFORE_PUNCT
    rules = {key: style.get(key, "none") for key in ("punct_space", "colon_space") if key in style or not spaced}

    def change(part: str) -> str:
        part = re.sub(rf"(?<=\S){_SPACE}{{2,}}(?=\S)", " ", part)  # doubled spaces
        part = re.sub(rf"([¡¿(\[]){_SPACE}+", r"\1", part)  # "¡ Cut!", "( sic"
        part = re.sub(rf"(?<=[\w»”)\]]){_SPACE}+([,.)\]])(?![.\d])", r"\1", part)  # "viniendo ." but "Y ..."
        part = _NO_SPACE_AFTER.sub(r"\1 ", part)  # "Vale,los" (not "1,5", nor "快进来,外面")
        if rules:
            part = _fix_punct_space(part, rules)
        return _trim_quotes(part)

    return re.sub(rf"(?m)^{_SPACE}+|{_SPACE}+$", "", _outside_markup(text, change))


# What localize puts right in MT output before it becomes cues, in order; each reported as ``fix-mt-<name>``.
MT_FIXES: dict[str, Callable[[str, dict, str], str]] = {
    "spacing": tidy_mt, "inverted-marks": lambda text, style, lang: open_inverted_marks(text, lang),
}


def style_parts(cue: Cue, text: str, profiles: LanguageProfiles) -> list[tuple[str, Profile]]:
    """`text` (the cue's markup or its plain text) in parts, each with the profile whose typography it is
    written in: the whole text by its language's, or each line by its own when the cue's lines
    (`Cue.line_langs`) are in languages written differently (a Spanish line in « » above an English one
    in “ ”; the dialogue-dash rule, which reads two lines, is then not applied)."""
    langs = cue.line_langs
    lines = text.split("\n")
    if langs and len(langs) == len(lines):
        each = [profiles.typography(lang) for lang in langs]
        if any(p.style != each[0].style for p in each):
            return list(zip(lines, each))
        return [(text, each[0])]
    return [(text, profiles.typography(cue.lang))]


def _fix_cue(cue: Cue, profiles: LanguageProfiles, path: str | None) -> tuple[str, list[Finding]]:
    found = []
    parts = []
    for text, profile in style_parts(cue, cue.text, profiles):
        style = profile.style
        for name, fix in FIXES.items() if style else ():
            changed = _outside_markup(text, lambda part, fix=fix, style=style: fix(part, style))
            if changed != text:
                found.append(Finding(f"fix-locale-{name}", f"{cue.timecode('.')} {profile.lang} {name}: "
                                     f"{excerpt(text)} -> {excerpt(changed)}", path=path, line=cue.line,
                                     position=cue.position, severity="info", fixed=True, start_ms=cue.start,
                                     end_ms=cue.end))
                text = changed
        parts.append(text)
    return "\n".join(parts), found


def fix_style(track: Track, profile: "Profile | LanguageProfiles") -> tuple[Track, list[Finding]]:
    """A copy of `track` with each cue in its language's typography (`profile.style` for the track's
    language), and a ``fix-locale-<rule>`` finding for each cue each rule changed. `track` is left
    untouched."""
    profiles = language_profiles(profile)
    new = track.copy()
    found: list[Finding] = []
    cues = []
    for cue in new.cues:
        text, done = _fix_cue(cue, profiles, track.path)
        found.extend(done)
        cues.append(cue.copy(text=text) if text != cue.text else cue)
    new.cues = cues
    return new, found


# ------------------------------------------------------------------------------------------------ checks


def _wrong_quotes(plain: str, style: dict) -> set[str]:
    allowed = set(style.get("quotes", "")) | set(style.get("alt_quotes", ""))
    marks = {ch for ch in plain if ch in _QUOTE_CHARS and ch not in ("‘", "’", "‚")}  # apostrophes
    return marks - allowed


def style_problems(plain: str, style: dict) -> list[tuple[str, str]]:
    """(rule, what is wrong) for one cue's plain text against `style`; empty when it conforms.

    >>> from subpipe.qc.profiles import load_profile
    >>> style_problems("Son 3.5 millas: “lejos”", load_profile("netflix", lang="es-ES").style)
    [('decimal', 'decimal separator should be "," (3.5)')]
    >>> style_problems("Quoi ?", load_profile("netflix", lang="fr-CA").style)
    [('punct-space', 'no space before ; ! ? (write "Quoi?")')]
    """
    out = []
    if style.get("quotes"):
        wrong = _wrong_quotes(plain, style)
        if wrong:
            marks = style["quotes"] + (f" or {style['alt_quotes']}" if style.get("alt_quotes") else "")
            out.append(("quotes", f"quotation marks {' '.join(sorted(wrong))}: this locale uses {marks}"))
    for rule in ("quote-space", "punct-space"):
        fixed = FIXES[rule](plain, style)
        if fixed != plain:
            out.append((rule, _spacing_message(rule, style, fixed)))
    sep = style.get("decimal_separator")
    if sep:
        m = _DECIMAL[sep].search(plain)
        if m:
            out.append(("decimal", f'decimal separator should be "{sep}" ({m.group(0)})'))
    if style.get("ellipsis") and _fix_ellipsis(plain, style) != plain:
        out.append(("ellipsis", f"ellipsis should be written {style['ellipsis']!r}"))
    if _fix_dialogue_dash(plain, style) != plain:
        out.append(("dialogue-dash", f"a second speaker's line starts with {style['dialogue_dash']!r}"))
    return out


def _spacing_message(rule: str, style: dict, fixed: str) -> str:
    if rule == "quote-space":
        return f"inside « » write a {style['quote_space']} space"
    if style.get("punct_space") == "none":
        return f'no space before ; ! ? (write "{fixed}")'
    return f"before ; ! ? write a {style.get('punct_space', 'none')} space (and {style.get('colon_space', 'none')} before :)"


def check_cue_style(cue: Cue, profiles: LanguageProfiles, path: str | None = None) -> list[Finding]:
    """A ``locale-<rule>`` warning for each typography rule `cue` breaks, by its language's typography
    (`style_parts`); the message names the locale whose rule it is."""
    if cue.comment or (not cue.lang and not cue.line_langs and not profiles.profile.style) or not cue.plain.strip():
        return []  # (a cue in the track's language, which sets no typography: nothing to check)
    found = []
    seen = set()
    for plain, profile in style_parts(cue, cue.plain, profiles):
        for rule, message in style_problems(plain, profile.style) if profile.style else ():
            if (rule, profile.lang) in seen:
                continue
            seen.add((rule, profile.lang))
            whose = f"{profile.lang}: " if profile.lang else ""
            found.append(Finding(f"locale-{rule}", f"{cue.timecode('.')} {whose}{message}: {excerpt(cue.plain)}",
                                 path=path, line=cue.line, position=cue.position, severity="warning",
                                 start_ms=cue.start, end_ms=cue.end))
    return found


def check_style(track: Track, profile: "Profile | LanguageProfiles") -> list[Finding]:
    """A ``locale-<rule>`` warning for each cue and each typography rule of its language it breaks
    (`profile.style` for the track's language). `subpipe.qc.check_track` includes these."""
    profiles = language_profiles(profile)
    return [f for cue in track.cues for f in check_cue_style(cue, profiles, track.path)]


# ------------------------------------------------------------------------------------------------- units

_METRIC_WORDS = {"km": r"km|kil[oó]m[eè]tr|公里|千米", "km/h": r"km/h|kil[oó]m[eè]tr|公里",
                 "m": r"\bm\b|m[eè]tr|米|公尺", "cm": r"cm|cent[ií]m[eè]tr|厘米|公分",
                 "kg": r"kg|kil[oó]|公斤|千克", "g": r"\bg\b|gram|克", "l": r"\bl\b|litr|lit[eè]r|升",
                 "ml": r"ml|mililitr|millilitr|毫升", "ha": r"\bha\b|hect[aá]r|公顷|公頃", "°C": r"°\s*C|celsius|摄氏|攝氏"}


def check_units(source: Track, target: Track, profile: Profile) -> list[Finding]:
    """A ``locale-units`` warning on each target cue whose source cue gives an imperial/US quantity (miles,
    pounds, °F) when `profile`'s locale reads metric units (``units = "metric"``) and the target cue does
    not give the metric one; the message suggests it in the locale's writing (``≈ 8,05 km`` in es-ES).
    Target cues are matched to source cues by position (a translated cue keeps its source's).

    Only where the source is known (localize): `subpipe.qc.check_track` and ``subpipe qc`` see one track and
    cannot run this check."""
    from subpipe.terms.discover import imperial_quantities, render_quantity

    if profile.style.get("units") != "metric":
        return []
    by_position = source.by_position()
    found = []
    for cue in target.cues:
        origin = by_position.get(cue.position)
        if origin is None or cue.comment:
            continue
        for q in imperial_quantities(origin.plain):
            if re.search(_METRIC_WORDS.get(q.metric_unit, re.escape(q.metric_unit)), cue.plain, re.IGNORECASE):
                continue
            metric = render_quantity(q.metric_value, q.metric_unit, profile.lang)
            found.append(Finding("locale-units", f"{cue.timecode('.')} {q.text!r} in the source: {profile.lang} reads metric "
                                 f"units, write ≈ {metric}: {excerpt(cue.plain)}", path=target.path, line=cue.line,
                                 position=cue.position, severity="warning", start_ms=cue.start, end_ms=cue.end))
    return found
