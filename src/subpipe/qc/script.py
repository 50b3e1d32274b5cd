"""Chinese script: a track delivered or checked in Traditional characters (zh-Hant, zh-TW, zh-HK, zh-MO)
holds no Simplified-only character, and one in Simplified characters (zh, zh-Hans, zh-CN, zh-SG) no
Traditional-only one.

    >>> from subpipe.cues import Cue, Track
    >>> from subpipe.qc.profiles import load_profile
    >>> track = Track([Cue(9200, 12980, "哎呀,你又长高了。", position=8, line=34)], path="Dumplings.zh-TW.srt")
    >>> print(check_script(track, load_profile("netflix", lang="zh-TW"))[0])  # doctest: +NORMALIZE_WHITESPACE
    Dumplings.zh-TW.srt:34 cue 8: [locale-script] 00:00:09.200 --> 00:00:12.980 zh-TW is written in
    Traditional characters; Simplified: 长; OpenCC (s2twp) writes '哎呀,你又長高了。'
    >>> fix_script(track, load_profile("netflix", lang="zh-TW"))[0].cues[0].text
    '哎呀,你又長高了。'

Which script a cue is held to: the track's locale when it is Chinese (every Chinese cue of a zh-TW track,
or a cue without a language, is zh-TW), else the cue's own language when that is Chinese (a ``zh`` cue of an
English track is Simplified); a line or cue in another language (Japanese kanji are not Simplified
Chinese) is never checked. The characters are told in context by OpenCC (`subpipe.locales.other_script_chars`).

The fix (``fix-locale-script``, part of the ``locale`` fix of `subpipe.qc.fix_track`: ``subpipe qc --fix``,
and every track localize delivers) writes the whole cue with the locale's OpenCC configuration
(`subpipe.locales.to_script`): ``s2twp`` for zh-TW (Taiwan's characters and phrases), ``s2hk`` for zh-HK
and zh-MO, ``s2t`` for zh-Hant, ``t2s`` for zh, zh-Hans, zh-CN, zh-SG. Markup is never touched.
"""

from subpipe.cues import Cue, Track
from subpipe.errors import Finding
from subpipe.limits import excerpt
from subpipe.locales import chinese_script, convert_script, other_script_chars, to_script
from subpipe.qc.profiles import LanguageProfiles, Profile, language_profiles, lines_with_langs

_NAMES = {"Hans": "Simplified", "Hant": "Traditional"}


def script_locale(track_lang: str | None, lang: str | None) -> str | None:
    """The Chinese locale whose script a text spoken in `lang` (None or ``und``: the track's language)
    is written in, in a track of `track_lang`; None when it is not Chinese.

    >>> script_locale("zh-TW", "zh"), script_locale("zh-TW", None), script_locale("en", "zh-Hant")
    ('zh-TW', 'zh-TW', 'zh-Hant')
    >>> script_locale("zh-TW", "ja"), script_locale("en", None), script_locale(None, "en")
    (None, None, None)
    """
    if lang and lang != "und" and chinese_script(lang) is None:
        return None  # another language's text (Japanese kanji, an English line)
    if chinese_script(track_lang):
        return track_lang
    return lang if lang and chinese_script(lang) else None


def _parts(cue: Cue, text: str, track_lang: str | None) -> list[tuple[str, str | None]]:
    """(line or whole text, its Chinese locale or None): per line when the lines are in different
    languages (`Cue.line_langs`), else the whole text by the cue's language."""
    lines = text.split("\n")
    langs = cue.line_langs
    if langs and len(langs) == len(lines) and len(set(langs)) > 1:
        return [(line, script_locale(track_lang, lang)) for line, lang in zip(lines, langs)]
    return [(text, script_locale(track_lang, cue.lang))]


def _convert(text: str, locale: str) -> str:
    from subpipe.qc.locale_style import _outside_markup

    config = to_script(locale)
    return _outside_markup(text, lambda part: convert_script([part], config)[0]) if config else text


def wrong_script(cue: Cue, track_lang: str | None) -> tuple[list[str], str | None]:
    """(the characters of the cue's plain text in the other script than its locale's, the locale)."""
    bad: list[str] = []
    where = None
    parts = [(line, lang) for line, lang in lines_with_langs(cue)] if cue.line_langs else []
    if not parts or len({lang for _, lang in parts}) < 2:
        parts = [(cue.plain, cue.lang)]
    for text, lang in parts:
        locale = script_locale(track_lang, lang)
        if locale:
            found = other_script_chars(text, chinese_script(locale))
            bad += [c for c in found if c not in bad]
            where = where or (locale if found else None)
    return bad, where


def check_cue_script(cue: Cue, profiles: LanguageProfiles, path: str | None = None) -> list[Finding]:
    """A ``locale-script`` warning when `cue` holds characters of the other Chinese script than its
    locale's: they are named, and the OpenCC rendering of the cue given as the fix."""
    if cue.comment:
        return []
    track_lang = profiles.profile.lang
    bad, locale = wrong_script(cue, track_lang)
    if not bad:
        return []
    script = chinese_script(locale)
    other = "Hans" if script == "Hant" else "Hant"
    fixed = "\n".join(_convert(text, loc) if loc else text for text, loc in _parts(cue, cue.plain, track_lang))
    return [Finding("locale-script", f"{cue.timecode('.')} {locale} is written in {_NAMES[script]} characters; "
                    f"{_NAMES[other]}: {' '.join(bad)}; OpenCC ({to_script(locale)}) writes {excerpt(fixed)}",
                    path=path, line=cue.line, position=cue.position, severity="warning",
                    start_ms=cue.start, end_ms=cue.end)]


def check_script(track: Track, profile: "Profile | LanguageProfiles") -> list[Finding]:
    """A ``locale-script`` warning for each cue in the other Chinese script than its locale's."""
    profiles = language_profiles(profile)
    return [f for cue in track.cues for f in check_cue_script(cue, profiles, track.path)]


def fix_script(track: Track, profile: "Profile | LanguageProfiles") -> tuple[Track, list[Finding]]:
    """A copy of `track` whose cues in the other Chinese script than their locale's are written in it by
    OpenCC (`subpipe.locales.to_script`), and a ``fix-locale-script`` finding for each. A converted
    cue tagged with a Chinese language is tagged with the track's locale. `track` is left untouched."""
    profiles = language_profiles(profile)
    track_lang = profiles.profile.lang
    new = track.copy()
    found: list[Finding] = []
    cues = []
    for cue in new.cues:
        bad, locale = ([], None) if cue.comment else wrong_script(cue, track_lang)
        if not bad:
            cues.append(cue)
            continue
        text = "\n".join(_convert(part, loc) if loc else part for part, loc in _parts(cue, cue.text, track_lang))
        lang = track_lang if cue.lang and chinese_script(cue.lang) and chinese_script(track_lang) else cue.lang
        found.append(Finding("fix-locale-script", f"{cue.timecode('.')} {locale} script ({to_script(locale)}): "
                             f"{excerpt(cue.text)} -> {excerpt(text)}", path=track.path, line=cue.line,
                             position=cue.position, severity="info", fixed=True, start_ms=cue.start,
                             end_ms=cue.end))
        cues.append(cue.copy(text=text, lang=lang))
    new.cues = cues
    return new, found
