"""Target locales: BCP 47 tags (``es-ES``, ``es-419``, ``pt-BR``, ``fr-CA``, ``zh-Hant``) parsed, normalised
and mapped onto what each part of subpipe needs.

A delivery is made for a *locale*, but most tools know only *languages*: translation engines have an
``en->es`` model, not ``en->es-419``. So a locale carries a fallback chain, most specific first, and every
consumer takes the first link it has data for: a model, a QC profile section, a glossary column.

    >>> parse_locale("es_mx").tag, fallback_chain("es-MX")
    ('es-MX', ['es-MX', 'es-419', 'es'])
    >>> fallback_chain("zh-TW"), script_of("zh-TW"), script_of("zh")
    (['zh-TW', 'zh-Hant', 'zh'], 'Hant', 'Hans')
    >>> engine_language("es-419", {"en", "es"}), engine_language("fr-CA", {"en", "fr-CA", "fr"})
    ('es', 'fr-CA')

Parsing and validity come from `langcodes` (the IANA subtag registry); the parent locales follow
CLDR's ``parentLocales`` (es-419 for Latin American Spanish, pt-PT for the Portuguese of Africa and
Asia), and Chinese scripts follow CLDR's likely subtags (zh-TW and zh-HK are written in Traditional
characters, zh-CN and zh-SG in Simplified, a bare zh in Simplified).
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import langcodes

from subpipe.errors import ErrorCode, SubpipeError

# CLDR common/supplemental/supplementalData.xml, <parentLocales>: the regions whose Spanish falls back
# to Latin American Spanish (es-419) and whose Portuguese falls back to European Portuguese (pt-PT).
_ES_419_REGIONS = frozenset(
    "AR BO BR BZ CL CO CR CU DO EC GT HN JP MX NI PA PE PR PY SV US UY VE".split())
_PT_PT_REGIONS = frozenset("AO CH CV FR GQ GW LU MO MZ ST TL".split())

# ISO 3166 user-assigned codes and "unknown" (IANA registry: "Private use"): no delivery is for them.
_PRIVATE_REGION = re.compile(r"AA|Q[M-Z]|X[A-Z]|ZZ")

# Argos's packages name Traditional Chinese "zt" (and Simplified "zh"): an engine language for zh-Hant.
_ENGINE_ALIASES = {"zh-Hant": ["zt"]}

# OpenCC configurations from Simplified to each Traditional variant (phrases of the region included
# for Taiwan: 软件 -> 軟體, not 軟件), and back.
_TO_TRADITIONAL = {"TW": "s2twp", "HK": "s2hk", "MO": "s2hk"}


@dataclass(frozen=True)
class Locale:
    """A parsed locale: its normalised tag and subtags (`script` as written, not inferred)."""

    tag: str
    language: str
    script: str | None = None
    region: str | None = None

    def __str__(self) -> str:
        return self.tag


@lru_cache(maxsize=1024)
def _parse(raw: str) -> Locale | None:
    text = raw.strip().replace("_", "-")
    if not text or not langcodes.tag_is_valid(text):
        return None
    try:
        tag = langcodes.standardize_tag(text)
        lang = langcodes.Language.get(tag)
    except (langcodes.LanguageTagError, ValueError):
        return None
    if not lang.language or lang.language == "und" or lang.extlangs or lang.variants or lang.extensions \
            or "-x-" in f"-{tag.lower()}":
        return None  # subpipe names deliveries by language, script and region only
    if lang.territory and _PRIVATE_REGION.fullmatch(lang.territory):
        return None  # es-XX is well formed but names no place a delivery could be for
    return Locale(tag, lang.language, lang.script, lang.territory)


def parse_locale(tag: str, *, what: str = "language", path: str | None = None) -> Locale:
    """`tag` parsed and normalised (``pt_br`` -> ``pt-BR``, ``zh-hant`` -> ``zh-Hant``, ``iw`` -> ``he``).

    An unknown or malformed tag is a `SubpipeError` naming `what` (the argument or setting it came
    from) and `path`.

    >>> parse_locale("xx-YY", what="--to")
    Traceback (most recent call last):
    ...
    subpipe.errors.SubpipeError: <input>: --to: 'xx-YY' is not a language tag in the IANA registry (BCP 47, like es, es-419, pt-BR, zh-Hant)
    """
    locale = _parse(tag) if isinstance(tag, str) else None
    if locale is None:
        raise SubpipeError(f"{what}: {str(tag)[:80]!r} is not a language tag in the IANA registry (BCP 47, "
                           "like es, es-419, pt-BR, zh-Hant)", path=path, code=ErrorCode.BAD_LANGUAGE)
    return locale


def normalize_locale(tag: str, *, what: str = "language", path: str | None = None) -> str:
    """The normalised spelling of `tag` (see `parse_locale`)."""
    return parse_locale(tag, what=what, path=path).tag


def is_locale(tag) -> bool:
    """Whether `tag` parses as a locale."""
    return isinstance(tag, str) and _parse(tag) is not None


@lru_cache(maxsize=1024)
def script_of(tag: str) -> str | None:
    """The script `tag` is written in: its own script subtag, else the likely one (CLDR), for the
    languages written in more than one (``zh``); None elsewhere."""
    locale = parse_locale(tag)
    if locale.script:
        return locale.script
    if locale.language != "zh":
        return None
    return langcodes.Language.get(locale.tag).maximize().script


@lru_cache(maxsize=1024)
def fallback_chain(tag: str) -> list[str]:
    """The tags to look `tag` up by, most specific first, ending with its bare language.

    >>> fallback_chain("pt-AO"), fallback_chain("es-ES"), fallback_chain("sr-Latn-RS")
    (['pt-AO', 'pt-PT', 'pt'], ['es-ES', 'es'], ['sr-Latn-RS', 'sr-Latn', 'sr'])
    """
    locale = parse_locale(tag)
    chain = [locale.tag]
    lang, script, region = locale.language, locale.script, locale.region
    if lang == "es" and region in _ES_419_REGIONS:
        chain.append("es-419")
    elif lang == "pt" and region in _PT_PT_REGIONS:
        chain.append("pt-PT")
    elif lang == "zh" and region and not script:
        chain.append(f"zh-{script_of(locale.tag)}")
    elif script and region:
        chain.append(f"{lang}-{script}")
    if lang not in chain:
        chain.append(lang)
    return list(dict.fromkeys(chain))


def script_chain(tag: str) -> list[str]:
    """`fallback_chain` without the links written in another script: what a table of settings, terms or
    names per locale may fall back on (a Simplified ``zh`` rendering or file name is no zh-TW one, though
    a zh model serves zh-TW through OpenCC).

    >>> script_chain("zh-TW"), script_chain("zh-CN"), script_chain("es-MX")
    (['zh-TW', 'zh-Hant'], ['zh-CN', 'zh-Hans', 'zh'], ['es-MX', 'es-419', 'es'])
    """
    script = chinese_script(tag)
    return [link for link in fallback_chain(tag) if chinese_script(link) == script]


def best_match(tag: str, available: Iterable[str]) -> str | None:
    """The first link of `tag`'s fallback chain among `available` tags (compared normalised), as spelled
    in `available`; None when none is.

    >>> best_match("es-MX", ["es", "es-419", "es-ES"]), best_match("fr-CA", ["de"])
    ('es-419', None)
    """
    spelled = {}
    for a in available:
        spelled.setdefault(_parse(a).tag if _parse(a) else a, a)
    for link in fallback_chain(tag):
        if link in spelled:
            return spelled[link]
    return None


def spoken_language(tag: str, *, what: str = "spoken language") -> str:
    """The tag a language spoken in a film is known by to the language identifiers and the translation
    models: its language, with its script where the language is written in more than one and this one
    is not the usual (a region only matters for a delivered track). Mandarin in Simplified characters
    is ``zh`` however it is tagged, in Traditional ones ``zh-Hant`` (argos's ``zt``); other tags come
    back normalised.

    >>> [spoken_language(t) for t in ("zh-Hans", "zh-CN", "zh-SG", "cmn", "zh-Hans-HK", "zh")]
    ['zh', 'zh', 'zh', 'zh', 'zh', 'zh']
    >>> [spoken_language(t) for t in ("zh-Hant", "zh-TW", "zh_hk", "zh-MO", "cmn-Hant", "zh-Hant-TW")]
    ['zh-Hant', 'zh-Hant', 'zh-Hant', 'zh-Hant', 'zh-Hant', 'zh-Hant']
    >>> [spoken_language(t) for t in ("yue", "yue-Hant-HK", "yue-Hans", "es-419", "pt_br", "iw")]
    ['yue', 'yue', 'yue-Hans', 'es-419', 'pt-BR', 'he']
    """
    locale = parse_locale(tag, what=what)
    language = "zh" if locale.language == "cmn" else locale.language
    if language not in ("zh", "yue"):
        return locale.tag
    # the script as written, else the likely one for the region (zh-TW: Hant), else the language's
    script = locale.script or langcodes.Language.make(language=language, territory=locale.region).maximize().script
    usual = langcodes.Language.get(language).maximize().script
    return language if script == usual else f"{language}-{script}"


def engine_candidates(tag: str) -> list[str]:
    """Languages a translation engine may know `tag` by, most specific first (``zh-Hant``: ``zh-Hant``,
    ``zt``, ``zh``)."""
    out: list[str] = []
    for link in fallback_chain(tag):
        out += [link, *_ENGINE_ALIASES.get(link, [])]
    return list(dict.fromkeys(out))


def engine_language(tag: str, languages: Iterable[str]) -> str | None:
    """The language of `languages` (an engine's) that serves locale `tag`: a model for the exact locale
    wins, else the next link of the fallback chain; None when the engine knows none."""
    known = set(languages)
    return next((c for c in engine_candidates(tag) if c in known), None)


def chinese_script(tag: str | None) -> str | None:
    """``Hans`` or ``Hant`` for a Chinese tag (Mandarin, Cantonese: written or likely script, see
    `spoken_language`), None for any other language or a tag that does not parse.

    >>> [chinese_script(t) for t in ("zh", "zh-CN", "zh-TW", "zh-Hant", "zh-HK", "cmn", "yue", "zt", "es")]
    ['Hans', 'Hans', 'Hant', 'Hant', 'Hant', 'Hans', 'Hant', 'Hant', None]
    """
    if not tag or not isinstance(tag, str):
        return None
    if tag.strip().lower() == "zt":  # argos's Traditional Chinese
        return "Hant"
    if not is_locale(tag):
        return None
    locale = parse_locale(tag)
    language = "zh" if locale.language == "cmn" else locale.language
    if language not in ("zh", "yue"):
        return None
    return locale.script or langcodes.Language.make(language=language, territory=locale.region).maximize().script


def to_script(target: str) -> str | None:
    """The OpenCC configuration that writes any Chinese text in `target`'s script and regional
    standard, whatever script it was in: ``s2twp`` for zh-TW (Taiwan's characters and phrases: 软件 ->
    軟體), ``s2hk`` for zh-HK and zh-MO, ``s2t`` for zh-Hant (OpenCC's standard characters), ``t2s``
    for zh, zh-Hans, zh-CN, zh-SG; None for a tag that is not Chinese. (Each of these leaves text
    already in its script as it is, but for the regional variants.)

    >>> [to_script(t) for t in ("zh-TW", "zh-Hant-TW", "zh-HK", "zh-MO", "zh-Hant", "zh", "zh-CN", "es")]
    ['s2twp', 's2twp', 's2hk', 's2hk', 's2t', 't2s', 't2s', None]
    """
    script = chinese_script(target)
    if script is None:
        return None
    if script == "Hans":
        return "t2s"
    return _TO_TRADITIONAL.get(parse_locale(target).region or "", "s2t")


# OpenCC configurations that write characters only (no phrases of a region) in each script: a character
# is of the other script when every standard of the script changes it (s2t writes 吃 as 喫, Taiwan's and
# Hong Kong's standards keep it: it is Traditional; 长 all three write 長).
_CHARACTERS = {"Hant": ("s2t", "s2tw", "s2hk"), "Hans": ("t2s",)}


def _changed_at(text: str, config: str) -> set[int]:
    converted = convert_script([text], config)[0]
    if len(converted) == len(text):
        return {i for i, (a, b) in enumerate(zip(text, converted)) if a != b}
    return {i for i, c in enumerate(text) if convert_script([c], config)[0] != c}  # a phrase of another length


def other_script_chars(text: str, script: str) -> list[str]:
    """The characters of `text` written in the other Chinese script than `script` (``Hans`` or
    ``Hant``), in order, without repeats: those every OpenCC standard of `script` changes, read in
    context (皇后 and 公里 are Traditional too, 后来 and 里面 Simplified; 吃 is Taiwan's and Hong Kong's).

    >>> other_script_chars("你又长高了, 皇后。", "Hant"), other_script_chars("以後再說", "Hans")
    (['长'], ['後', '說'])
    >>> other_script_chars("以後再說", "Hant"), other_script_chars("你在學校吃得好嗎?", "Hant"), other_script_chars("Hi!", "Hant")
    ([], [], [])
    """
    if text.isascii():
        return []
    changed = set.intersection(*(_changed_at(text, config) for config in _CHARACTERS[script]))
    return list(dict.fromkeys(text[i] for i in sorted(changed)))


def script_conversion(target: str, engine_lang: str) -> str | None:
    """The OpenCC configuration turning text in `engine_lang` into `target`'s script, or None when the
    scripts already agree (or the language has one script).

    >>> script_conversion("zh-Hant", "zh"), script_conversion("zh-TW", "zh"), script_conversion("zh-Hans", "zt")
    ('s2t', 's2twp', 't2s')
    >>> script_conversion("zh-Hans", "zh"), script_conversion("es-419", "es")
    (None, None)
    """
    want = script_of(target)
    if want is None or parse_locale(target).language != "zh":
        return None
    have = "Hant" if engine_lang == "zt" else script_of(engine_lang)
    if have == want:
        return None
    if want == "Hant":
        return _TO_TRADITIONAL.get(parse_locale(target).region or "", "s2t")
    return "t2s"


def _script_change(have: str, want: str) -> str | None:
    """The OpenCC configuration writing Chinese text of tag `have` in the script of tag `want` (characters
    only), None when both are written alike or either is not Chinese.

    >>> _script_change("zh-TW", "zh"), _script_change("zh", "zt"), _script_change("zh-HK", "zh-Hant")
    ('t2s', 's2t', None)
    """
    a, b = chinese_script(have), chinese_script(want)
    return None if not a or not b or a == b else _CHARACTERS[b][0]


@lru_cache(maxsize=8)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


def convert_script(texts: Iterable[str], config: str) -> list[str]:
    """Each text converted by OpenCC `config` (``s2t``, ``s2twp``, ``t2s``, ...).

    >>> convert_script(["我们用软件打印这个视频"], "s2twp")
    ['我們用軟體列印這個影片']
    """
    converter = _converter(config)
    return [converter.convert(t) for t in texts]



class LocaleEngine:
    """A translation engine (`subpipe.translate`) that takes locales: ``en->es-419`` is served by the
    engine's ``en->es`` unless it has ``en->es-419`` itself (the exact locale wins), and ``en->zh-Hant``
    by a Traditional Chinese model, else by Simplified ``zh`` converted with OpenCC.

    A route no link of either chain reaches is a `SubpipeError` naming the locales and what was tried.
    """

    def __init__(self, engine) -> None:
        self.engine = engine
        self.name = getattr(engine, "name", type(engine).__name__)
        self._resolved: dict[tuple[str, str], tuple[str, str]] = {}

    def __str__(self) -> str:
        return str(self.engine)

    def pairs(self) -> list[tuple[str, str]]:
        return self.engine.pairs()

    def _reaches(self, source: str, target: str) -> None:
        """Raise the engine's own error when it cannot translate `source`->`target`."""
        if hasattr(self.engine, "route"):
            self.engine.route(source, target)
        elif (source, target) not in set(self.engine.pairs()):
            raise SubpipeError(f"the engine cannot translate {source}->{target}", code=ErrorCode.MISSING_PAIR)

    def resolve(self, source: str, target: str) -> tuple[str, str]:
        """(source, target) as the engine knows them: the most specific links of the two fallback
        chains it has a route for (the target's chain first: a model for the exact locale wins)."""
        key = (source, target)
        if key in self._resolved:
            return self._resolved[key]
        tried: list[str] = []
        last: SubpipeError | None = None
        for tgt in engine_candidates(target):
            for src in engine_candidates(source):
                if src == tgt:  # es-ES -> es-419: one language, the text stays as it is
                    self._resolved[key] = (src, tgt)
                    return src, tgt
                try:
                    self._reaches(src, tgt)
                except SubpipeError as exc:
                    tried.append(f"{src}->{tgt}")
                    last = last or exc
                    continue
                self._resolved[key] = (src, tgt)
                return src, tgt
        more = f" (also tried {', '.join(tried[1:])})" if len(tried) > 1 else ""
        raise SubpipeError(f"{last.message if last else 'no engine'}{more}",
                           code=last.code if last else "missing-pair")

    def route(self, source: str, target: str):
        src, tgt = self.resolve(source, target)
        return self.engine.route(src, tgt) if src != tgt and hasattr(self.engine, "route") else []

    def translate_batch(self, sentences, source: str, target: str, **kwargs) -> list[str]:
        src, tgt = self.resolve(source, target)
        before = _script_change(source, src)  # zh-Hant text for a model (or a route) of Simplified zh
        sentences = convert_script(sentences, before) if before else list(sentences)
        out = sentences if src == tgt else self.engine.translate_batch(sentences, src, tgt, **kwargs)
        config = script_conversion(target, tgt)
        return convert_script(out, config) if config else out


def locale_engine(engine):
    """`engine` taking locales (`LocaleEngine`); the same object when it already does."""
    return engine if isinstance(engine, LocaleEngine) else LocaleEngine(engine)
