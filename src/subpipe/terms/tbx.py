"""TBX glossaries: TBX 2008 (``martif``: TBX-Basic, TBX default) and TBX v3 (``tbx``, ISO 30042:2019).

Parsing goes through defusedxml's SAX reader: entity declarations (billion laughs, XXE) and external
references are refused before anything is expanded or fetched, and every element keeps the line it
starts on so that errors can say where.

A file is checked before it is read:

- the core structure: which element may hold which (a ``term`` lives in a ``tig``, ``ntig/termGrp`` or
  ``termSec``, never directly in a ``langSet``), and, for TBX v3 and for TBX 2008 files that declare an
  XCS subpipe knows (``TBXBasicXCSV02.xcs`` for TBX-Basic, ``TBXXCSV02.xcs`` for TBX default), in which
  order and how often (a ``termNote`` cannot follow a ``descrip`` inside a ``tig``);
- for those known XCS, the data categories (``type`` attributes) and the picklist values. Files with
  another or no XCS (IATE exports, Weblate exports) get names and nesting checked only, since their
  data categories are theirs to define and IATE's exports order a ``tig`` freely.

What subpipe reads from an entry, as Weblate does for its glossaries:

- ``termNote type="administrativeStatus"`` with a deprecated, superseded, forbidden or obsolete value:
  the term is a forbidden rendering in its language;
- ``termNote type="translationNote"`` saying ``no`` (Weblate up to 5.11, and its TBX export) or
  ``descrip type="Translation needed"`` saying ``No`` (Weblate 5.12 on): do not translate;
- ``termNote type="partOfSpeech"`` = ``properNoun``: match case-sensitively;
- ``descrip type="subjectField"`` naming one of the glossary categories: the category; any other
  subject field, definitions and notes: the entry's note.

>>> g = parse_tbx('''<martif type="TBX" xml:lang="en"><martifHeader><fileDesc><sourceDesc><p>x</p>
... </sourceDesc></fileDesc></martifHeader><text><body><termEntry><langSet xml:lang="en"><tig>
... <term>Sir</term></tig></langSet><langSet xml:lang="es"><tig><term>señor</term></tig><tig>
... <term>sir</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig>
... </langSet></termEntry></body></text></martif>''')
>>> (g.entries[0].term, g.entries[0].approved("es"), g.entries[0].forbidden_in("es"))
('Sir', ['señor'], ['sir'])
"""

import io
import re
import xml.sax
from dataclasses import dataclass, field

from subpipe.errors import ErrorCode, Finding, SubpipeError
from subpipe.terms.model import (
    CATEGORIES,
    Glossary,
    duplicate_findings,
    make_entry,
    max_entries,
    same_language,
    same_spoken_language,
    too_many_entries,
)

XML_NS = "http://www.w3.org/XML/1998/namespace"
TBX3_NS = {"urn:iso:std:iso:30042:ed-2", "urn:iso:std:iso:30042:ed-1"}

FORBIDDEN_STATUS = ("deprecated", "superseded", "forbidden", "obsolete", "notrecommended")


@dataclass
class Node:
    """An XML element as subpipe needs it: local name, namespace, attributes, start line, children."""

    tag: str
    ns: str
    attrs: dict[str, str]
    line: int
    children: list["Node"] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)  # text and children, in document order

    def text(self) -> str:
        """All text inside, whitespace collapsed (``<hi>`` and friends included)."""
        return " ".join("".join(p if isinstance(p, str) else p.text() for p in self.parts).split())

    def type(self) -> str:
        return self.attrs.get("type", "")


ENTRY_TAGS = frozenset({"termEntry", "conceptEntry"})
# TBX needs about a dozen levels (martif/text/body/termEntry/langSet/ntig/termGrp/termNote/hi...); the
# checks and the reader walk the tree recursively, so depth is refused while parsing, not discovered later.
MAX_DEPTH = 100


class _TreeBuilder(xml.sax.handler.ContentHandler):
    """Builds the `Node` tree; stops at the entry past `limit`, before the tree outgrows memory."""

    def __init__(self, limit: int | None = None, path: str | None = None) -> None:
        super().__init__()
        self.root: Node | None = None
        self.stack: list[Node] = []
        self.locator = None
        self.limit, self.path, self.entries = limit, path, 0

    def setDocumentLocator(self, locator) -> None:
        self.locator = locator

    def startElementNS(self, name, qname, attrs) -> None:
        uri, local = name
        flat = {}
        for (a_uri, a_local), value in attrs.items():
            flat["lang" if (a_uri == XML_NS and a_local == "lang") else a_local] = value
        node = Node(local, uri or "", flat, self.locator.getLineNumber() if self.locator else 0)
        if len(self.stack) >= MAX_DEPTH:
            raise SubpipeError(f"elements nested more than {MAX_DEPTH} deep (TBX needs about 12)", path=self.path,
                               line=node.line, code=ErrorCode.GLOSSARY)
        if local in ENTRY_TAGS:
            self.entries += 1
            if self.limit is not None and self.entries > self.limit:
                raise too_many_entries(self.limit, path=self.path, line=node.line)
        if self.stack:
            self.stack[-1].children.append(node)
            self.stack[-1].parts.append(node)
        else:
            self.root = node
        self.stack.append(node)

    def endElementNS(self, name, qname) -> None:
        self.stack.pop()

    def characters(self, content: str) -> None:
        if self.stack:
            self.stack[-1].parts.append(content)


def parse_xml(data: bytes, path: str | None = None, limit: int | None = None) -> Node:
    """The element tree of `data`, read safely; `SubpipeError` with the line for anything unsafe or broken,
    or for a file of more than `limit` entries."""
    import defusedxml
    import defusedxml.sax

    builder = _TreeBuilder(limit, path)
    parser = defusedxml.sax.make_parser()
    parser.setFeature(xml.sax.handler.feature_namespaces, True)
    # A DOCTYPE naming an external DTD (every TBX sample has one) is fine as long as nothing is fetched:
    # the reader never loads external entities or DTDs, and defusedxml refuses any entity declaration.
    parser.setFeature(xml.sax.handler.feature_external_ges, False)
    parser.setFeature(xml.sax.handler.feature_external_pes, False)
    parser.forbid_external = False
    parser.setContentHandler(builder)
    source = xml.sax.xmlreader.InputSource()
    source.setByteStream(io.BytesIO(data))
    try:
        parser.parse(source)
    except xml.sax.SAXParseException as exc:
        raise SubpipeError(f"not well-formed XML: {exc.getMessage()} (column {exc.getColumnNumber() + 1})",
                           path=path, line=exc.getLineNumber(), code=ErrorCode.GLOSSARY) from None
    except defusedxml.EntitiesForbidden as exc:
        raise SubpipeError(f"refused: the file declares the entity {exc.name!r}; entity declarations are how "
                           "XXE and billion-laughs attacks work, and TBX does not need them", path=path,
                           line=_line(parser), code=ErrorCode.XML_UNSAFE) from None
    except defusedxml.ExternalReferenceForbidden as exc:
        raise SubpipeError(f"refused: the file references an external resource ({exc.sysid or exc.pubid})",
                           path=path, line=_line(parser), code=ErrorCode.XML_UNSAFE) from None
    except defusedxml.DefusedXmlException as exc:
        raise SubpipeError(f"refused: unsafe XML ({exc})", path=path, line=_line(parser),
                           code=ErrorCode.XML_UNSAFE) from None
    except (ValueError, UnicodeError) as exc:
        raise SubpipeError(f"cannot read XML: {exc}", path=path, code=ErrorCode.GLOSSARY) from None
    if builder.root is None:
        raise SubpipeError("empty XML document", path=path, line=1, code=ErrorCode.GLOSSARY)
    return builder.root


def _line(parser) -> int | None:
    try:
        return parser.getLineNumber()
    except Exception:  # the parser is gone: no line to tell
        return None


# --- core structure ------------------------------------------------------------------------------------

AUX = frozenset({"descrip", "descripGrp", "admin", "adminGrp", "transacGrp", "note", "ref", "xref"})
NOTE_LINK = frozenset({"admin", "adminGrp", "transacGrp", "note", "ref", "xref"})
INLINE = frozenset({"hi", "foreign", "bpt", "ept", "ph", "sc", "ec"})
DCT = "*dct*"  # a TBX v3 DCT-style data-category element (namespaced, named after its category)

# Each content model is a sequence of slots (allowed child names, occurrence: 1 ? * +); children must
# fill the slots in order. Elements listed in TEXT hold text and inline markup only.
TBX2 = {
    "martif": [({"martifHeader"}, "1"), ({"text"}, "1")],
    "martifHeader": [({"fileDesc"}, "1"), ({"encodingDesc"}, "?"), ({"revisionDesc"}, "?")],
    "fileDesc": [({"titleStmt"}, "?"), ({"publicationStmt"}, "?"), ({"sourceDesc"}, "+")],
    "titleStmt": [({"title"}, "1"), ({"note"}, "*")],
    "publicationStmt": [({"p"}, "+")],
    "sourceDesc": [({"p"}, "+")],
    "encodingDesc": [({"p"}, "+")],
    "revisionDesc": [({"change"}, "+")],
    "change": [({"p"}, "+")],
    "text": [({"body"}, "1"), ({"back"}, "?")],
    "body": [({"termEntry"}, "*")],
    "back": [({"refObjectList"}, "*")],
    "refObjectList": [({"refObject"}, "+")],
    "refObject": [({"itemSet", "itemGrp", "item"}, "+")],
    "itemSet": [({"item", "itemGrp"}, "+")],
    "itemGrp": [({"item"}, "1"), (NOTE_LINK, "*")],
    "termEntry": [(AUX, "*"), ({"langSet"}, "+")],
    "langSet": [(AUX, "*"), ({"tig", "ntig"}, "+")],
    "tig": [({"term"}, "1"), ({"termNote"}, "*"), (AUX, "*")],
    "ntig": [({"termGrp"}, "1"), (AUX, "*")],
    "termGrp": [({"term"}, "1"), ({"termNote", "termNoteGrp"}, "*"), ({"termCompList"}, "*")],
    "termNoteGrp": [({"termNote"}, "1"), (NOTE_LINK, "*")],
    "termCompList": [(AUX, "*"), ({"termComp", "termCompGrp"}, "+")],
    "termCompGrp": [({"termComp"}, "1"), ({"termNote", "termNoteGrp"}, "*"), (NOTE_LINK, "*")],
    "descripGrp": [({"descrip"}, "1"), ({"descripNote"} | NOTE_LINK, "*")],
    "adminGrp": [({"admin"}, "1"), ({"adminNote", "note", "ref", "xref"}, "*")],
    "transacGrp": [({"transac"}, "1"), ({"transacNote", "date", "note", "ref", "xref"}, "*")],
}
# What files of unknown dialect may add (IATE exports put a reliabilityCode descrip inside termGrp).
LENIENT_EXTRA = {"termGrp": set(AUX)}
TBX3_AUX = AUX | {DCT}
TBX3 = {
    "tbx": [({"tbxHeader"}, "1"), ({"text"}, "1")],
    "tbxHeader": [({"fileDesc"}, "1"), ({"encodingDesc"}, "?"), ({"revisionDesc"}, "?")],
    "fileDesc": [({"titleStmt"}, "?"), ({"publicationStmt"}, "?"), ({"sourceDesc"}, "*")],
    "titleStmt": TBX2["titleStmt"], "publicationStmt": TBX2["publicationStmt"],
    "sourceDesc": TBX2["sourceDesc"], "encodingDesc": TBX2["encodingDesc"],
    "revisionDesc": TBX2["revisionDesc"], "change": TBX2["change"],
    "text": [({"body"}, "1"), ({"back"}, "?")],
    "body": [({"conceptEntry"}, "*")],
    "back": [({"refObjectSec"}, "*")],
    "refObjectSec": [({"refObject"}, "+")],
    "refObject": TBX2["refObject"], "itemSet": TBX2["itemSet"], "itemGrp": TBX2["itemGrp"],
    "conceptEntry": [(TBX3_AUX, "*"), ({"langSec"}, "*")],
    "langSec": [(TBX3_AUX, "*"), ({"termSec"}, "*")],
    "termSec": [({"term"}, "1"), ({"termNote", "termNoteGrp", DCT}, "*"), ({"termCompSec"}, "*"),
                (TBX3_AUX, "*")],
    "termNoteGrp": [({"termNote", DCT}, "1"), (NOTE_LINK | {DCT}, "*")],
    "termCompSec": [(TBX3_AUX, "*"), ({"termComp", "termCompGrp"}, "+")],
    "termCompGrp": [({"termComp"}, "1"), ({"termNote", "termNoteGrp", DCT}, "*"), (NOTE_LINK | {DCT}, "*")],
    "descripGrp": [({"descrip", DCT}, "1"), ({"descripNote"} | NOTE_LINK | {DCT}, "*")],
    "adminGrp": [({"admin", DCT}, "1"), ({"adminNote", "note", "ref", "xref", DCT}, "*")],
    "transacGrp": [({"transac"}, "1"), ({"transacNote", "date", "note", "ref", "xref"}, "*")],
}
TEXT = frozenset({"term", "termNote", "descrip", "descripNote", "admin", "adminNote", "note", "ref", "xref",
                  "transac", "transacNote", "date", "p", "title", "item", "termComp"}) | INLINE
TYPED = frozenset({"termNote", "descrip", "descripNote", "admin", "adminNote", "transac", "transacNote", "ref",
                   "xref", "termCompList", "termCompSec"})


def _check_structure(node: Node, models: dict, is_v3: bool, path: str | None, strict: bool = True) -> None:
    """Raise `SubpipeError` at the first element that breaks the content models.

    `strict` checks order and cardinality too; without it only names and nesting are checked, for
    files whose dialect subpipe cannot tell (IATE's exports put a ``descrip`` before a ``termNote``
    and leave entries without languages).
    """
    name = node.tag
    if is_v3 and node.ns not in TBX3_NS and node.ns:
        name = DCT  # a DCT data category: text content, any inline markup
    if name in TEXT or name == DCT:
        for child in node.children:
            if child.tag not in INLINE:
                raise SubpipeError(f"<{child.tag}> is not allowed inside <{node.tag}> (text and inline "
                                   "markup only)", path=path, line=child.line, code=ErrorCode.TBX_INVALID)
        return
    if name not in models:
        raise SubpipeError(f"<{node.tag}> is not a TBX element", path=path, line=node.line, code=ErrorCode.TBX_INVALID)
    if node.tag in TYPED and not node.type():
        raise SubpipeError(f"<{node.tag}> needs a type attribute", path=path, line=node.line,
                           code=ErrorCode.TBX_INVALID)
    stray = next((p for p in node.parts if isinstance(p, str) and p.strip()), None)
    if stray is not None:
        raise SubpipeError(f"text {stray.strip()[:40]!r} directly inside <{node.tag}>", path=path,
                           line=node.line, code=ErrorCode.TBX_INVALID)
    slots = models[name]
    allowed = set().union(*(s[0] for s in slots))
    if not strict:
        allowed |= LENIENT_EXTRA.get(name, set())
    for child in node.children:
        key = DCT if (is_v3 and child.ns and child.ns not in TBX3_NS) else child.tag
        if key not in allowed:
            what = "is not a TBX element" if key not in models and key not in TEXT else \
                f"is not allowed inside <{node.tag}>"
            raise SubpipeError(f"<{child.tag}> {what} (allowed inside <{node.tag}>: "
                               f"{', '.join(sorted(allowed - {DCT}))})", path=path, line=child.line,
                               code=ErrorCode.TBX_INVALID)
    if not strict:
        for child in node.children:
            _check_structure(child, models, is_v3, path, strict)
        return
    i, count = 0, 0
    for child in node.children:
        key = DCT if (is_v3 and child.ns and child.ns not in TBX3_NS) else child.tag
        while i < len(slots) and key not in slots[i][0]:
            if slots[i][1] in "1+" and count == 0:
                raise _order_error(node, child, slots[i][0], path)
            i, count = i + 1, 0
        if i == len(slots):
            raise SubpipeError(f"<{child.tag}> is out of order inside <{node.tag}>", path=path,
                               line=child.line, code=ErrorCode.TBX_INVALID)
        count += 1
        if slots[i][1] in "1?" and count > 1:
            raise SubpipeError(f"<{child.tag}> may appear only once inside <{node.tag}>", path=path,
                               line=child.line, code=ErrorCode.TBX_INVALID)
        _check_structure(child, models, is_v3, path, strict)
    for names, occ in slots[i + (1 if count else 0):] if slots else []:
        if occ in "1+":
            raise SubpipeError(f"<{node.tag}> lacks a <{'|'.join(sorted(names - {DCT}))}>", path=path,
                               line=node.line, code=ErrorCode.TBX_INVALID)


def _order_error(node: Node, child: Node, expected, path) -> SubpipeError:
    want = "|".join(sorted(set(expected) - {DCT}))
    return SubpipeError(f"<{child.tag}> inside <{node.tag}> where <{want}> must come first", path=path,
                        line=child.line, code=ErrorCode.TBX_INVALID)


# --- data categories (XCS) ----------------------------------------------------------------------------

_BASIC_PICK = {
    "partOfSpeech": {"noun", "verb", "adjective", "adverb", "properNoun", "other"},
    "termType": {"fullForm", "acronym", "abbreviation", "shortForm", "variant", "phrase"},
    "grammaticalGender": {"masculine", "feminine", "neuter", "other"},
    "administrativeStatus": {"preferredTerm-admn-sts", "admittedTerm-admn-sts", "deprecatedTerm-admn-sts",
                             "supersededTerm-admn-sts"},
    "transactionType": {"origination", "modification"},
}
# Weblate's glossary data categories, accepted in every dialect (they are how Weblate exports).
_WEBLATE = {"termNote": {"translationNote"}, "descrip": {"Translation needed", "Usage note"}}
TBX_BASIC = {
    "descrip": {"definition", "subjectField", "context"},
    "admin": {"customerSubset", "projectSubset", "source"},
    "termNote": {"administrativeStatus", "geographicalUsage", "grammaticalGender", "partOfSpeech",
                 "termLocation", "termType"},
    "transac": {"transactionType"},
    "transacNote": {"responsibility"},
    "ref": {"crossReference"},
    "xref": {"externalCrossReference", "xGraphic"},
    "picklists": _BASIC_PICK,
}
TBX_DEFAULT = {
    "descrip": {"antonymConcept", "associatedConcept", "audio", "broaderConceptGeneric", "broaderConceptPartitive",
                "characteristic", "classificationCode", "conceptPosition", "context", "coordinateConceptGeneric",
                "coordinateConceptPartitive", "definition", "example", "explanation", "figure", "otherBinaryData",
                "quantity", "range", "relatedConcept", "relatedConceptBroader", "relatedConceptNarrower",
                "reliabilityCode", "sampleSentence", "sequentiallyRelatedConcept", "spatiallyRelatedConcept",
                "subjectField", "subordinateConceptGeneric", "subordinateConceptPartitive",
                "superordinateConceptGeneric", "superordinateConceptPartitive", "table",
                "temporallyRelatedConcept", "thesaurusDescriptor", "unit", "video"},
    "admin": {"annotatedNote", "applicationSubset", "businessUnitSubset", "conceptOrigin", "customerSubset",
              "databaseType", "domainExpert", "elementWorkingStatus", "entrySource", "environmentSubset",
              "indexHeading", "keyword", "originatingDatabase", "originatingInstitution", "originatingPerson",
              "productSubset", "projectSubset", "searchTerm", "securitySubset", "sortKey", "source",
              "sourceIdentifier", "subsetOwner"},
    "termNote": {"abbreviatedFormFor", "administrativeStatus", "animacy", "antonymTerm", "directionality",
                 "etymology", "falseFriend", "frequency", "geographicalUsage", "grammaticalGender",
                 "grammaticalNumber", "grammaticalValency", "homograph", "language-planningQualifier",
                 "lionHotkey", "normativeAuthorization", "partOfSpeech", "processStatus", "pronunciation",
                 "proprietaryRestriction", "register", "shortFormFor", "temporalQualifier", "termLocation",
                 "termProvenance", "termStructure", "termType", "timeRestriction", "transferComment",
                 "usageNote"},
    "descripNote": {"contextType", "definitionType", "descriptionType"},
    "adminNote": {"noteSource", "sourceType"},
    "transac": {"transactionType"},
    "transacNote": {"responsibility", "usageCount"},
    "ref": {"crossReference", "see"},
    "xref": {"corpusTrace", "externalCrossReference", "xAudio", "xGraphic", "xMathML", "xSource", "xVideo"},
    "hi": {"bold", "entailedTerm", "hotkey", "italics", "math", "subscript", "superscript"},
    "termCompList": {"hyphenation", "lemma", "morphologicalElement", "syllabification", "termElement"},
    "picklists": {
        "administrativeStatus": {"standardizedTerm-admn-sts", "preferredTerm-admn-sts", "admittedTerm-admn-sts",
                                 "deprecatedTerm-admn-sts", "supersededTerm-admn-sts", "legalTerm-admn-sts",
                                 "regulatedTerm-admn-sts"},
        "termType": {"abbreviation", "acronym", "clippedTerm", "commonName", "entryTerm", "equation", "formula",
                     "fullForm", "initialism", "internationalScientificTerm", "internationalism",
                     "logicalExpression", "phraseologicalUnit", "partNumber", "shortForm", "shortcut", "sku",
                     "symbol", "synonym", "synonymousPhrase", "standardText", "string", "transliteratedForm",
                     "transcribedForm", "variant"},
        "grammaticalGender": {"masculine", "feminine", "neuter", "otherGender"},
        "grammaticalNumber": {"singular", "plural", "dual", "mass", "otherNumber"},
        "transactionType": {"origination", "input", "modification", "check", "approval", "withdrawal",
                            "standardization", "exportation", "importation", "proposal", "userAccess"},
        "reliabilityCode": {str(n) for n in range(1, 11)},
    },
}
KNOWN_XCS = {"tbxbasicxcsv02.xcs": ("TBX-Basic", TBX_BASIC), "tbxxcsv02.xcs": ("TBX default", TBX_DEFAULT)}


def _declared_xcs(root: Node) -> str | None:
    for node in _walk(root):
        if node.tag == "p" and node.type() in ("XCSURI", "DCSName", "XCSContent"):
            return node.text().rsplit("/", 1)[-1].strip()
    return None


def _check_datcats(root: Node, spec: dict, dialect: str, path: str | None) -> None:
    picklists = spec["picklists"]
    for node in _walk(root):
        allowed = spec.get(node.tag)
        if allowed is None or not node.attrs.get("type"):
            continue
        dtype = node.type()
        if dtype not in allowed and dtype not in _WEBLATE.get(node.tag, ()):
            raise SubpipeError(f"<{node.tag} type={dtype!r}> is not a {dialect} data category (known: "
                               f"{', '.join(sorted(allowed))})", path=path, line=node.line, code=ErrorCode.TBX_INVALID)
        if dtype in picklists and node.text() not in picklists[dtype]:
            raise SubpipeError(f"{dtype} {node.text()!r} is not a {dialect} picklist value (allowed: "
                               f"{', '.join(sorted(picklists[dtype]))})", path=path, line=node.line,
                               code=ErrorCode.TBX_INVALID)


def _walk(node: Node):
    yield node
    for child in node.children:
        yield from _walk(child)


# --- reading entries ----------------------------------------------------------------------------------

@dataclass
class _Term:
    text: str
    lang: str
    line: int
    status: str = ""
    pos: str = ""
    translate: bool = True


def _datcat(node: Node, is_v3: bool) -> tuple[str, str] | None:
    """(category, value) for a termNote/descrip in DCA style or a DCT element, else None."""
    if node.tag in ("termNote", "descrip", "admin"):
        return node.type(), node.text()
    if is_v3 and node.ns and node.ns not in TBX3_NS:
        return node.tag, node.text()
    return None


def _says_no(value: str) -> bool:
    return value.strip().lower() in {"no", "false", "0", "n"}


def _read_term(holder: Node, lang: str, is_v3: bool) -> _Term | None:
    """A term from a tig, ntig or termSec, with the notes subpipe reads."""
    nodes = holder.children
    if holder.tag == "ntig":
        grp = next((c for c in holder.children if c.tag == "termGrp"), None)
        nodes = (grp.children if grp else []) + [c for c in holder.children if c.tag != "termGrp"]
    term_node = next((c for c in nodes if c.tag == "term"), None)
    if term_node is None or not term_node.text():
        return None
    term = _Term(term_node.text(), lang, term_node.line)
    for node in nodes:
        for sub in ([node] if node.tag != "termNoteGrp" and node.tag != "descripGrp" else node.children):
            dc = _datcat(sub, is_v3)
            if dc is None:
                continue
            name, value = dc
            if name == "administrativeStatus":
                term.status = value
            elif name == "partOfSpeech":
                term.pos = value
            elif name in ("translationNote", "Translation needed") and _says_no(value):
                term.translate = False
    return term


def _is_forbidden(status: str) -> bool:
    s = status.lower().replace("-admn-sts", "").replace("term", "")
    return any(s.startswith(word) for word in FORBIDDEN_STATUS)


def _entry_meta(entry: Node, is_v3: bool) -> tuple[str, list[str], bool]:
    """Category, notes and the do-not-translate flag found on the entry or its language sections."""
    category, notes, dnt = "other", [], False
    for node in _walk(entry):
        if node.tag in ("tig", "ntig", "termSec"):
            continue
        dc = _datcat(node, is_v3)
        if node.tag == "note":
            notes.append(node.text())
        elif dc:
            name, value = dc
            if name == "subjectField":
                if value.strip().lower() in CATEGORIES:
                    category = value.strip().lower()
                else:
                    notes.append(f"subject field: {value}")
            elif name in ("definition", "Usage note", "explanation"):
                notes.append(value)
            elif name in ("translationNote", "Translation needed") and _says_no(value):
                dnt = True
    return category, [n for n in notes if n], dnt


def parse_tbx(data: bytes | str, *, path: str | None = None, lang: str | None = None,
              limit: int | None = None) -> Glossary:
    """A glossary from TBX bytes (or text): validated, then read (see the module docstring); at most
    `limit` entries (default `subpipe.terms.model.max_entries()`)."""
    if isinstance(data, str):
        data = re.sub(r"^\s*<\?xml[^>]*\?>", "", data).encode("utf-8")
    root = parse_xml(data, path, limit or max_entries())
    is_v3 = root.tag == "tbx"
    if root.tag not in ("martif", "tbx") or (is_v3 and root.ns and root.ns not in TBX3_NS):
        raise SubpipeError(f"not a TBX file: the root element is <{root.tag}>, expected <martif> (TBX 2008) or "
                           "<tbx> (TBX v3)", path=path, line=root.line, code=ErrorCode.TBX_INVALID)
    findings: list[Finding] = []
    if is_v3:
        _check_structure(root, TBX3, True, path)
    else:
        xcs = _declared_xcs(root)
        known = KNOWN_XCS.get((xcs or "").lower())
        _check_structure(root, TBX2, False, path, strict=known is not None)
        if known:
            _check_datcats(root, known[1], known[0], path)
        else:
            findings.append(Finding("tbx-xcs-unknown", f"the file declares {'XCS ' + repr(xcs) if xcs else 'no XCS'}"
                                    "; only element names and nesting were checked", path=path, severity="info"))
    source = lang or root.attrs.get("lang")
    if not source:
        raise SubpipeError("TBX file has no xml:lang on its root and no source language was given", path=path,
                           line=root.line, code=ErrorCode.GLOSSARY)
    entry_tag, lang_tag, term_tags = ("conceptEntry", "langSec", ("termSec",)) if is_v3 else \
        ("termEntry", "langSet", ("tig", "ntig"))
    entries, without_source, total = [], 0, 0
    for entry in (n for n in _walk(root) if n.tag == entry_tag):
        total += 1
        category, notes, entry_dnt = _entry_meta(entry, is_v3)
        terms = []
        for lang_node in (c for c in entry.children if c.tag == lang_tag):
            term_lang = lang_node.attrs.get("lang") or root.attrs.get("lang") or ""
            for holder in (c for c in lang_node.children if c.tag in term_tags):
                term = _read_term(holder, term_lang, is_v3)
                if term:
                    terms.append(term)
        # else the other script's (a zh-TW film, a zh termbase): `Glossary.for_language` writes them in its
        sources = [t for t in terms if same_language(t.lang, source)] or \
            [t for t in terms if same_spoken_language(t.lang, source)]
        if not sources:
            without_source += 1
            continue
        translations: dict[str, list[str]] = {}
        forbidden: dict[str, list[str]] = {}
        for t in terms:
            if t in sources:
                continue
            (forbidden if _is_forbidden(t.status) else translations).setdefault(t.lang, []).append(t.text)
        for t in sources:
            note = list(notes)
            if _is_forbidden(t.status):
                note.append(f"source term is {t.status}")
            entries.append(make_entry(
                t.text, t.lang, category=category, translations=translations, forbidden=forbidden,
                do_not_translate=entry_dnt or not t.translate, case_sensitive=t.pos == "properNoun",
                note="; ".join(note), id=entry.attrs.get("id", ""), path=path, line=t.line))
    if without_source:
        findings.append(Finding("tbx-no-source-term", f"{without_source} of {total} entries have no term in "
                                f"{source!r} and were skipped", path=path, severity="info"))
    return Glossary(entries=entries, path=path, format="tbx", findings=findings + duplicate_findings(entries, path))
