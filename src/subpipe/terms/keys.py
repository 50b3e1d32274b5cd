"""Candidate keys of glossary words, computed from the pipeline's own tables instead of running it on every term.

Term matching (`subpipe.terms.match`) compares a track's tokens with glossary terms on three keys:
the text (``ORTH``), the lower-cased text and a lemma key (``NORM``: the lower-cased lemma, the lookup
lemma for proper nouns). A term's lemma key is what the pipeline gives the term's words when it runs on
the term; running the tagger over 100,000 glossary terms costs minutes, though only the few terms that
occur in a film matter. So the index first finds *candidates* with keys computed here, cheaply, once per
distinct word, and runs the pipeline only on the candidate terms (`TermMatcher`), which then decide.

A word's candidate keys are every lemma key the pipeline could give it, whatever the part of speech:

- its lower-cased form and the POS-free lookup lemma (spacy-lookups-data);
- for a stock rule lemmatizer (English and most trained pipelines), the lemma it returns for each part of
  speech its tables know, computed with the same tables and the same algorithm as
  `spacy.pipeline.Lemmatizer.rule_lemmatize` (checked against it in tests/terms/test_keys.py);
- for a lookup lemmatizer (blank pipelines with lookups), its table's lemma;
- lemmas the attribute ruler may assign to that word (``him`` -> ``he``, ``nothin'`` -> ``nothing``).

That is a superset of what running the pipeline gives, so no match is missed; "beer" also gets ``be``
(as if it were an adjective's comparative), which is why candidates are confirmed by the pipeline.
A lemmatizer that cannot be enumerated this way (trainable, or a language class with rules of its own,
such as French) makes every term a candidate (`WordKeys.exact` false): slower, never wrong.
"""

import re
from collections.abc import Iterable, Sequence

LEMMA_PIPES = ("tok2vec", "tagger", "morphologizer", "attribute_ruler", "lemmatizer", "trainable_lemmatizer")
_UNIVERSAL_POS = ("adj", "adp", "adv", "aux", "cconj", "det", "intj", "noun", "num", "part", "pron", "propn",
                  "punct", "sconj", "sym", "verb", "x")
_TOKEN_BATCH = 20_000  # words tokenised per call; one Doc of all words, split back by character offsets


def lookup_key(token, lookup) -> str:
    """The POS-free lemma of a token from a lookup table (some tables list several: the first wins)."""
    return lookup_word(token.text, token.lower_, lookup)


def lookup_word(text: str, lower: str, lookup) -> str:
    value = lookup.get(text) or lookup.get(lower) or lower
    if isinstance(value, (list, tuple)):
        value = value[0] if value else lower
    return str(value).lower()


def rule_lemmas(string: str, index: set[str], exceptions: dict, rules: Sequence) -> tuple[list[str], list[str]]:
    """(forms, out-of-vocabulary forms) as `spacy.pipeline.Lemmatizer.rule_lemmatize` computes them for
    `string` in one part of speech: its lemma is ``(forms or oov_forms or [string])[0]``."""
    lower = string.lower()
    forms, oov_forms = [], []
    for old, new in rules:
        if lower.endswith(old):
            form = lower[: len(lower) - len(old)] + new
            if not form:
                continue
            if form in index:
                forms.insert(0, form)  # spaCy's order: forms in the index first, the last rule's at the front
            elif not form.isalpha():
                forms.append(form)
            else:
                oov_forms.append(form)
    forms = list(dict.fromkeys(forms))
    for form in exceptions.get(lower, ()):
        if form not in forms:
            forms.insert(0, form)
    return forms, oov_forms


class WordKeys:
    """Tokens and lemma variants of glossary words for one pipeline, each distinct word computed once."""

    def __init__(self, nlp, lookup) -> None:
        self.nlp = nlp
        self.lookup = lookup
        self._tokens: dict[str, tuple[str, ...]] = {}
        self._variants: dict[str, frozenset[str]] = {}
        self._by_pos = self._rule_tables()
        self._ruler = self._ruler_lemmas()
        self._lookup_mode = self._lookup_table()
        self.exact = self._by_pos is not None and self._ruler is not None

    # --- what the pipeline can do to a word ---------------------------------------------------------

    def _lemmatizer(self):
        return self.nlp.get_pipe("lemmatizer") if "lemmatizer" in self.nlp.pipe_names else None

    def _rule_tables(self) -> list[tuple[set, dict, list]] | None:
        """(index, exceptions, rules) per part of speech of a stock rule lemmatizer; [] when there is
        no rule lemmatizer; None when there is one subpipe cannot enumerate."""
        from spacy.pipeline import Lemmatizer

        lem = self._lemmatizer()
        others = [n for n in self.nlp.pipe_names if "lemmatizer" in n and n != "lemmatizer"]
        if others:
            return None
        if lem is None or getattr(lem, "mode", None) == "lookup":
            return []
        if not isinstance(lem, Lemmatizer) or lem.mode != "rule" or \
                type(lem).rule_lemmatize is not Lemmatizer.rule_lemmatize:
            return None
        tables = {name: lem.lookups.get_table(name, {}) for name in ("lemma_index", "lemma_exc", "lemma_rules")}
        out = []
        for pos in _UNIVERSAL_POS:
            index, exc, rules = (tables[n].get(pos) or {} for n in ("lemma_index", "lemma_exc", "lemma_rules"))
            if index or exc or rules:
                out.append((set(index), dict(exc), [tuple(r) for r in rules]))
        return out

    def _lookup_table(self):
        lem = self._lemmatizer()
        if lem is not None and getattr(lem, "mode", None) == "lookup":
            return lem.lookups.get_table("lemma_lookup", {})
        return None

    def _ruler_lemmas(self) -> tuple[dict[str, set[str]], dict[str, set[str]], list] | None:
        """What the attribute ruler may set as a lemma: (by exact word, by lower-cased word,
        [(regex, compared lower-cased, lemma)]); None if a pattern sets lemmas on tokens it does not
        name (no word list bounds those)."""
        exact: dict[str, set[str]] = {}
        folded: dict[str, set[str]] = {}
        regexes = []
        for name in self.nlp.pipe_names:
            pipe = self.nlp.get_pipe(name)
            if not hasattr(pipe, "patterns") or not hasattr(pipe, "add_patterns"):
                continue
            for p in pipe.patterns:
                lemma = p.get("attrs", {}).get("LEMMA")
                if lemma is None:
                    continue
                for pattern in p["patterns"]:
                    named = _named_words(pattern[p.get("index", 0)])
                    if named is None:
                        return None
                    words, regex, lower = named
                    if regex is not None:
                        regexes.append((regex, lower, str(lemma).lower()))
                    for word in words or ():
                        (folded if lower else exact).setdefault(word.lower() if lower else word, set()).add(
                            str(lemma).lower())
        return exact, folded, regexes

    # --- words -------------------------------------------------------------------------------------

    def tokenize(self, terms: Iterable[str]) -> list[tuple[str, ...]]:
        """The token texts of each term, as the pipeline's tokenizer splits it.

        spaCy's tokenizer works on each whitespace-separated piece alone, so pieces are tokenised once
        each, many to a Doc."""
        terms = list(terms)
        new = {part for term in terms for part in term.split() if part not in self._tokens}
        self._tokenize_parts(sorted(part for part in new if not self._single_token(part)))
        return [tuple(tok for part in term.split() for tok in self._tokens[part]) for term in terms]

    def _single_token(self, part: str) -> bool:
        """Whether the tokenizer leaves `part` whole, decided as it does (no special case, prefix, suffix or
        infix); such a part needs no Doc, and most glossary words are such parts."""
        tokenizer = self.nlp.tokenizer
        if not hasattr(tokenizer, "rules"):
            return False  # a segmenter of its own (Chinese, Japanese) splits words without spaces: ask it
        if part in tokenizer.rules or (tokenizer.prefix_search and tokenizer.prefix_search(part)) or \
                (tokenizer.suffix_search and tokenizer.suffix_search(part)) or \
                (tokenizer.infix_finditer and next(tokenizer.infix_finditer(part), None)):
            return False
        self._tokens[part] = (part,)
        return True

    def _tokenize_parts(self, parts: list[str]) -> None:
        for start in range(0, len(parts), _TOKEN_BATCH):
            batch = parts[start:start + _TOKEN_BATCH]
            doc = self.nlp.tokenizer(" ".join(batch))
            ends, pos = [], -1
            for part in batch:
                pos += len(part) + 1
                ends.append(pos)
            found: list[list[str]] = [[] for _ in batch]
            k = 0
            for token in doc:
                while token.idx >= ends[k]:
                    k += 1
                if not token.is_space:
                    found[k].append(token.text)
            for part, tokens in zip(batch, found):
                self._tokens[part] = tuple(tokens)

    def variants(self, word: str) -> frozenset[str]:
        """Every lemma key `word` (a token text) can have in a track (see the module docstring)."""
        have = self._variants.get(word)
        if have is None:
            have = self._variants[word] = frozenset(self._compute_variants(word))
        return have

    def _compute_variants(self, word: str) -> set[str]:
        lower = word.lower()
        keys = {lower}
        if self.lookup is not None:
            keys.add(lookup_word(word, lower, self.lookup))
        if self._lookup_mode is not None:
            keys.add(str(self._lookup_mode.get(word, word)).lower())
        for index, exc, rules in self._by_pos or ():
            forms, oov_forms = rule_lemmas(word, index, exc, rules)
            keys.add((forms or oov_forms or [word])[0].lower())
        if self._ruler:
            exact, folded, regexes = self._ruler
            keys.update(exact.get(word, ()))
            keys.update(folded.get(lower, ()))
            keys.update(lemma for regex, by_lower, lemma in regexes if regex.search(lower if by_lower else word))
        return keys


def _named_words(spec: dict) -> tuple[set[str] | None, re.Pattern | None, bool] | None:
    """(words, regex, compared lower-cased) a token pattern names (``{"LOWER": "him"}``,
    ``{"ORTH": {"IN": [...]}}``, ``{"LOWER": {"REGEX": ...}}``), or None when it names no word."""
    for attr in ("ORTH", "TEXT", "LOWER", "NORM"):
        value = spec.get(attr)
        folded = attr in ("LOWER", "NORM")
        if isinstance(value, str):
            return {value}, None, folded
        if isinstance(value, dict) and isinstance(value.get("IN"), list):
            return {str(v) for v in value["IN"]}, None, folded
        if isinstance(value, dict) and isinstance(value.get("REGEX"), str):
            return None, re.compile(value["REGEX"]), folded
    return None
