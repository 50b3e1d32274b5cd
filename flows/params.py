"""Parameter types of the flows, for the form the Prefect UI draws from them.

Enums become drop-downs (languages, QC profiles, audiences, formats); Pydantic models become groups of
fields with descriptions and bounds; paths are plain strings, checked against the configured roots
(`subpipe.batch.BatchSettings`: inbox, outbox, glossaries, extra roots) by `allowed_path` when the run
comes from a deployment (the UI, a schedule, a worker), so a form cannot make a flow read or write
anywhere else; there a relative path is taken in the inbox (inputs) or the outbox (outputs).
(No the postponed-annotations `__future__` import: deployments need real annotations.)
"""

import os
from enum import StrEnum
from pathlib import Path
from typing import Optional

from pydantic import BaseModel, ConfigDict, Field

from subpipe.batch import BatchSettings, check_path, load_settings
from subpipe.locales import spoken_language
from subpipe.qc.profiles import list_profiles


class Language(StrEnum):
    """Languages and locales subpipe delivers and reads (BCP 47 tags, as in ``Title.lang.ext``). A locale
    (es-419, fr-CA) is translated through its language's model unless one for the locale is installed, and
    gets its own typography (`subpipe.locales`); ca, gl and eu are Apertium's. Chinese: zh, zh-Hans and
    zh-CN are Simplified, zh-Hant, zh-TW, zh-HK and zh-MO Traditional (OpenCC: s2t, s2twp, s2hk); a
    delivered file is named with the tag as chosen (``Title.zh-TW.srt``), a spoken language is known
    by its script (`spoken_value`: zh-TW is zh-Hant). Any spelling of a tag is taken (``zh_tw``)."""

    EN = "en"
    EN_GB = "en-GB"
    EN_US = "en-US"
    DE = "de"
    ES = "es"
    ES_ES = "es-ES"
    ES_419 = "es-419"
    ES_MX = "es-MX"
    ES_AR = "es-AR"
    FR = "fr"
    FR_FR = "fr-FR"
    FR_CA = "fr-CA"
    IT = "it"
    PT = "pt"
    PT_BR = "pt-BR"
    PT_PT = "pt-PT"
    CA = "ca"
    GL = "gl"
    EU = "eu"
    NL = "nl"
    SV = "sv"
    DA = "da"
    NB = "nb"
    FI = "fi"
    PL = "pl"
    CS = "cs"
    RU = "ru"
    UK = "uk"
    TR = "tr"
    EL = "el"
    AR = "ar"
    HE = "he"
    HI = "hi"
    JA = "ja"
    KO = "ko"
    ZH = "zh"
    ZH_HANS = "zh-Hans"
    ZH_CN = "zh-CN"
    ZH_HANT = "zh-Hant"
    ZH_TW = "zh-TW"
    ZH_HK = "zh-HK"
    ZH_MO = "zh-MO"
    YUE = "yue"

    @classmethod
    def _missing_(cls, value):
        """Any spelling of a listed tag (``zh_tw``, ``ZH-hant``, ``pt_br``), as the command line takes it."""
        from subpipe.locales import is_locale, normalize_locale

        if isinstance(value, str) and is_locale(value):
            return cls._value2member_map_.get(normalize_locale(value))
        return None


# The built-in QC profiles (src/subpipe/qc/profiles/*.toml), so a new profile file appears in the form.
Profile = StrEnum("Profile", {name.replace("-", "_").upper(): name for name in list_profiles()})
Profile.__doc__ = "A built-in QC profile (delivery rules)."


class Audience(StrEnum):
    """Reading-speed limits of the QC profile."""

    ADULT = "adult"
    CHILDREN = "children"


class Engine(StrEnum):
    """Translation engine: argostranslate's installed models, Apertium's installed rule-based pairs, or both
    (argos first; a pair neither covers alone goes through one, then the other)."""

    ARGOS = "argos"
    APERTIUM = "apertium"
    ARGOS_APERTIUM = "argos+apertium"


class DualFormat(StrEnum):
    """Format of the dual-language track written with an alignment."""

    SRT = "srt"
    VTT = "vtt"
    ASS = "ass"


class QCOptions(BaseModel):
    """How delivered tracks are checked and fixed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    profile: Profile = Field(
        Profile.NETFLIX, description="Delivery rules: line length, lines, reading speed, durations, gaps."
    )
    audience: Audience = Field(Audience.ADULT, description="Reading speed of the audience.")
    fps: Optional[float] = Field(
        None,
        gt=0,
        le=120,
        description="Frame rate of the video (frame-based gaps; needed for MicroDVD input).",
    )


class AlignOptions(BaseModel):
    """What an alignment writes besides links.json."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    tmx: bool = Field(True, description="A TMX 1.4 translation memory, one unit per link.")
    dual: Optional[DualFormat] = Field(
        DualFormat.SRT, description="A dual-language track in this format (empty for none)."
    )
    report: bool = Field(True, description="An HTML timeline report.")
    profile: Profile = Field(
        Profile.NETFLIX, description="QC profile whose line length the dual track is wrapped to."
    )


class BatchOptions(BaseModel):
    """How a drop-folder batch runs; an empty field takes the server's settings (subpipe.toml / SUBPIPE_*)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source_language: Optional[Language] = Field(
        None, description="The language translated from (settings: source_lang, default en)."
    )
    target_languages: Optional[list[Language]] = Field(
        None, description="Languages delivered (settings: target_languages)."
    )
    profile: Optional[Profile] = Field(None, description="QC profile (settings: profile).")
    engine: Optional[Engine] = Field(None, description="Translation engine (settings: engine, default argos).")
    protect_names: Optional[bool] = Field(
        None, description="Keep each film's character names (not in the glossary) out of MT (settings: "
        "protect_names, default true)."
    )
    forced_narrative: Optional[bool] = Field(
        None, description="Also deliver each language's forced-narrative track (Title.lang.forced.srt/.vtt): the "
        "cues of a bilingual film not spoken in that language, translated (settings: forced_narrative, default false)."
    )
    concurrency: Optional[int] = Field(None, ge=1, le=64, description="Films localized at once.")
    retries: Optional[int] = Field(
        None, ge=0, le=10, description="Retries of a film after a transient error (never after bad input)."
    )
    refresh_cache: bool = Field(
        False, description="Localize every film again even if its files are unchanged."
    )
    move_files: bool = Field(True, description="Move inputs to done/ and failed/ afterwards.")


def paths_restricted(settings: BatchSettings) -> bool:
    """Whether paths must stay inside the roots: as configured, else in deployment runs only."""
    if settings.restrict_paths is not None:
        return settings.restrict_paths
    from prefect.runtime import deployment

    return deployment.id is not None


def allowed_path(
    path: Optional[str], *, what: str, write: bool = False, settings: Optional[BatchSettings] = None
) -> Optional[str]:
    """`path` unchanged when paths are not restricted; else resolved, and refused with a `SubpipeError`
    when outside the roots. Inputs may be under any root, outputs only under the outbox or an extra
    root. In restricted runs a relative path is taken in the inbox (inputs) or the outbox (outputs),
    so a form can say `Sintel.en.vtt` or `out`.
    """
    if path is None:
        return None
    settings = settings or load_settings()
    if not paths_restricted(settings):
        return path
    if str(path).strip() and not Path(os.path.expanduser(str(path))).is_absolute():
        path = str((settings.outbox if write else settings.inbox) / path)
    roots = settings.write_roots() if write else settings.read_roots()
    return str(check_path(path, roots, what=what))


def glossary_path(glossary: Optional[str], settings: Optional[BatchSettings] = None) -> Optional[str]:
    """A glossary parameter: in restricted runs a bare name is a file in the glossaries folder."""
    if not glossary:
        return None
    settings = settings or load_settings()
    if paths_restricted(settings) and not Path(os.path.expanduser(glossary)).is_absolute():
        glossary = str(settings.glossaries / glossary)
    return allowed_path(glossary, what="glossary", settings=settings)


def spoken_value(member) -> str:
    """A spoken language for the library (`subpipe.locales.spoken_language`): Mandarin in Simplified
    characters is ``zh`` (``zh-Hans``, ``zh-CN``, ``zh-SG``), in Traditional ones ``zh-Hant`` (``zh-TW``,
    ``zh-HK``, ``zh-MO``); Cantonese ``yue``; any other tag normalised (a region only matters for a
    delivered track, and stays)."""
    return spoken_language(value(member))


def value(member) -> Optional[str]:
    """An Enum member's plain string (or None), for library calls that take strings."""
    return None if member is None else str(getattr(member, "value", member))
