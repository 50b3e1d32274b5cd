"""QC against delivery rules: profiles (limits as TOML data), rules (checks) and opt-in fixes.

Each cue is held to its own language's rules (`Cue.lang`; `LanguageProfiles` loads each language's
profile once per track): a Chinese cue inside an English track gets 16 characters a line and 9 cps.

>>> from subpipe.cues import Cue, Track
>>> profile = load_profile("netflix", lang="en", fps=24)
>>> track = Track([Cue(41000, 42000, "...by these giant robotic claws of death...", position=7, line=33),
...                Cue(42200, 45000, "Whatever, Thom. We're done.", position=8, line=37)])
>>> [f.kind for f in check_track(track, profile)]
['reading-speed', 'line-too-long']
>>> fixed, notes = fix_track(track, profile)
>>> [f.kind for f in notes]
['fix-rewrap', 'fix-extend', 'fix-extend-unresolved']

A locale's profile holds the track to its typography too (`subpipe.qc.locale_style`), cue by cue in each
cue's language; the ``locale`` fix writes it:

>>> latam = Track([Cue(0, 2000, "Dijo «hola».", position=0, line=1)], path="Film.es-419.srt")
>>> print(check_track(latam, load_profile("netflix", lang="es-419"))[0])
Film.es-419.srt:1 cue 0: [locale-quotes] 00:00:00.000 --> 00:00:02.000 es-419: quotation marks « »: this locale uses “” or ‘’: 'Dijo «hola».'
>>> fix_track(latam, load_profile("netflix", lang="es-419"))[0].cues[0].text
'Dijo “hola”.'
"""

from subpipe.qc.fixes import FIXES, fix_track, rewrap_text, split_cue
from subpipe.qc.mt import MTPair, check_pairs, mt_findings, mt_review
from subpipe.qc.profiles import (
    AUDIENCES,
    WIDTH_RULES,
    LanguageProfiles,
    Profile,
    line_width,
    list_profiles,
    load_profile,
    profile_for_track,
    reading_chars,
)
from subpipe.qc.rules import KINDS, QCSummary, check_cue, check_track, summarize

__all__ = [
    "AUDIENCES", "FIXES", "KINDS", "WIDTH_RULES", "LanguageProfiles", "MTPair", "Profile", "QCSummary",
    "check_cue", "check_pairs", "check_track", "fix_track", "line_width", "list_profiles", "load_profile",
    "mt_findings", "mt_review", "profile_for_track", "reading_chars", "rewrap_text", "split_cue", "summarize",
]
