"""Glossaries: the model, CSV/TSV/JSON/TBX loaders, and the files that must be refused (with file and line)."""

import json

import pytest
from conftest import CORPUS, SAMPLES

from subpipe.errors import SubpipeError
from subpipe.terms.glossary import CATEGORIES, load_glossary, make_entry, parse_csv, same_language
from subpipe.terms.tbx import parse_tbx

TBX = CORPUS / "glossary" / "tbx"
FILMS_CSV = SAMPLES / "glossary" / "films.csv"
FILMS_TBX = SAMPLES / "glossary" / "films.tbx"


def _key(e):
    return (e.id, e.term, e.language, e.category, e.translations, e.forbidden, e.do_not_translate, e.case_sensitive,
            e.note)


# --- the sample films' glossary ------------------------------------------------------------------------

def test_the_films_glossary_has_real_culture_specific_entries():
    g = load_glossary(FILMS_CSV)
    assert len(g) == 23 and g.findings == []
    by_term = {e.term: e for e in g}
    scales = by_term["Scales"]
    assert scales.do_not_translate and scales.case_sensitive and scales.category == "person"
    assert scales.forbidden_in("de") == ["Schuppen"]
    assert by_term["colossus of Rhodes"].approved("de-DE") == ["Koloss von Rhodos"]
    assert by_term["like clockwork"].approved("fr") == ["comme une horloge", "réglé comme du papier à musique"]
    assert by_term["Captain"].category == "honorific"
    assert {e.category for e in g} <= set(CATEGORIES)
    assert g.target_languages() == ["de", "es", "fr"]


def test_the_films_glossary_says_the_same_in_tbx_and_csv():
    csv_entries, tbx_entries = load_glossary(FILMS_CSV).entries, load_glossary(FILMS_TBX).entries
    assert [_key(e) for e in tbx_entries] == [_key(e) for e in csv_entries]


def test_tsv_and_json_carry_the_same_entries(tmp_path):
    import csv

    rows = list(csv.reader(FILMS_CSV.read_text(encoding="utf-8").splitlines()))
    tsv = tmp_path / "films.tsv"
    tsv.write_text("\n".join("\t".join(r) for r in rows) + "\n", encoding="utf-8")
    entries = load_glossary(FILMS_CSV).entries
    assert [_key(e) for e in load_glossary(tsv)] == [_key(e) for e in entries]
    data = {"language": "en", "entries": [
        {k: v for k, v in e.to_dict().items() if k not in ("line",)} for e in entries]}
    js = tmp_path / "films.json"
    js.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    assert [_key(e) for e in load_glossary(js)] == [_key(e) for e in entries]


# --- CSV rules -----------------------------------------------------------------------------------------------

def test_csv_columns_aliases_and_multiple_values():
    g = parse_csv("source,lang,dnt,Case-Sensitive,es,forbidden_pt-BR,comment\n"
                  "Señor,es,x,no,,,\nSir,en,no,no,señor | caballero,senhor,address\n")
    sir = g.entries[1]
    assert g.entries[0].do_not_translate and g.entries[0].language == "es"
    assert sir.approved("es-AR") == ["señor", "caballero"] and sir.forbidden_in("pt-BR") == ["senhor"]
    assert sir.forbidden_in("pt-PT") == [] and sir.note == "address"


@pytest.mark.parametrize("text, line, message", [
    ("term,category\nSir,honorific\nPhở,dish\n", 3, "unknown category 'dish'"),
    ("term,do_not_translate\nEmo,perhaps\n", 2, "'perhaps' is not yes/no"),
    ("term,colour\nSir,blue\n", 1, "unknown glossary column 'colour'"),
    ("word,es\nSir,señor\n", 1, "no 'term' column"),
    ("term,es\n,señor\n", 2, "empty term"),
    ("term,category\nSir,honorific,extra\n", 2, "row has 3 cells"),
])
def test_csv_errors_name_the_line(text, line, message):
    with pytest.raises(SubpipeError, match=message) as err:
        parse_csv(text, path="g.csv", lang="en")
    assert err.value.path == "g.csv" and err.value.line == line


def test_a_glossary_without_a_language_is_refused_and_duplicates_are_reported():
    with pytest.raises(SubpipeError, match="does not say its language"):
        parse_csv("term\nSir\n")
    g = parse_csv("term\nSir\nsir\n", lang="en")
    assert len(g) == 2 and [f.kind for f in g.findings] == ["duplicate-term"] and g.findings[0].line == 3


def test_json_errors_name_the_entry_and_line(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"entries": [\n{"term": "Sir",}\n]}', encoding="utf-8")
    with pytest.raises(SubpipeError) as err:
        load_glossary(bad)
    assert err.value.line == 2 and str(bad) in str(err.value)
    unknown = tmp_path / "unknown.json"
    unknown.write_text('[{"term": "Sir", "language": "en", "colour": "red"}]', encoding="utf-8")
    with pytest.raises(SubpipeError, match=r"entry 1 \('Sir'\) has unknown keys \['colour'\]"):
        load_glossary(unknown)


def test_languages_compare_by_subtag_when_one_side_has_no_region():
    assert same_language("es", "es-419") and same_language("EN_us", "en")
    assert not same_language("pt-BR", "pt-PT") and not same_language("de", None)
    entry = make_entry("Sir", "en", translations={"es": ["señor"], "es-MX": ["don"]})
    # issue 13: the locale's own rendering wins; the bare language is its fallback
    assert entry.approved("es-MX") == ["don"] and entry.approved("es-ES") == ["señor"]


def test_chinese_in_the_other_script_is_not_the_same_language():
    # a bare zh is Simplified (CLDR likely subtags), zh-TW / zh-HK / zh-MO Traditional
    assert not same_language("zh", "zh-TW") and not same_language("zh-Hant", "zh") and not same_language("zh-HK", "zh-CN")
    assert same_language("zh", "zh-CN") and same_language("zh-Hans", "zh-SG") and same_language("zh-Hant", "zh-TW")
    assert same_language("zh-HK", "zh-Hant") and not same_language("zh-HK", "zh-TW")  # two regions, as pt-BR / pt-PT


def test_a_traditional_locale_never_takes_the_simplified_column_as_it_is():
    software = make_entry("software", "en", translations={"zh": ["软件"]})
    assert software.approved("zh") == ["软件"] and software.approved("zh-CN") == ["软件"]
    # no Traditional column: the Simplified one written in the locale's script and phrases by OpenCC
    assert software.approved("zh-TW") == ["軟體"] and software.approved("zh-HK") == ["軟件"]
    both = make_entry("software", "en", translations={"zh": ["软件"], "zh-Hant": ["軟體"], "zh-HK": ["軟件"]})
    assert both.approved("zh-TW") == ["軟體"] and both.approved("zh-MO") == ["軟體"] and both.approved("zh-HK") == ["軟件"]
    assert make_entry("video", "en", translations={"zh-TW": ["視頻"]}).approved("zh") == ["视频"]  # and back


# --- TBX: the corpus --------------------------------------------------------------------------------------

@pytest.mark.parametrize("name, entries", [
    ("tbx-basic/TBX-basic-samples.tbx", 9), ("tbx-default/sampleTBXfile - LocalRefs.tbx", 1),
    ("real-world/foodTerms-forRDFtest.tbx", 3), ("real-world/maryland.tbx", 2), ("real-world/oracle_TBX.tbx", 3),
    ("real-world/ibm_tbx.tbx", 6), ("real-world/terminology_Falcon.tbx", 0),
    ("tbx-default/simple1-weirdxml.tbx", 1), ("tbx2rdf-tests/test1.tbx", 0), ("tbx2rdf-tests/test2.tbx", 1),
    ("tbx2rdf-tests/test3.tbx", 0), ("tbx2rdf-tests/test4.tbx", 1), ("tbx2rdf-tests/test5.tbx", 0),
    ("tbx2rdf-tests/test6.tbx", 0),
])
def test_the_valid_tbx_samples_load(name, entries):
    g = load_glossary(TBX / name, lang="en")
    assert len(g) == entries and g.format == "tbx"


@pytest.mark.parametrize("name, line, message", [
    ("tbx-basic/tbx_basic_sample_badattribute.tbx", 37, "<admin type='origin'> is not a TBX-Basic data category"),
    ("tbx-basic/tbx_basic_sample_badelement.tbx", 38, "<transaction> is not a TBX element"),
    ("tbx-basic/tbx_basic_sample_badelementcontent.tbx", 57, "partOfSpeech 'preposition' is not a TBX-Basic "
                                                            "picklist value"),
    ("tbx-basic/tbx_basic_sample_badelementorder.tbx", 63, "<termNote> is out of order inside <tig>"),
    ("tbx-basic/tbx_basic_sample_notwellformed.tbx", 44, "not well-formed XML: mismatched tag"),
    ("tbx-default/sampleTBXfile-badDatcat - LocalRefs.tbx", 42, "<termNote type='pos'> is not a TBX default"),
    ("tbx-default/sampleTBXfile-badPicklistVal - LocalRefs.tbx", 36, "termType 'longForm' is not a TBX default "
                                                                     "picklist value"),
    ("tbx-default/sampleTBXfile-coreInvalid - LocalRefs.tbx", 37, "<langSection> is not a TBX element"),
    ("tbx-default/sampleTBXfile-notWellformed - LocalRefs.tbx", 29, "not well-formed XML: mismatched tag"),
])
def test_the_invalid_tbx_samples_are_refused_with_file_and_line(name, line, message):
    with pytest.raises(SubpipeError, match=message) as err:
        load_glossary(TBX / name)
    assert err.value.path == str(TBX / name) and err.value.line == line
    assert str(err.value).startswith(f"{TBX / name}:{line}: ")


def test_tbx_basic_sample_reads_synonyms_status_and_definitions():
    g = load_glossary(TBX / "tbx-basic" / "TBX-basic-samples.tbx")
    by_term = {e.term: e for e in g}
    assert by_term["progressive lens"].approved("de") == ["Gleitsichtglas"]
    assert "corrective lenses" in by_term["progressive lens"].note
    # A deprecated English synonym still names the concept in a source text: kept, and said so.
    assert "deprecatedTerm-admn-sts" in by_term["PAL"].note
    assert by_term["PAL"].approved("fr") == ["lentille progressive"]


XXE = """<?xml version="1.0"?>
<!DOCTYPE martif [
  <!ENTITY xxe SYSTEM "file:///etc/passwd">
]>
<martif type="TBX" xml:lang="en"><martifHeader><fileDesc><sourceDesc><p>&xxe;</p></sourceDesc></fileDesc>
</martifHeader><text><body/></text></martif>
"""
BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE martif [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<martif type="TBX" xml:lang="en"><text><body><termEntry><langSet xml:lang="en"><tig><term>&lol9;</term></tig>
</langSet></termEntry></body></text></martif>
"""
EXTERNAL_DTD_PARAM = """<?xml version="1.0"?>
<!DOCTYPE martif [
  <!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd">
  %remote;
]>
<martif/>
"""


@pytest.mark.parametrize("name, text, entity", [("xxe.tbx", XXE, "xxe"), ("lol.tbx", BILLION_LAUGHS, "lol"),
                                                ("param.tbx", EXTERNAL_DTD_PARAM, "remote")])
def test_entity_attacks_are_refused_before_anything_is_expanded(tmp_path, name, text, entity):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SubpipeError, match=f"declares the entity '{entity}'") as err:
        load_glossary(path)
    assert err.value.code == "xml-unsafe" and err.value.path == str(path) and err.value.line == 3


def test_weblate_flags_forbidden_and_untranslatable_terms():
    g = parse_tbx("""<martif type="TBX" xml:lang="en"><martifHeader><fileDesc><sourceDesc><p>Weblate</p>
      </sourceDesc></fileDesc></martifHeader><text><body>
      <termEntry id="1"><langSet xml:lang="en"><tig><term>Proog</term>
        <termNote type="translationNote">no</termNote></tig></langSet></termEntry>
      <termEntry id="2"><descrip type="Translation needed">No</descrip><langSet xml:lang="en"><tig>
        <term>Emo</term></tig></langSet></termEntry>
      <termEntry id="3"><langSet xml:lang="en"><tig><term>Scales</term>
        <termNote type="partOfSpeech">properNoun</termNote></tig></langSet>
        <langSet xml:lang="de"><tig><term>Schuppen</term>
        <termNote type="administrativeStatus">forbidden</termNote></tig>
        <tig><term>Scales</term></tig></langSet></termEntry>
      </body></text></martif>""")
    proog, emo, scales = g.entries
    assert proog.do_not_translate and emo.do_not_translate and not scales.do_not_translate
    assert scales.case_sensitive and scales.forbidden_in("de") == ["Schuppen"] and scales.approved("de") == ["Scales"]


def test_tbx_v3_in_dca_and_dct_style():
    dca = parse_tbx("""<?xml version="1.0"?>
<tbx type="TBX-Core" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
  <tbxHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></tbxHeader>
  <text><body>
    <conceptEntry id="c1">
      <descrip type="subjectField">food</descrip>
      <langSec xml:lang="en"><termSec><term>pulled pork</term></termSec></langSec>
      <langSec xml:lang="fr"><termSec><term>porc effiloché</term>
        <termNote type="administrativeStatus">preferredTerm-admn-sts</termNote></termSec>
        <termSec><term>porc tiré</term><termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote>
        </termSec></langSec>
    </conceptEntry>
  </body></text>
</tbx>""")
    e = dca.entries[0]
    assert (e.term, e.category, e.approved("fr"), e.forbidden_in("fr")) == \
        ("pulled pork", "food", ["porc effiloché"], ["porc tiré"])
    dct = parse_tbx("""<tbx type="TBX-Basic" style="dct" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2"
      xmlns:basic="http://www.tbxinfo.net/ns/basic" xmlns:min="http://www.tbxinfo.net/ns/min">
  <tbxHeader><fileDesc><sourceDesc><p>test</p></sourceDesc></fileDesc></tbxHeader>
  <text><body><conceptEntry id="c1"><min:subjectField>holiday</min:subjectField>
    <langSec xml:lang="en"><termSec><term>Thanksgiving</term><min:partOfSpeech>properNoun</min:partOfSpeech>
    </termSec></langSec>
    <langSec xml:lang="de"><termSec><term>Erntedankfest</term>
      <min:administrativeStatus>admittedTerm-admn-sts</min:administrativeStatus></termSec></langSec>
  </conceptEntry></body></text></tbx>""")
    e = dct.entries[0]
    assert (e.term, e.category, e.case_sensitive, e.approved("de")) == ("Thanksgiving", "holiday", True,
                                                                        ["Erntedankfest"])


def test_tbx_v3_structure_is_checked_too():
    with pytest.raises(SubpipeError, match="<term> is not allowed inside <langSec>") as err:
        parse_tbx("""<tbx type="TBX-Core" style="dca" xml:lang="en" xmlns="urn:iso:std:iso:30042:ed-2">
  <tbxHeader><fileDesc><sourceDesc><p>x</p></sourceDesc></fileDesc></tbxHeader>
  <text><body><conceptEntry id="c1"><langSec xml:lang="en">
    <term>stray</term></langSec></conceptEntry></body></text></tbx>""", path="v3.tbx")
    assert err.value.line == 4


def test_not_a_tbx_file_and_missing_files():
    with pytest.raises(SubpipeError, match="root element is <html>"):
        parse_tbx("<html><body/></html>", path="page.tbx")
    with pytest.raises(SubpipeError, match="no such glossary file"):
        load_glossary(SAMPLES / "glossary" / "missing.csv")
    with pytest.raises(SubpipeError, match="cannot tell the glossary format"):
        load_glossary(FILMS_CSV.parent / ".." / "ATTRIBUTION.md")


# --- locales (issue 13): a locale's own rendering wins, its fallback chain serves the rest ------------------


def test_csv_columns_per_locale_fall_back_along_the_chain(tmp_path):
    text = FILMS_CSV.read_text(encoding="utf-8").splitlines()
    header = text[0].replace(",es,", ",es,es-419,es-MX,", 1)
    rows = [line.replace(",jardines colgantes de Babilonia,", ",jardines colgantes de Babilonia,"
                         "jardines suspendidos de Babilonia,los jardines de Babilonia,", 1) if line.startswith("ed-babylon")
            else _two_empty_after_es(line) for line in text[1:]]
    path = tmp_path / "films-locales.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    entry = next(e for e in load_glossary(path).entries if e.id == "ed-babylon")
    assert entry.approved("es-MX") == ["los jardines de Babilonia"]
    assert entry.approved("es-AR") == ["jardines suspendidos de Babilonia"]  # es-AR -> es-419
    assert entry.approved("es-ES") == entry.approved("es") == ["jardines colgantes de Babilonia"]


def _two_empty_after_es(line: str) -> str:
    """A row of films.csv with empty es-419 and es-MX cells after its es cell (the 8th column)."""
    import csv
    import io

    cells = next(csv.reader([line]))
    cells[8:8] = ["", ""]
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(cells)
    return out.getvalue()


def test_tbx_lang_sets_per_locale_fall_back_and_forbid_along_the_chain(tmp_path):
    text = FILMS_TBX.read_text(encoding="utf-8")
    start = text.index('<termEntry id="ed-babylon">')
    end = text.index("</termEntry>", start)
    extra = ('<langSet xml:lang="es-MX"><tig><term>los jardines de Babilonia</term></tig></langSet>'
             '<langSet xml:lang="es"><tig><term>los pensiles de Babilonia</term>'
             '<termNote type="administrativeStatus">deprecatedTerm-admn-sts</termNote></tig></langSet>')
    path = tmp_path / "films-locales.tbx"
    path.write_text(text[:end] + extra + text[end:], encoding="utf-8")
    entry = next(e for e in load_glossary(path).entries if e.term == "hanging gardens of Babylon")
    assert entry.approved("es-MX") == ["los jardines de Babilonia"]
    assert entry.approved("es-CL") == entry.approved("es-ES") == ["jardines colgantes de Babilonia"]
    assert entry.forbidden_in("es-MX") == entry.forbidden_in("es") == ["los pensiles de Babilonia"]


def test_a_chinese_glossary_loads_for_a_film_of_the_other_script():
    # "zh,en" terms for a zh-TW film: the first column is the terms' language, as for a zh film
    glossary = parse_csv("zh,en\n饺子,dumplings\n", lang="zh-TW")
    assert [(e.term, e.language, e.approved("en")) for e in glossary] == [("饺子", "zh", ["dumplings"])]


def test_a_simplified_termbase_serves_a_traditional_film(tmp_path):
    # the sample films' TBX with a zh (Simplified) langSet added: loaded for a zh-TW film, its zh terms are
    # the sources (there is no zh-TW one) and are found in the film's script
    text = (SAMPLES / "glossary" / "films.tbx").read_text(encoding="utf-8")
    text = text.replace('<langSet xml:lang="en">', '<langSet xml:lang="zh"><tig><term>普鲁格</term></tig></langSet>'
                        '<langSet xml:lang="en">', 1)
    path = tmp_path / "films.zh.tbx"
    path.write_text(text, encoding="utf-8")
    glossary = load_glossary(path, lang="zh-TW")
    assert [(e.term, e.language) for e in glossary] == [("普鲁格", "zh")]
    assert [(e.term, e.approved("en")) for e in glossary.for_language("zh-TW")] == [("普魯格", ["Proog"])]
