"""Re-segmentation for translation: cues -> sentences, translated sentences -> cues, line breaking.

- `cues_to_sentences(track, lang)` joins cues into the sentences a translation engine should see,
  keeping dialogue dashes, voices, styling and positions aside (`subpipe.segment.sentences`); each
  `Sentence.lang` is the language it is spoken in (sentences never cross a change of language), cues
  without words (``und``) give none, and `translation_notes` says when a track has nothing to translate;
- `sentences_to_cues(sentences, translations, lang, profile, template=track)` (or
  `resegment_sentences`, which also returns what the QC fixes did and what remains) spreads the
  translations back over the source cues, restores what was kept aside, breaks lines and runs the QC
  fixes (`subpipe.segment.resegment`); ``und`` cues, and with ``keep_langs`` the cues already spoken in
  those languages, are kept as they are;
- `break_lines(text, lang, profile)` and its batched variants lay text out in balanced lines that do
  not split phrases (`subpipe.segment.linebreak`).
"""

from subpipe.segment.linebreak import (
    Boundary,
    break_lines,
    break_lines_batch,
    break_markup_batch,
    phrase_boundaries,
)
from subpipe.segment.resegment import (
    Resegmented,
    distribute,
    map_styles,
    resegment_sentences,
    sentences_to_cues,
)
from subpipe.segment.sentences import CueSpan, Part, Sentence, StyleSpan, cues_to_sentences, translation_notes

__all__ = [
    "Boundary", "CueSpan", "Part", "Resegmented", "Sentence", "StyleSpan", "break_lines", "break_lines_batch",
    "break_markup_batch", "cues_to_sentences", "distribute", "map_styles", "phrase_boundaries",
    "resegment_sentences", "sentences_to_cues", "translation_notes",
]
