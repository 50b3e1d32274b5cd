"""A synthetic English / Spanish / French parallel corpus for the demo translation models.

Nothing here is downloaded: a small bilingual dictionary (nouns, adjectives, verbs with their
conjugations), grammar templates (statements, negation, questions, imperatives, copulas, numbers,
names, coordination) and a table of everyday phrases are combined by a seeded random generator into
sentence triples. No line of the sample films is in it: given a ``film_text.FilmText`` (every
subtitle file under ``samples/`` and the shared corpus), the generator drops every triple one of whose
sentences equals a film sentence or shares a 6-word run with one, and draws again.

Three things the translation engine relies on are taught on purpose:

- names (common first names and made-up ones) are copied unchanged;
- numbers written with digits are copied unchanged;
- glossary placeholders ``ZQ0`` .. ``ZQ99`` stand alone as words and are copied verbatim, once,
  to the same place in the sentence, wherever subtitles put a name or a protected term: vocatives at
  the start, the end or the middle of a line, after an interjection ("Look ZQ0, ..."), around commas,
  dashes and ellipses, and in the noun, adjective and verb slots a glossary term or idiom fills.

>>> pairs = generate_corpus("en", "es", 3, seed=1)
>>> len(pairs), all(isinstance(src, str) and isinstance(tgt, str) for src, tgt in pairs)
(3, True)
>>> generate_corpus("en", "fr", 50, seed=7) == generate_corpus("en", "fr", 50, seed=7)
True
"""

from __future__ import annotations

import functools
import random
import re
from dataclasses import dataclass, field

LANGS = ("en", "es", "fr")
PLACEHOLDER_MAX = 99  # ZQ0 .. ZQ99, the contract with the glossary protection of the engine

# ---------------------------------------------------------------------------------------------------
# Morphology helpers
# ---------------------------------------------------------------------------------------------------

_VOWELS = "aeiouáéíóúàâäèêëîïôöùûüyœæ"
# French words whose initial h blocks elision ("le héros", not "l'héros").
_H_ASPIRE = {"héros", "haut", "hasard", "hache", "honte", "huit", "hurler", "haine", "hibou"}


def en_plural(word: str) -> str:
    """Regular English plural.

    >>> [en_plural(w) for w in ("house", "box", "city", "day")]
    ['houses', 'boxes', 'cities', 'days']
    """
    if word.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def es_plural(word: str) -> str:
    """Regular Spanish plural (irregular ones are written out in the lexicon).

    >>> [es_plural(w) for w in ("casa", "ciudad", "voz", "canción")]
    ['casas', 'ciudades', 'voces', 'canciones']
    """
    if word.endswith("z"):
        return word[:-1] + "ces"
    for accented, plain in (("ión", "iones"), ("ón", "ones"), ("án", "anes"), ("és", "eses")):
        if word.endswith(accented):
            return word[: -len(accented)] + plain
    if word[-1] in "aeiouáéó":
        return word + "s"
    return word + "es"


def fr_plural(word: str) -> str:
    """Regular French plural.

    >>> [fr_plural(w) for w in ("maison", "bateau", "journal", "voix")]
    ['maisons', 'bateaux', 'journaux', 'voix']
    """
    if word.endswith(("s", "x", "z")):
        return word
    if word.endswith(("eau", "au", "eu")):
        return word + "x"
    if word.endswith("al"):
        return word[:-2] + "aux"
    return word + "s"


def fr_starts_with_vowel(word: str) -> bool:
    word = word.lower()
    if not word:
        return False
    if word[0] == "h":
        return word not in _H_ASPIRE
    return word[0] in _VOWELS


def en_article(next_word: str) -> str:
    lower = next_word.lower()
    if lower.startswith(("hour", "honest")):
        return "an"
    if lower.startswith(("uni", "use", "one", "eu")):
        return "a"
    return "an" if lower[:1] in "aeiou" else "a"


# ---------------------------------------------------------------------------------------------------
# Lexicon: nouns
# ---------------------------------------------------------------------------------------------------

# en[/plural] | es[/plural] gender | fr[/plural] gender | flags (p = person, l = place)
_NOUNS = """
house|casa f|maison f|l
man/men|hombre m|homme m|p
woman/women|mujer f|femme f|p
child/children|niño m|enfant m|p
boy|chico m|garçon m|p
girl|chica f|fille f|p
friend|amigo m|ami m|p
father|padre m|père m|p
mother|madre f|mère f|p
brother|hermano m|frère m|p
sister|hermana f|sœur f|p
son|hijo m|fils m|p
daughter|hija f|fille f|p
king|rey/reyes m|roi m|p
queen|reina f|reine f|p
doctor|médico m|médecin m|p
captain|capitán m|capitaine m|p
soldier|soldado m|soldat m|p
hunter|cazador m|chasseur m|p
stranger|desconocido m|inconnu m|p
guard|guardia m|garde m|p
enemy/enemies|enemigo m|ennemi m|p
teacher|profesor m|professeur m|p
dog|perro m|chien m|
cat|gato m|chat m|
horse|caballo m|cheval m|
bird|pájaro m|oiseau m|
dragon|dragón m|dragon m|
robot|robot m|robot m|
monster|monstruo m|monstre m|
ghost|fantasma m|fantôme m|
machine|máquina f|machine f|
car|coche m|voiture f|
door|puerta f|porte f|
window|ventana f|fenêtre f|
room|habitación f|chambre f|l
table|mesa f|table f|
chair|silla f|chaise f|
bed|cama f|lit m|
key|llave f|clé f|
book|libro m|livre m|
letter|carta f|lettre f|
phone|teléfono m|téléphone m|
camera|cámara f|caméra f|
computer|ordenador m|ordinateur m|
box|caja f|boîte f|
bag|bolsa f|sac m|
bottle|botella f|bouteille f|
food|comida f|nourriture f|
bread|pan/panes m|pain m|
money|dinero m|argent m|
gun|pistola f|pistolet m|
sword|espada f|épée f|
ship|nave f|vaisseau m|l
boat|barco m|bateau m|
plane|avión m|avion m|
train|tren m|train m|l
road|camino m|route f|
street|calle f|rue f|l
city/cities|ciudad f|ville f|l
village|pueblo m|village m|l
country/countries|país/países m|pays m|l
land|tierra f|terre f|l
world|mundo m|monde m|
sky/skies|cielo m|ciel m|
sun|sol/soles m|soleil m|
moon|luna f|lune f|
star|estrella f|étoile f|
sea|mar m|mer f|
river|río m|rivière f|l
mountain|montaña f|montagne f|l
forest|bosque m|forêt f|l
tree|árbol/árboles m|arbre m|
flower|flor/flores f|fleur f|
garden|jardín/jardines m|jardin m|l
fire|fuego m|feu m|
light|luz f|lumière f|
night|noche f|nuit f|
day|día m|jour m|
morning|mañana f|matin m|
week|semana f|semaine f|
year|año m|an m|
minute|minuto m|minute f|
hour|hora f|heure f|
second|segundo m|seconde f|
moment|momento m|moment m|
life/lives|vida f|vie f|
death|muerte f|mort f|
heart|corazón m|cœur m|
head|cabeza f|tête f|
hand|mano/manos f|main f|
eye|ojo m|œil/yeux m|
face|cara f|visage m|
voice|voz f|voix f|
name|nombre m|nom m|
word|palabra f|mot m|
question|pregunta f|question f|
answer|respuesta f|réponse f|
problem|problema m|problème m|
idea|idea f|idée f|
plan|plan/planes m|plan m|
story/stories|historia f|histoire f|
secret|secreto m|secret m|
truth|verdad f|vérité f|
lie|mentira f|mensonge m|
dream|sueño m|rêve m|
nightmare|pesadilla f|cauchemar m|
memory/memories|memoria f|mémoire f|
game|juego m|jeu m|
music|música f|musique f|
song|canción f|chanson f|
sound|sonido m|son m|
noise|ruido m|bruit m|
wind|viento m|vent m|
place|lugar/lugares m|endroit m|l
way|camino m|chemin m|
side|lado m|côté m|
trap|trampa f|piège m|
blood|sangre f|sang m|
past|pasado m|passé m|
future|futuro m|avenir m|
war|guerra f|guerre f|
power|poder/poderes m|pouvoir m|
love|amor/amores m|amour m|
fear|miedo m|peur f|
work|trabajo m|travail/travaux m|
school|escuela f|école f|l
hospital/hospitals|hospital/hospitales m|hôpital m|l
office|oficina f|bureau m|l
kitchen|cocina f|cuisine f|l
party/parties|fiesta f|fête f|
film|película f|film m|
picture|foto/fotos f|photo f|
scene|escena f|scène f|
wall|pared/paredes f|mur m|
bridge|puente m|pont m|l
tower|torre f|tour f|l
castle|castillo m|château m|l
wire|cable m|câble m|
engine|motor/motores m|moteur m|
system|sistema m|système m|
signal|señal/señales f|signal m|
button|botón m|bouton m|
screen|pantalla f|écran m|
army/armies|ejército m|armée f|
gift|regalo m|cadeau m|
coffee|café m|café m|
wine|vino m|vin m|
apple|manzana f|pomme f|
coat|abrigo m|manteau m|
hat|sombrero m|chapeau m|
ring|anillo m|bague f|
map|mapa m|carte f|
lesson|lección f|leçon f|
reason|razón f|raison f|
fault|culpa f|faute f|
mistake|error/errores m|erreur f|
chance|oportunidad f|chance f|
goal|objetivo m|but m|
space|espacio m|espace m|
spirit|espíritu m|esprit m|
mission|misión f|mission f|
hero|héroe m|héros m|p
body/bodies|cuerpo m|corps m|
arm|brazo m|bras m|
"""


@dataclass(frozen=True)
class Noun:
    en: str
    en_pl: str
    es: str
    es_pl: str
    es_g: str
    fr: str
    fr_pl: str
    fr_g: str
    person: bool = False
    place: bool = False


def _split_forms(spec: str, plural) -> tuple[str, str]:
    if "/" in spec:
        singular, plural_form = spec.split("/")
        return singular, plural_form
    return spec, plural(spec)


def _parse_nouns(text: str) -> list[Noun]:
    nouns = []
    for line in text.strip().splitlines():
        en, es, fr, flags = line.split("|")
        en_sg, en_pl = _split_forms(en, en_plural)
        es_word, es_g = es.split()
        fr_word, fr_g = fr.split()
        es_sg, es_pl = _split_forms(es_word, es_plural)
        fr_sg, fr_pl = _split_forms(fr_word, fr_plural)
        nouns.append(Noun(en_sg, en_pl, es_sg, es_pl, es_g, fr_sg, fr_pl, fr_g, "p" in flags, "l" in flags))
    return nouns


NOUNS = _parse_nouns(_NOUNS)

# ---------------------------------------------------------------------------------------------------
# Lexicon: adjectives
# ---------------------------------------------------------------------------------------------------

# en | es[/plural] copula (s = ser, e = estar) | fr[/f[/m.pl]] position (pre/post)
_ADJECTIVES = """
big|grande s|grand pre
small|pequeño s|petit pre
good|bueno s|bon/bonne pre
bad|malo s|mauvais pre
new|nuevo s|nouveau/nouvelle/nouveaux pre
old|viejo s|vieux/vieille/vieux pre
young|joven/jóvenes s|jeune pre
beautiful|hermoso s|beau/belle/beaux pre
pretty|bonito s|joli pre
long|largo s|long/longue pre
short|corto s|court post
dark|oscuro s|sombre post
black|negro s|noir post
white|blanco s|blanc/blanche post
red|rojo s|rouge post
blue|azul/azules s|bleu/bleue/bleus post
green|verde s|vert post
strange|extraño s|étrange post
dangerous|peligroso s|dangereux/dangereuse post
safe|seguro s|sûr post
perfect|perfecto s|parfait post
happy|feliz/felices e|heureux/heureuse post
sad|triste e|triste post
tired|cansado e|fatigué post
ready|listo e|prêt post
sick|enfermo e|malade post
hurt|herido e|blessé post
alone|solo e|seul post
dead|muerto e|mort post
alive|vivo e|vivant post
busy|ocupado e|occupé post
free|libre s|libre post
cold|frío s|froid post
hot|caliente s|chaud post
quiet|tranquilo e|calme post
open|abierto e|ouvert post
closed|cerrado e|fermé post
empty|vacío e|vide post
broken|roto e|cassé post
lost|perdido e|perdu post
important|importante s|important post
easy|fácil/fáciles s|facile post
difficult|difícil/difíciles s|difficile post
rich|rico s|riche post
poor|pobre s|pauvre post
strong|fuerte s|fort post
weak|débil/débiles s|faible post
crazy|loco e|fou/folle/fous post
stupid|estúpido s|stupide post
smart|inteligente s|intelligent post
funny|gracioso s|drôle post
giant|gigante s|géant post
honest|honesto s|honnête post
scared|asustado e|effrayé post
"""

# Masculine singular French forms used before a vowel ("un bel arbre").
_FR_BEFORE_VOWEL = {"beau": "bel", "nouveau": "nouvel", "vieux": "vieil", "fou": "fol"}


@dataclass(frozen=True)
class Adjective:
    en: str
    es: tuple[str, str, str, str]  # m.sg, f.sg, m.pl, f.pl
    es_copula: str  # "ser" or "estar"
    fr: tuple[str, str, str, str]
    fr_pre: bool

    def es_form(self, gender: str, plural: bool) -> str:
        return self.es[(1 if gender == "f" else 0) + (2 if plural else 0)]

    def fr_form(self, gender: str, plural: bool, before_vowel: bool = False) -> str:
        if gender == "m" and not plural and before_vowel and self.fr[0] in _FR_BEFORE_VOWEL:
            return _FR_BEFORE_VOWEL[self.fr[0]]
        return self.fr[(1 if gender == "f" else 0) + (2 if plural else 0)]


def _es_adjective_forms(spec: str) -> tuple[str, str, str, str]:
    masc, plural = _split_forms(spec, es_plural)
    if masc.endswith("o"):
        fem = masc[:-1] + "a"
        return masc, fem, plural, fem + "s"
    return masc, masc, plural, plural


def _fr_feminine(masc: str) -> str:
    if masc.endswith("e"):
        return masc
    for ending, fem in (("eux", "euse"), ("if", "ive"), ("er", "ère"), ("on", "onne"), ("en", "enne"),
                        ("el", "elle")):
        if masc.endswith(ending):
            return masc[: -len(ending)] + fem
    return masc + "e"


def _fr_adjective_forms(spec: str) -> tuple[str, str, str, str]:
    parts = spec.split("/")
    masc = parts[0]
    fem = parts[1] if len(parts) > 1 else _fr_feminine(masc)
    masc_pl = parts[2] if len(parts) > 2 else fr_plural(masc)
    return masc, fem, masc_pl, fem + "s"


def _parse_adjectives(text: str) -> list[Adjective]:
    adjectives = []
    for line in text.strip().splitlines():
        en, es, fr = line.split("|")
        es_spec, copula = es.split()
        fr_spec, position = fr.split()
        adjectives.append(Adjective(en, _es_adjective_forms(es_spec), "estar" if copula == "e" else "ser",
                                    _fr_adjective_forms(fr_spec), position == "pre"))
    return adjectives


ADJECTIVES = _parse_adjectives(_ADJECTIVES)

# ---------------------------------------------------------------------------------------------------
# Lexicon: verbs and conjugation
# ---------------------------------------------------------------------------------------------------

# Persons: 0 I, 1 you (singular, informal), 2 he/she/it/name, 3 we, 4 they.
_EN_DOUBLE = {"stop", "run", "sit", "get", "cut", "forget", "begin", "swim", "shut", "hit", "put", "set",
              "let", "plan", "drop", "win", "chat"}


@dataclass(frozen=True)
class EnVerb:
    base: str
    third: str
    past: str
    participle: str
    ing: str


def en_verb(spec: str) -> EnVerb:
    """``see/saw/seen`` or a regular ``look``.

    >>> en_verb("run/ran/run").ing, en_verb("carry").past, en_verb("go/went/gone").third
    ('running', 'carried', 'goes')
    """
    parts = spec.split("/")
    base = parts[0]
    if base == "have":
        third = "has"
    elif base.endswith(("s", "x", "z", "ch", "sh", "o")):
        third = base + "es"
    elif base.endswith("y") and base[-2] not in "aeiou":
        third = base[:-1] + "ies"
    else:
        third = base + "s"
    if len(parts) > 1:
        past, participle = parts[1], parts[2]
    else:
        if base.endswith("e"):
            past = base + "d"
        elif base.endswith("y") and base[-2] not in "aeiou":
            past = base[:-1] + "ied"
        elif base in _EN_DOUBLE:
            past = base + base[-1] + "ed"
        else:
            past = base + "ed"
        participle = past
    if base.endswith("ie"):
        ing = base[:-2] + "ying"
    elif base.endswith("e") and not base.endswith(("ee", "ye", "oe")) and base != "be":
        ing = base[:-1] + "ing"
    elif base in _EN_DOUBLE:
        ing = base + base[-1] + "ing"
    else:
        ing = base + "ing"
    return EnVerb(base, third, past, participle, ing)


@dataclass(frozen=True)
class EsVerb:
    infinitive: str
    present: tuple[str, ...]
    preterite: tuple[str, ...]
    imperfect: tuple[str, ...]
    participle: str
    gerund: str
    imperative: str
    negative_imperative: str  # the tú subjunctive: "no mires"
    reflexive: bool = False


_ES_IRREGULAR: dict[str, dict[str, str]] = {
    "ser": {"pres": "soy eres es somos son", "pret": "fui fuiste fue fuimos fueron",
            "impf": "era eras era éramos eran", "imp": "sé", "subj": "seas"},
    "estar": {"pres": "estoy estás está estamos están", "pret": "estuve estuviste estuvo estuvimos estuvieron",
              "imp": "está", "subj": "estés"},
    "ir": {"pres": "voy vas va vamos van", "pret": "fui fuiste fue fuimos fueron",
           "impf": "iba ibas iba íbamos iban", "ger": "yendo", "imp": "ve", "subj": "vayas"},
    "haber": {"pres": "he has ha hemos han", "pret": "hube hubiste hubo hubimos hubieron"},
    "tener": {"pres": "tengo tienes tiene tenemos tienen", "pret": "tuve tuviste tuvo tuvimos tuvieron",
              "imp": "ten"},
    "venir": {"pres": "vengo vienes viene venimos vienen", "pret": "vine viniste vino vinimos vinieron",
              "ger": "viniendo", "imp": "ven"},
    "hacer": {"pres": "hago haces hace hacemos hacen", "pret": "hice hiciste hizo hicimos hicieron",
              "pp": "hecho", "imp": "haz"},
    "decir": {"pres": "digo dices dice decimos dicen", "pret": "dije dijiste dijo dijimos dijeron",
              "pp": "dicho", "ger": "diciendo", "imp": "di"},
    "poder": {"pres": "puedo puedes puede podemos pueden", "pret": "pude pudiste pudo pudimos pudieron",
              "ger": "pudiendo"},
    "querer": {"pres": "quiero quieres quiere queremos quieren",
               "pret": "quise quisiste quiso quisimos quisieron"},
    "saber": {"pres": "sé sabes sabe sabemos saben", "pret": "supe supiste supo supimos supieron",
              "subj": "sepas"},
    "ver": {"pres": "veo ves ve vemos ven", "pret": "vi viste vio vimos vieron", "pp": "visto",
            "impf": "veía veías veía veíamos veían"},
    "dar": {"pres": "doy das da damos dan", "pret": "di diste dio dimos dieron", "subj": "des"},
    "oír": {"pres": "oigo oyes oye oímos oyen", "pret": "oí oíste oyó oímos oyeron", "pp": "oído",
            "ger": "oyendo"},
    "conocer": {"pres": "conozco conoces conoce conocemos conocen"},
    "traer": {"pres": "traigo traes trae traemos traen", "pret": "traje trajiste trajo trajimos trajeron",
              "pp": "traído", "ger": "trayendo"},
    "encontrar": {"pres": "encuentro encuentras encuentra encontramos encuentran"},
    "perder": {"pres": "pierdo pierdes pierde perdemos pierden"},
    "cerrar": {"pres": "cierro cierras cierra cerramos cierran"},
    "abrir": {"pp": "abierto"},
    "romper": {"pp": "roto"},
    "construir": {"pres": "construyo construyes construye construimos construyen",
                  "pret": "construí construiste construyó construimos construyeron", "ger": "construyendo"},
    "destruir": {"pres": "destruyo destruyes destruye destruimos destruyen",
                 "pret": "destruí destruiste destruyó destruimos destruyeron", "ger": "destruyendo"},
    "seguir": {"pres": "sigo sigues sigue seguimos siguen", "pret": "seguí seguiste siguió seguimos siguieron",
               "ger": "siguiendo"},
    "confiar": {"pres": "confío confías confía confiamos confían"},
    "entender": {"pres": "entiendo entiendes entiende entendemos entienden"},
    "leer": {"pret": "leí leíste leyó leímos leyeron", "pp": "leído", "ger": "leyendo"},
    "escribir": {"pp": "escrito"},
    "pensar": {"pres": "pienso piensas piensa pensamos piensan"},
    "salir": {"pres": "salgo sales sale salimos salen", "imp": "sal"},
    "dormir": {"pres": "duermo duermes duerme dormimos duermen",
               "pret": "dormí dormiste durmió dormimos durmieron", "ger": "durmiendo"},
    "jugar": {"pres": "juego juegas juega jugamos juegan"},
    "morir": {"pres": "muero mueres muere morimos mueren", "pret": "morí moriste murió morimos murieron",
              "pp": "muerto", "ger": "muriendo"},
    "caer": {"pres": "caigo caes cae caemos caen", "pret": "caí caíste cayó caímos cayeron", "pp": "caído",
             "ger": "cayendo"},
    "reír": {"pres": "río ríes ríe reímos ríen", "pret": "reí reíste rio reímos rieron", "pp": "reído",
             "ger": "riendo"},
    "mover": {"pres": "muevo mueves mueve movemos mueven"},
    "mostrar": {"pres": "muestro muestras muestra mostramos muestran"},
    "empezar": {"pres": "empiezo empiezas empieza empezamos empiezan"},
    "proteger": {"pres": "protejo proteges protege protegemos protegen"},
    "conducir": {"pres": "conduzco conduces conduce conducimos conducen",
                 "pret": "conduje condujiste condujo condujimos condujeron"},
    "recordar": {"pres": "recuerdo recuerdas recuerda recordamos recuerdan"},
    "volver": {"pres": "vuelvo vuelves vuelve volvemos vuelven", "pp": "vuelto"},
    "sentar": {"pres": "siento sientas sienta sentamos sientan"},
}

# Affirmative tú imperative of reflexive verbs, with the pronoun attached and the accent it needs.
_ES_REFLEXIVE_IMPERATIVE = {"ir": "vete", "quedar": "quédate", "esconder": "escóndete", "mover": "muévete",
                            "sentar": "siéntate", "callar": "cállate", "preocupar": "preocúpate"}


def es_verb(infinitive: str, reflexive: bool = False) -> EsVerb:
    """Conjugate a Spanish verb (regular rules plus the irregular table).

    >>> v = es_verb("buscar")
    >>> v.present[0], v.preterite[0], v.negative_imperative, v.gerund
    ('busco', 'busqué', 'busques', 'buscando')
    """
    irregular = _ES_IRREGULAR.get(infinitive, {})
    stem, ending = infinitive[:-2], infinitive[-2:]
    if ending == "ír":
        ending = "ir"
    if ending == "ar":
        present = [stem + e for e in ("o", "as", "a", "amos", "an")]
        preterite = [stem + e for e in ("é", "aste", "ó", "amos", "aron")]
        imperfect = [stem + e for e in ("aba", "abas", "aba", "ábamos", "aban")]
        participle, gerund = stem + "ado", stem + "ando"
    else:
        present = [stem + e for e in ("o", "es", "e", "emos" if ending == "er" else "imos", "en")]
        preterite = [stem + e for e in ("í", "iste", "ió", "imos", "ieron")]
        imperfect = [stem + e for e in ("ía", "ías", "ía", "íamos", "ían")]
        participle, gerund = stem + "ido", stem + "iendo"
    # Spelling changes before e in the first person preterite.
    if infinitive.endswith("car"):
        preterite[0] = stem[:-1] + "qué"
    elif infinitive.endswith("gar"):
        preterite[0] = stem + "ué"
    elif infinitive.endswith("zar"):
        preterite[0] = stem[:-1] + "cé"
    if "pres" in irregular:
        present = irregular["pres"].split()
    if "pret" in irregular:
        preterite = irregular["pret"].split()
    if "impf" in irregular:
        imperfect = irregular["impf"].split()
    participle = irregular.get("pp", participle)
    gerund = irregular.get("ger", gerund)
    imperative = irregular.get("imp", present[2])
    if "subj" in irregular:
        subjunctive = irregular["subj"]
    else:
        root = present[0][:-1]
        if ending == "ar":
            if root.endswith("c"):
                root = root[:-1] + "qu"
            elif root.endswith("g"):
                root = root + "u"
            elif root.endswith("z"):
                root = root[:-1] + "c"
            subjunctive = root + "es"
        else:
            subjunctive = root + "as"
    if reflexive:
        imperative = _ES_REFLEXIVE_IMPERATIVE[infinitive]
    return EsVerb(infinitive, tuple(present), tuple(preterite), tuple(imperfect), participle, gerund,
                  imperative, subjunctive, reflexive)


@dataclass(frozen=True)
class FrVerb:
    infinitive: str
    present: tuple[str, ...]
    imperfect: tuple[str, ...]
    participle: str
    auxiliary: str  # "avoir" or "être"
    imperative: str  # tu
    imperative_we: str  # nous
    tail: str = ""  # "besoin" in "avoir besoin de"


_FR_IRREGULAR: dict[str, dict[str, str]] = {
    "être": {"pres": "suis es est sommes sont", "pp": "été", "imp": "sois", "imp1": "soyons",
             "impf": "étais étais était étions étaient"},
    "avoir": {"pres": "ai as a avons ont", "pp": "eu", "imp": "aie", "imp1": "ayons"},
    "aller": {"pres": "vais vas va allons vont", "imp": "va"},
    "voir": {"pres": "vois vois voit voyons voient", "pp": "vu", "impf": "voyais voyais voyait voyions voyaient"},
    "connaître": {"pres": "connais connais connaît connaissons connaissent", "pp": "connu"},
    "vouloir": {"pres": "veux veux veut voulons veulent", "pp": "voulu"},
    "pouvoir": {"pres": "peux peux peut pouvons peuvent", "pp": "pu"},
    "devoir": {"pres": "dois dois doit devons doivent", "pp": "dû"},
    "savoir": {"pres": "sais sais sait savons savent", "pp": "su", "imp": "sache", "imp1": "sachons"},
    "faire": {"pres": "fais fais fait faisons font", "pp": "fait"},
    "dire": {"pres": "dis dis dit disons disent", "pp": "dit"},
    "prendre": {"pres": "prends prends prend prenons prennent", "pp": "pris"},
    "apprendre": {"pres": "apprends apprends apprend apprenons apprennent", "pp": "appris"},
    "comprendre": {"pres": "comprends comprends comprend comprenons comprennent", "pp": "compris"},
    "ouvrir": {"pres": "ouvre ouvres ouvre ouvrons ouvrent", "pp": "ouvert"},
    "construire": {"pres": "construis construis construit construisons construisent", "pp": "construit"},
    "détruire": {"pres": "détruis détruis détruit détruisons détruisent", "pp": "détruit"},
    "conduire": {"pres": "conduis conduis conduit conduisons conduisent", "pp": "conduit"},
    "suivre": {"pres": "suis suis suit suivons suivent", "pp": "suivi"},
    "lire": {"pres": "lis lis lit lisons lisent", "pp": "lu"},
    "écrire": {"pres": "écris écris écrit écrivons écrivent", "pp": "écrit"},
    "boire": {"pres": "bois bois boit buvons boivent", "pp": "bu"},
    "venir": {"pres": "viens viens vient venons viennent", "pp": "venu"},
    "partir": {"pres": "pars pars part partons partent", "pp": "parti"},
    "sortir": {"pres": "sors sors sort sortons sortent", "pp": "sorti"},
    "courir": {"pres": "cours cours court courons courent", "pp": "couru"},
    "dormir": {"pres": "dors dors dort dormons dorment", "pp": "dormi"},
    "mourir": {"pres": "meurs meurs meurt mourons meurent", "pp": "mort"},
    "vivre": {"pres": "vis vis vit vivons vivent", "pp": "vécu"},
    "rire": {"pres": "ris ris rit rions rient", "pp": "ri"},
    "combattre": {"pres": "combats combats combat combattons combattent", "pp": "combattu"},
    "mettre": {"pres": "mets mets met mettons mettent", "pp": "mis"},
    "acheter": {"pres": "achète achètes achète achetons achètent"},
    "appeler": {"pres": "appelle appelles appelle appelons appellent"},
    "nettoyer": {"pres": "nettoie nettoies nettoie nettoyons nettoient"},
    "protéger": {"pres": "protège protèges protège protégeons protègent"},
    "répéter": {"pres": "répète répètes répète répétons répètent"},
}
_FR_ETRE_VERBS = {"aller", "venir", "partir", "sortir", "mourir", "tomber", "rester", "arriver", "entrer"}
_FR_SECOND_GROUP = {"finir", "choisir", "réussir"}


def fr_verb(infinitive: str) -> FrVerb:
    """Conjugate a French verb; ``avoir besoin`` style entries keep their tail.

    >>> v = fr_verb("manger")
    >>> v.present[3], v.participle, v.imperative, fr_verb("attendre").present[2]
    ('mangeons', 'mangé', 'mange', 'attend')
    """
    tail = ""
    if " " in infinitive:
        infinitive, tail = infinitive.split(" ", 1)
    irregular = _FR_IRREGULAR.get(infinitive, {})
    if infinitive.endswith("er"):
        stem = infinitive[:-2]
        we = stem + ("e" if stem.endswith("g") else "") + "ons"
        if stem.endswith("c"):
            we = stem[:-1] + "çons"
        present = [stem + "e", stem + "es", stem + "e", we, stem + "ent"]
        participle = stem + "é"
    elif infinitive in _FR_SECOND_GROUP:
        stem = infinitive[:-2]
        present = [stem + "is", stem + "is", stem + "it", stem + "issons", stem + "issent"]
        participle = stem + "i"
    elif infinitive.endswith("re"):
        stem = infinitive[:-2]
        present = [stem + "s", stem + "s", stem, stem + "ons", stem + "ent"]
        participle = stem + "u"
    elif "pres" in irregular and "pp" in irregular:
        present, participle = [], ""
    else:
        raise ValueError(f"no conjugation for {infinitive!r}")
    if "pres" in irregular:
        present = irregular["pres"].split()
    participle = irregular.get("pp", participle)
    we_root = present[3][:-3]
    imperfect = [we_root + e for e in ("ais", "ais", "ait", "ions", "aient")]
    if "impf" in irregular:
        imperfect = irregular["impf"].split()
    if "imp" in irregular:
        imperative = irregular["imp"]
    elif infinitive.endswith("er") or present[1].endswith("es"):
        imperative = present[1][:-1]
    else:
        imperative = present[1]
    imperative_we = irregular.get("imp1", present[3])
    auxiliary = "être" if infinitive in _FR_ETRE_VERBS else "avoir"
    return FrVerb(infinitive, tuple(present), tuple(imperfect), participle, auxiliary, imperative,
                  imperative_we, tail)


# en spec [+ preposition] | es infinitive [+ preposition] [se] | fr infinitive [+ preposition] | kind
# kind: t = things, p = people, a = anything, l = places, i = intransitive; n = no imperative
_VERBS = """
see/saw/seen|ver|voir|a
look/looked/looked at|mirar|regarder|a
watch|mirar|regarder|a
hear/heard/heard|oír|entendre|a
listen to|escuchar|écouter|a
know/knew/known|conocer|connaître|p
want|querer|vouloir|tn
need|necesitar|avoir besoin de|an
have/had/had|tener|avoir|tn
take/took/taken|tomar|prendre|t
give/gave/given|dar|donner|t
bring/brought/brought|traer|apporter|t
find/found/found|encontrar|trouver|a
lose/lost/lost|perder|perdre|t
keep/kept/kept|guardar|garder|t
open|abrir|ouvrir|t
close|cerrar|fermer|t
break/broke/broken|romper|casser|t
fix|arreglar|réparer|t
build/built/built|construir|construire|t
destroy|destruir|détruire|t
kill|matar|tuer|a
save|salvar|sauver|a
help|ayudar|aider|p
call|llamar|appeler|p
follow|seguir|suivre|p
trust|confiar en|faire confiance à|p
love|amar|aimer|a
hate|odiar|détester|a
forget/forgot/forgotten|olvidar|oublier|a
understand/understood/understood|entender|comprendre|a
read/read/read|leer|lire|t
write/wrote/written|escribir|écrire|t
eat/ate/eaten|comer|manger|t
drink/drank/drunk|beber|boire|t
buy/bought/bought|comprar|acheter|t
sell/sold/sold|vender|vendre|t
look/looked/looked for|buscar|chercher|a
wait/waited/waited for|esperar|attendre|a
talk/talked/talked to|hablar con|parler à|p
think/thought/thought about|pensar en|penser à|a
go/went/gone to|ir a|aller à|l
come/came/come|venir|venir|i
leave/left/left|ir se|partir|i
run/ran/run|correr|courir|i
walk|caminar|marcher|i
sleep/slept/slept|dormir|dormir|i
work|trabajar|travailler|i
play|jugar|jouer|i
sing/sang/sung|cantar|chanter|i
dance|bailar|danser|i
fight/fought/fought|luchar|combattre|i
die|morir|mourir|i
live|vivir|vivre|i
win/won/won|ganar|gagner|t
fall/fell/fallen|caer|tomber|in
stay|quedar se|rester|i
cry|llorar|pleurer|i
laugh|reír|rire|i
answer|contestar|répondre à|t
move|mover se|bouger|i
learn|aprender|apprendre|t
tell/told/told|decir|dire|t
ask|preguntar|demander|t
use|usar|utiliser|t
touch|tocar|toucher|a
push|empujar|pousser|a
carry|llevar|porter|t
show|mostrar|montrer|t
change|cambiar|changer|t
stop|parar|arrêter|a
start|empezar|commencer|t
finish|terminar|finir|t
hide/hid/hidden|esconder|cacher|t
protect|proteger|protéger|a
attack|atacar|attaquer|a
catch/caught/caught|atrapar|attraper|a
drive/drove/driven|conducir|conduire|t
cook|cocinar|cuisiner|t
clean|limpiar|nettoyer|t
visit|visitar|visiter|a
repeat|repetir|répéter|t
remember|recordar|rappeler se|tn
"""

_ES_IRREGULAR["repetir"] = {"pres": "repito repites repite repetimos repiten",
                            "pret": "repetí repetiste repitió repetimos repitieron", "ger": "repitiendo"}


@dataclass(frozen=True)
class Verb:
    en: EnVerb
    en_prep: str
    es: EsVerb
    es_prep: str
    fr: FrVerb
    fr_prep: str
    kind: str  # t, p, a, l, i
    imperative: bool = True


def _parse_verbs(text: str) -> list[Verb]:
    verbs = []
    for line in text.strip().splitlines():
        en, es, fr, kind = line.split("|")
        en_spec, _, en_prep = en.partition(" ")
        es_words = es.split()
        reflexive = es_words[-1] == "se"
        if reflexive:
            es_words = es_words[:-1]
        es_prep = es_words[1] if len(es_words) > 1 else ""
        fr_words = fr.split()
        if fr_words[-1] == "se":  # French reflexives are left to the fixed phrases
            continue
        fr_prep = fr_words[-1] if len(fr_words) > 1 and fr_words[-1] in ("à", "de") else ""
        fr_infinitive = " ".join(fr_words[:-1] if fr_prep else fr_words)
        verbs.append(Verb(en_verb(en_spec), en_prep, es_verb(es_words[0], reflexive), es_prep,
                          fr_verb(fr_infinitive), fr_prep, kind[0], "n" not in kind[1:]))
    return verbs


VERBS = _parse_verbs(_VERBS)
_ES = {name: es_verb(name) for name in ("ser", "estar", "haber", "ir", "tener", "querer", "poder",
                                         "necesitar", "hacer")}
_FR = {name: fr_verb(name) for name in ("être", "avoir", "aller", "vouloir", "pouvoir", "devoir",
                                         "faire")}
_EN_BE_PRESENT = ("am", "are", "is", "are", "are")
_EN_BE_PAST = ("was", "were", "was", "were", "were")

# ---------------------------------------------------------------------------------------------------
# Names, numbers, placeholders
# ---------------------------------------------------------------------------------------------------

# (name, gender): common first names and cities, none taken from the sample films, whose characters
# ("Emo", "Celia") the model must copy as it copies the invented names below.
NAMES = [
    ("Anna", "f"), ("Maria", "f"), ("Pedro", "m"), ("Marie", "f"), ("Pierre", "m"),
    ("John", "m"), ("Sarah", "f"), ("David", "m"), ("Laura", "f"), ("Paul", "m"), ("Emma", "f"),
    ("Lucas", "m"), ("Sofia", "f"), ("Kenji", "m"), ("Aiko", "f"), ("Olga", "f"), ("Ivan", "m"),
    ("Fatima", "f"), ("Omar", "m"), ("Mike", "m"), ("Kate", "f"), ("Tom", "m"), ("Lisa", "f"),
    ("Jack", "m"), ("Nina", "f"), ("Leon", "m"), ("Zoe", "f"), ("Max", "m"), ("Elsa", "f"), ("Hugo", "m"),
    ("Clara", "f"), ("Victor", "m"), ("Julia", "f"), ("Oscar", "m"), ("Eva", "f"), ("Sam", "m"),
    ("Mia", "f"), ("Ben", "m"), ("Alice", "f"), ("Mr. Smith", "m"), ("Dr. Jones", "m"),
    ("Amsterdam", "m"), ("London", "m"), ("Paris", "m"), ("Madrid", "m"), ("Berlin", "m"),
]
_SYLLABLES = ["ka", "ro", "mi", "tan", "vel", "zo", "dri", "ul", "bex", "na", "lor", "qui", "sa", "thor", "ev",
              "gan", "pha", "lu", "dar", "ine", "os", "wen", "ky", "jo", "mar", "tis", "bra", "ha", "fen", "ix",
              "pe", "gu", "sch", "ber", "to", "ni", "cla", "wa", "ce", "li", "ot", "rud", "ya", "em", "fi", "kov"]


_ONSETS = list("bcdfghjklmnprstvwxyz") + ["br", "ch", "cl", "dr", "gr", "pr", "sh", "st", "th", "tr", ""] * 2
_CODAS = ["", "", "", "", "n", "r", "s", "l", "m", "g", "k", "x", "t", "v"]


def invented_name(rng: random.Random) -> str:
    """A made-up proper name, so the model learns to copy names it never saw: half from a few common
    syllables, half letter by letter (rare sentencepiece pieces, as real foreign names are)."""
    if rng.random() < 0.5:
        name = "".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((1, 2, 2, 3))))
    else:
        name = "".join(rng.choice(_ONSETS) + rng.choice("aeiouaeioy") + rng.choice(_CODAS)
                       for _ in range(rng.choice((1, 2, 2, 3))))
    return name[:1].upper() + name[1:]


def placeholder(rng: random.Random, taken: set[int]) -> str:
    while True:
        number = rng.randrange(10) if rng.random() < 0.7 else rng.randrange(PLACEHOLDER_MAX + 1)
        if number not in taken:
            taken.add(number)
            return f"ZQ{number}"


_NUMBER_WORDS = [
    ("one", "uno", "un"), ("two", "dos", "deux"), ("three", "tres", "trois"), ("four", "cuatro", "quatre"),
    ("five", "cinco", "cinq"), ("six", "seis", "six"), ("seven", "siete", "sept"), ("eight", "ocho", "huit"),
    ("nine", "nueve", "neuf"), ("ten", "diez", "dix"), ("eleven", "once", "onze"), ("twelve", "doce", "douze"),
    ("twenty", "veinte", "vingt"), ("fifty", "cincuenta", "cinquante"), ("hundred", "cien", "cent"),
]


def digits(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.4:
        return str(rng.randrange(2, 100))
    if roll < 0.7:
        return str(rng.randrange(100, 10000))
    if roll < 0.85:
        return str(rng.randrange(1900, 2100))
    return f"{rng.randrange(1, 100)}.{rng.randrange(1, 10)}"


# ---------------------------------------------------------------------------------------------------
# Phrases
# ---------------------------------------------------------------------------------------------------


@dataclass
class Phrase:
    """One constituent in the three languages, with what agreement needs to know."""

    en: str
    es: str
    fr: str
    person: int = 2
    gender: str = "m"  # es gender; fr_gender below when different
    fr_gender: str = "m"
    plural: bool = False
    human: bool = False
    fr_negative: str = ""  # French form after "pas" ("pas de maison" for "une maison")
    pronoun: bool = False  # a clitic object pronoun
    extra: dict = field(default_factory=dict)

    def texts(self) -> dict[str, str]:
        return {"en": self.en, "es": self.es, "fr": self.fr}


_DETERMINERS = {
    # en sg, en pl, es (m sg, f sg, m pl, f pl), fr (m sg, f sg, pl)
    "the": ("the", "the", ("el", "la", "los", "las"), ("le", "la", "les")),
    "a": (None, "", ("un", "una", "", ""), ("un", "une", "des")),
    "this": ("this", "these", ("este", "esta", "estos", "estas"), ("ce", "cette", "ces")),
    "that": ("that", "those", ("ese", "esa", "esos", "esas"), ("ce", "cette", "ces")),
    "my": ("my", "my", ("mi", "mi", "mis", "mis"), ("mon", "ma", "mes")),
    "your": ("your", "your", ("tu", "tu", "tus", "tus"), ("ton", "ta", "tes")),
    "his": ("his", "his", ("su", "su", "sus", "sus"), ("son", "sa", "ses")),
    "her": ("her", "her", ("su", "su", "sus", "sus"), ("son", "sa", "ses")),
    "our": ("our", "our", ("nuestro", "nuestra", "nuestros", "nuestras"), ("notre", "notre", "nos")),
    "their": ("their", "their", ("su", "su", "sus", "sus"), ("leur", "leur", "leurs")),
}
DETERMINER_WEIGHTS = [("the", 8), ("a", 5), ("this", 2), ("that", 1), ("my", 3), ("your", 3), ("his", 1),
                      ("her", 1), ("our", 1), ("their", 1)]


def _join(*words: str) -> str:
    return " ".join(w for w in words if w)


def noun_phrase(noun: Noun, det: str, plural: bool, adjective: Adjective | None = None) -> Phrase:
    """A determiner, an optional adjective and a noun, agreeing in each language.

    >>> np = noun_phrase(NOUNS[0], "the", False, ADJECTIVES[0])
    >>> np.en, np.es, np.fr
    ('the big house', 'la casa grande', 'la grande maison')
    """
    en_sg, en_pl, es_dets, fr_dets = _DETERMINERS[det]
    en_noun = noun.en_pl if plural else noun.en
    en_words = _join(adjective.en if adjective else "", en_noun)
    if det == "a" and not plural:
        en = _join(en_article(en_words), en_words)
    else:
        en = _join(en_pl if plural else en_sg, en_words)
    es_noun = noun.es_pl if plural else noun.es
    es_det = es_dets[(1 if noun.es_g == "f" else 0) + (2 if plural else 0)]
    es = _join(es_det, es_noun, adjective.es_form(noun.es_g, plural) if adjective else "")
    fr_noun = noun.fr_pl if plural else noun.fr
    if adjective and adjective.fr_pre:
        fr_adj = adjective.fr_form(noun.fr_g, plural, before_vowel=fr_starts_with_vowel(fr_noun))
        fr_words = _join(fr_adj, fr_noun)
    elif adjective:
        fr_words = _join(fr_noun, adjective.fr_form(noun.fr_g, plural))
    else:
        fr_words = fr_noun
    fr_det = fr_dets[2] if plural else fr_dets[1 if noun.fr_g == "f" else 0]
    vowel = fr_starts_with_vowel(fr_words)
    if not plural and vowel and fr_det in ("ma", "ta", "sa"):
        fr_det = fr_det[0] + "on"  # "mon idée", "ton arme", "son épée"
    if not plural and vowel and fr_det == "ce":
        fr_det = "cet"
    if plural and det == "a" and adjective and adjective.fr_pre:
        fr_det = "de"
    fr = _join(fr_det, fr_words)
    fr_negative = _join("de", fr_words) if det == "a" else fr
    return Phrase(en, es, fr, person=4 if plural else 2, gender=noun.es_g, fr_gender=noun.fr_g,
                  plural=plural, human=noun.person, fr_negative=fr_negative)


def name_phrase(name: str, gender: str) -> Phrase:
    return Phrase(name, name, name, person=2, gender=gender, fr_gender=gender, human=True)


_SUBJECT_PRONOUNS = [
    # en, es (empty = dropped), fr, person, gender
    ("I", "", "je", 0, "m"), ("I", "", "je", 0, "f"), ("you", "", "tu", 1, "m"), ("you", "", "tu", 1, "f"),
    ("he", "él", "il", 2, "m"), ("she", "ella", "elle", 2, "f"), ("we", "", "nous", 3, "m"),
    ("they", "ellos", "ils", 4, "m"), ("they", "ellas", "elles", 4, "f"),
]
_OBJECT_PRONOUNS = [
    # en, es clitic, fr clitic, gender, plural
    ("me", "me", "me", "m", False), ("you", "te", "te", "m", False), ("him", "lo", "le", "m", False),
    ("her", "la", "la", "f", False), ("it", "lo", "le", "m", False), ("us", "nos", "nous", "m", True),
    ("them", "los", "les", "m", True),
]
_ES_REFLEXIVE = ("me", "te", "se", "nos", "se")


def subject_pronoun(rng: random.Random) -> Phrase:
    en, es, fr, person, gender = rng.choice(_SUBJECT_PRONOUNS)
    return Phrase(en, es, fr, person=person, gender=gender, fr_gender=gender, plural=person >= 3,
                  human=True, extra={"es_dropped": not es})


def object_pronoun(rng: random.Random) -> Phrase:
    en, es, fr, gender, plural = rng.choice(_OBJECT_PRONOUNS)
    return Phrase(en, es, fr, gender=gender, fr_gender=gender, plural=plural, pronoun=True, human=True)


# ---------------------------------------------------------------------------------------------------
# Clauses
# ---------------------------------------------------------------------------------------------------

TENSES = ("present", "past", "perfect", "going", "progressive", "want", "can", "must", "need")


def _en_verb_group(subject: Phrase, verb: EnVerb, tense: str, negative: bool, question: bool,
                   rng: random.Random) -> tuple[str, str, str]:
    """(auxiliary before the subject in questions, auxiliary after the subject, main verb).

    Negation contracts most of the time ("doesn't"), questions then front the contracted form
    ("Doesn't he ...?"); otherwise "not" follows the subject ("Does he not ...?").
    """
    third = subject.person == 2
    contract = rng.random() < 0.75
    if tense in ("present", "want", "need", "must"):
        aux = "does" if third else "do"
        main = {"present": verb.base, "want": "want to " + verb.base, "need": "need to " + verb.base,
                "must": "have to " + verb.base}[tense]
        if not negative and not question:
            if tense == "present":
                return "", "", verb.third if third else verb.base
            word = {"want": "wants" if third else "want", "need": "needs" if third else "need",
                    "must": "has" if third else "have"}[tense]
            return "", "", main.replace(main.split()[0], word, 1)
    elif tense == "past":
        aux, main = "did", verb.base
        if not negative and not question:
            return "", "", verb.past
    elif tense == "perfect":
        aux, main = ("has" if third else "have"), verb.participle
    elif tense == "can":
        aux, main = "can", verb.base
    else:  # going / progressive: forms of "be"
        aux = _EN_BE_PRESENT[subject.person]
        main = ("going to " + verb.base) if tense == "going" else verb.ing
    if not negative:
        return (aux, "", main) if question else ("", aux, main)
    if aux == "am":
        return ("am", "not", main) if question else ("", "am not", main)
    contracted = "can't" if aux == "can" else aux + "n't"
    if question:
        return (contracted, "", main) if contract else (aux, "not", main)
    if contract:
        return "", contracted, main
    return "", "cannot" if aux == "can" else aux + " not", main


_EN_CONTRACTED_BE = {"I am": "I'm", "you are": "you're", "he is": "he's", "she is": "she's", "we are": "we're",
                     "they are": "they're"}


def _en_clause(subject: Phrase, verb: Verb, obj: Phrase | None, tense: str, negative: bool, question: bool,
               rng: random.Random) -> str:
    front, aux, main = _en_verb_group(subject, verb.en, tense, negative, question, rng)
    obj_text = ""
    if obj is not None:
        obj_text = _join(verb.en_prep, obj.en)
    if question:
        text = _join(front, subject.en, aux, main, obj_text)
    else:
        head = _join(subject.en, aux)
        if aux in ("am", "are", "is") and rng.random() < 0.6:
            head = _EN_CONTRACTED_BE.get(head, head)
        text = _join(head, main, obj_text)
    return text


def _es_clause(subject: Phrase, verb: Verb, obj: Phrase | None, tense: str, negative: bool) -> str:
    p = subject.person
    v = verb.es
    clitics = []
    if v.reflexive:
        clitics.append(_ES_REFLEXIVE[p])
    if obj is not None and obj.pronoun:
        clitics.append(obj.es)
    if tense == "present":
        group = v.present[p]
    elif tense == "past":
        group = v.preterite[p]
    elif tense == "perfect":
        group = _join(_ES["haber"].present[p], v.participle)
    elif tense == "going":
        group = _join(_ES["ir"].present[p], "a", v.infinitive)
    elif tense == "progressive":
        group = _join(_ES["estar"].present[p], v.gerund)
    elif tense == "want":
        group = _join(_ES["querer"].present[p], v.infinitive)
    elif tense == "can":
        group = _join(_ES["poder"].present[p], v.infinitive)
    elif tense == "must":
        group = _join(_ES["tener"].present[p], "que", v.infinitive)
    else:  # need
        group = _join(_ES["necesitar"].present[p], v.infinitive)
    obj_text = ""
    if obj is not None and not obj.pronoun:
        prep = verb.es_prep
        if not prep and obj.human and verb.kind != "l":
            prep = "a"
        obj_text = _join(prep, obj.es)
    subject_text = "" if subject.extra.get("es_dropped") else subject.es
    return _join(subject_text, "no" if negative else "", *clitics, group, obj_text)


def _fr_agree(participle: str, gender: str, plural: bool) -> str:
    if participle.endswith("é") or participle.endswith("i") or participle.endswith("u") or participle[-1] in "t":
        return participle + ("e" if gender == "f" else "") + ("s" if plural else "")
    return participle + ("e" if gender == "f" else "") + ("s" if plural and not participle.endswith("s") else "")


def _fr_clause(subject: Phrase, verb: Verb, obj: Phrase | None, tense: str, negative: bool) -> str:
    p = subject.person
    v = verb.fr
    clitic = obj.fr if obj is not None and obj.pronoun else ""
    obj_text = ""
    if obj is not None and not obj.pronoun:
        obj_np = obj.fr_negative if negative and obj.fr_negative and not verb.fr_prep else obj.fr
        obj_text = _join(verb.fr_prep, obj_np)
    infinitive_group = _join(clitic, v.infinitive, v.tail)
    if tense in ("present", "progressive"):
        head, rest = v.present[p], _join(v.tail)
        pre = clitic
    elif tense in ("past", "perfect"):
        aux = _FR["être"] if v.auxiliary == "être" else _FR["avoir"]
        head = aux.present[p]
        if v.auxiliary == "être":
            participle = _fr_agree(v.participle, subject.fr_gender, subject.plural)
        elif obj is not None and obj.pronoun and obj.fr in ("la", "les"):
            participle = _fr_agree(v.participle, obj.fr_gender, obj.plural)
        else:
            participle = v.participle
        rest = _join(participle, v.tail)
        pre = clitic
    else:
        modal = {"going": "aller", "want": "vouloir", "can": "pouvoir", "must": "devoir", "need": "avoir"}[tense]
        head = _FR[modal].present[p]
        rest = _join("besoin de", infinitive_group) if tense == "need" else infinitive_group
        pre = ""
        if negative and obj is not None and not obj.pronoun and obj.fr_negative and not verb.fr_prep:
            # "pas de" also governs the object of the infinitive: "je ne veux pas voir de maison" is rare;
            # keep the plain object instead.
            obj_text = _join(verb.fr_prep, obj.fr)
    if negative:
        return _join(subject.fr, "ne", pre, head, "pas", rest, obj_text)
    return _join(subject.fr, pre, head, rest, obj_text)


def clause(subject: Phrase, verb: Verb, obj: Phrase | None, tense: str, negative: bool, question: bool,
           rng: random.Random) -> dict[str, str]:
    """One finite clause in the three languages, without final punctuation.

    >>> rng = random.Random(0)
    >>> see = next(v for v in VERBS if v.en.base == "see")
    >>> c = clause(name_phrase("Emo", "m"), see, noun_phrase(NOUNS[0], "the", False), "present", True,
    ...            False, rng)
    >>> c["es"], c["fr"]
    ('Emo no ve la casa', 'Emo ne voit pas la maison')
    """
    return {"en": _en_clause(subject, verb, obj, tense, negative, question, rng),
            "es": _es_clause(subject, verb, obj, tense, negative),
            "fr": _fr_clause(subject, verb, obj, tense, negative)}


# ---------------------------------------------------------------------------------------------------
# Surface clean-up per language
# ---------------------------------------------------------------------------------------------------

_FR_ELIDE = re.compile(r"\b([JjMmTtSsLlNnDd]e|[Ll]a|[Qq]ue|[Jj]usque) (?=[aeiouyàâéèêëîïôûœhAEIOUYÉÈÊH])")


def _fr_elide(match: re.Match) -> str:
    word = match.group(1)
    following = match.string[match.end():].split(" ", 1)[0].strip(".,!?;:…")
    if following.lower() in _H_ASPIRE or following.lower().startswith(("huit", "hé", "haut")):
        return match.group(0)
    return word[:-1] + "'"


def fix_french(text: str) -> str:
    """Elision, contraction and spacing before high punctuation.

    >>> fix_french("je ne ai pas parlé à le homme de le village?")
    "je n'ai pas parlé à l'homme du village ?"
    """
    text = _FR_ELIDE.sub(_fr_elide, text)
    text = re.sub(r"\b([Ss])i il", r"\1'il", text)
    for before, after in ((" à le ", " au "), (" à les ", " aux "), (" de le ", " du "), (" de les ", " des "),
                          ("À le ", "Au "), ("De le ", "Du "), ("De les ", "Des "), (" de des ", " de "),
                          (" de un ", " d'un "), (" de une ", " d'une ")):
        text = text.replace(before, after)
    text = re.sub(r"\s*([?!;])", r" \1", text)
    text = re.sub(r"\s*:(?=\s|$)", " :", text)  # not inside times such as 10:30
    text = re.sub(r"([?!]) ([?!])", r"\1\2", text)
    return text


def fix_spanish(text: str) -> str:
    """Contractions.

    >>> fix_spanish("Voy a el río de el pueblo.")
    'Voy al río del pueblo.'
    """
    for before, after in ((" a el ", " al "), (" de el ", " del "), ("A el ", "Al "), ("De el ", "Del ")):
        text = text.replace(before, after)
    return text


def fix_english(text: str) -> str:
    """a/an before adjectives moved in front of the noun.

    >>> fix_english("I saw a old man.")
    'I saw an old man.'
    """
    return re.sub(r"\b([Aa]) (\w+)", lambda m: m.group(1) + ("n" if en_article(m.group(2)) == "an" else "")
                  + " " + m.group(2), text)


def capitalize(text: str) -> str:
    for i, char in enumerate(text):
        if char.isalpha():
            return text[:i] + char.upper() + text[i + 1:]
    return text


def finish(texts: dict[str, str], kind: str = ".") -> dict[str, str]:
    """Punctuate (``.``, ``?``, ``!``), capitalise and clean up each language."""
    out = {}
    for lang, text in texts.items():
        if kind == "?":
            text = ("¿" + text + "?") if lang == "es" else text + "?"
        elif kind == "!":
            text = ("¡" + text + "!") if lang == "es" else text + "!"
        elif kind:
            text = text + kind
        text = capitalize(text)
        text = {"en": fix_english, "es": fix_spanish, "fr": fix_french}[lang](text)
        out[lang] = text
    return out


# ---------------------------------------------------------------------------------------------------
# Fixed phrases: everyday dialogue (none of it from the sample films; the film filter drops any clash)
# ---------------------------------------------------------------------------------------------------

# en | es | fr
_PHRASES = """
Hello.|Hola.|Bonjour.
(music)|(música)|(musique)
(laughs)|(ríe)|(rit)
(sighs)|(suspira)|(soupire)
(screams)|(grita)|(crie)
(footsteps)|(pasos)|(bruits de pas)
(door closes)|(se cierra una puerta)|(une porte se ferme)
(knocking)|(llaman a la puerta)|(on frappe)
(thunder)|(trueno)|(tonnerre)
(explosion)|(explosión)|(explosion)
(gunshot)|(disparo)|(coup de feu)
(crying)|(llanto)|(pleurs)
(whispering)|(susurros)|(chuchotements)
(applause)|(aplausos)|(applaudissements)
(silence)|(silencio)|(silence)
(wind howling)|(viento aullando)|(vent hurlant)
(dog barking)|(perro ladrando)|(chien qui aboie)
(birds singing)|(pájaros cantando)|(oiseaux qui chantent)
Hi.|Hola.|Salut.
Good morning.|Buenos días.|Bonjour.
Good evening.|Buenas tardes.|Bonsoir.
Good night.|Buenas noches.|Bonne nuit.
Goodbye.|Adiós.|Au revoir.
Bye.|Adiós.|Salut.
See you tomorrow.|Hasta mañana.|À demain.
See you later.|Hasta luego.|À plus tard.
Thank you.|Gracias.|Merci.
Thanks.|Gracias.|Merci.
Thank you very much.|Muchas gracias.|Merci beaucoup.
You're welcome.|De nada.|De rien.
Please.|Por favor.|S'il te plaît.
Sorry.|Perdón.|Pardon.
I'm sorry.|Lo siento.|Je suis désolé.
Excuse me.|Perdona.|Excuse-moi.
Yes.|Sí.|Oui.
No.|No.|Non.
Yeah.|Sí.|Ouais.
Okay.|Vale.|D'accord.
Ok.|Vale.|D'accord.
All right.|Está bien.|D'accord.
Alright.|Está bien.|D'accord.
Fine.|Bien.|Bien.
Good.|Bien.|Bien.
Great.|Genial.|Génial.
Really?|¿De verdad?|Vraiment ?
Of course.|Claro.|Bien sûr.
Maybe.|Quizás.|Peut-être.
Why?|¿Por qué?|Pourquoi ?
Why not?|¿Por qué no?|Pourquoi pas ?
What?|¿Qué?|Quoi ?
Who?|¿Quién?|Qui ?
Where?|¿Dónde?|Où ?
When?|¿Cuándo?|Quand ?
How?|¿Cómo?|Comment ?
What is it?|¿Qué es?|Qu'est-ce que c'est ?
What's that?|¿Qué es eso?|Qu'est-ce que c'est ?
What is this?|¿Qué es esto?|Qu'est-ce que c'est ?
What happened?|¿Qué pasó?|Qu'est-ce qui s'est passé ?
What's going on?|¿Qué está pasando?|Qu'est-ce qui se passe ?
What do you want?|¿Qué quieres?|Qu'est-ce que tu veux ?
What are you doing?|¿Qué estás haciendo?|Qu'est-ce que tu fais ?
What are you doing here?|¿Qué haces aquí?|Qu'est-ce que tu fais ici ?
Who are you?|¿Quién eres?|Qui es-tu ?
Who is it?|¿Quién es?|Qui est-ce ?
Where are you?|¿Dónde estás?|Où es-tu ?
Where are you going?|¿Adónde vas?|Où vas-tu ?
Where are we?|¿Dónde estamos?|Où sommes-nous ?
How are you?|¿Cómo estás?|Comment vas-tu ?
I'm fine.|Estoy bien.|Je vais bien.
I'm fine, thanks.|Estoy bien, gracias.|Je vais bien, merci.
How much is it?|¿Cuánto cuesta?|Combien ça coûte ?
What time is it?|¿Qué hora es?|Quelle heure est-il ?
What's your name?|¿Cómo te llamas?|Comment tu t'appelles ?
My name is Anna.|Me llamo Anna.|Je m'appelle Anna.
I don't know.|No lo sé.|Je ne sais pas.
I know.|Lo sé.|Je sais.
You know.|Sabes.|Tu sais.
I understand.|Entiendo.|Je comprends.
I don't understand.|No entiendo.|Je ne comprends pas.
I think so.|Creo que sí.|Je crois.
I don't think so.|No lo creo.|Je ne crois pas.
I hope so.|Eso espero.|J'espère.
I'm afraid.|Tengo miedo.|J'ai peur.
I'm hungry.|Tengo hambre.|J'ai faim.
I'm cold.|Tengo frío.|J'ai froid.
I love you.|Te quiero.|Je t'aime.
I miss you.|Te echo de menos.|Tu me manques.
Help!|¡Socorro!|Au secours !
Help me!|¡Ayúdame!|Aide-moi !
Wait!|¡Espera!|Attends !
Wait for me!|¡Espérame!|Attends-moi !
Stop!|¡Para!|Arrête !
Stop it!|¡Basta!|Arrête !
Look!|¡Mira!|Regarde !
Listen.|Escucha.|Écoute.
Listen to me.|Escúchame.|Écoute-moi.
Come here.|Ven aquí.|Viens ici.
Come on!|¡Vamos!|Allez !
Come with me.|Ven conmigo.|Viens avec moi.
Let's go.|Vamos.|Allons-y.
Let's go!|¡Vamos!|Allons-y !
Go!|¡Vamos!|Vas-y !
Go away!|¡Vete!|Va-t'en !
Run!|¡Corre!|Cours !
Hurry!|¡Rápido!|Vite !
Hurry up!|¡Date prisa!|Dépêche-toi !
Be careful.|Ten cuidado.|Fais attention.
Be careful!|¡Ten cuidado!|Fais attention !
Watch out!|¡Cuidado!|Attention !
Get up.|Levántate.|Lève-toi.
Sit down.|Siéntate.|Assieds-toi.
Calm down.|Cálmate.|Calme-toi.
Shut up!|¡Cállate!|Tais-toi !
Quiet!|¡Silencio!|Silence !
Don't move!|¡No te muevas!|Ne bouge pas !
Don't worry.|No te preocupes.|Ne t'inquiète pas.
Don't go.|No te vayas.|Ne pars pas.
Trust me.|Confía en mí.|Fais-moi confiance.
Follow me.|Sígueme.|Suis-moi.
Follow me!|¡Sígueme!|Suis-moi !
Tell me.|Dime.|Dis-moi.
Answer me!|¡Contéstame!|Réponds-moi !
Look at me.|Mírame.|Regarde-moi.
Leave me alone!|¡Déjame en paz!|Laisse-moi tranquille !
Stay here.|Quédate aquí.|Reste ici.
This way.|Por aquí.|Par ici.
Over here!|¡Aquí!|Par ici !
Here.|Aquí.|Ici.
There.|Allí.|Là.
Now.|Ahora.|Maintenant.
Now!|¡Ahora!|Maintenant !
Not now.|Ahora no.|Pas maintenant.
Right now.|Ahora mismo.|Tout de suite.
Later.|Más tarde.|Plus tard.
Again.|Otra vez.|Encore.
Never.|Nunca.|Jamais.
Always.|Siempre.|Toujours.
Nothing.|Nada.|Rien.
Everything.|Todo.|Tout.
Someone.|Alguien.|Quelqu'un.
Nobody.|Nadie.|Personne.
It's okay.|Está bien.|Ça va.
It's me.|Soy yo.|C'est moi.
It's you.|Eres tú.|C'est toi.
It's true.|Es verdad.|C'est vrai.
It's not true.|No es verdad.|Ce n'est pas vrai.
It's not possible.|No es posible.|Ce n'est pas possible.
It's impossible.|Es imposible.|C'est impossible.
It's over.|Se acabó.|C'est fini.
It's late.|Es tarde.|Il est tard.
It's cold.|Hace frío.|Il fait froid.
That's right.|Así es.|C'est ça.
That's enough.|Ya basta.|Ça suffit.
That's nice.|Qué bonito.|C'est joli.
That's it.|Eso es.|C'est tout.
Not bad.|No está mal.|Pas mal.
No problem.|No hay problema.|Pas de problème.
Me too.|Yo también.|Moi aussi.
Me neither.|Yo tampoco.|Moi non plus.
Congratulations!|¡Felicidades!|Félicitations !
Good luck.|Buena suerte.|Bonne chance.
Welcome.|Bienvenido.|Bienvenue.
Happy birthday!|¡Feliz cumpleaños!|Joyeux anniversaire !
Cheers!|¡Salud!|Santé !
Damn!|¡Maldita sea!|Merde !
Oh my God.|Dios mío.|Mon Dieu.
Are you okay?|¿Estás bien?|Ça va ?
Are you sure?|¿Estás seguro?|Tu es sûr ?
Are you hurt?|¿Estás herido?|Tu es blessé ?
Are you ready?|¿Estás listo?|Tu es prêt ?
Are you crazy?|¿Estás loco?|Tu es fou ?
Can you help me?|¿Puedes ayudarme?|Tu peux m'aider ?
Can I help you?|¿Puedo ayudarte?|Je peux t'aider ?
Do you understand?|¿Entiendes?|Tu comprends ?
Do you speak English?|¿Hablas inglés?|Tu parles anglais ?
Do you hear that?|¿Oyes eso?|Tu entends ça ?
Did you hear that?|¿Has oído eso?|Tu as entendu ça ?
Is everything okay?|¿Todo bien?|Tout va bien ?
What's wrong?|¿Qué pasa?|Qu'est-ce qui ne va pas ?
What's next?|¿Y ahora qué?|Et maintenant ?
Who cares?|¿A quién le importa?|On s'en fiche.
I have to go.|Tengo que irme.|Je dois partir.
We have to go.|Tenemos que irnos.|On doit partir.
We have to leave.|Tenemos que irnos.|Nous devons partir.
I'll be back.|Volveré.|Je reviendrai.
I'm coming.|Ya voy.|J'arrive.
I'm here.|Estoy aquí.|Je suis là.
I'm ready.|Estoy listo.|Je suis prêt.
I'm tired.|Estoy cansado.|Je suis fatigué.
I'm lost.|Estoy perdido.|Je suis perdu.
I'm OK.|Estoy bien.|Ça va.
I'm Ok.|Estoy bien.|Ça va.
I can't.|No puedo.|Je ne peux pas.
I can do it.|Puedo hacerlo.|Je peux le faire.
I did it!|¡Lo hice!|Je l'ai fait !
We did it!|¡Lo hicimos!|On l'a fait !
I need help.|Necesito ayuda.|J'ai besoin d'aide.
I need you.|Te necesito.|J'ai besoin de toi.
Thank God.|Gracias a Dios.|Dieu merci.
Forget it.|Olvídalo.|Laisse tomber.
Never mind.|No importa.|Peu importe.
Take it.|Tómalo.|Prends-le.
Do it.|Hazlo.|Fais-le.
Do it now!|¡Hazlo ahora!|Fais-le maintenant !
Open the door.|Abre la puerta.|Ouvre la porte.
Close the door.|Cierra la puerta.|Ferme la porte.
Answer the phone.|Contesta el teléfono.|Réponds au téléphone.
Give me that.|Dame eso.|Donne-moi ça.
Let me go!|¡Suéltame!|Lâche-moi !
Let me see.|Déjame ver.|Fais voir.
Let me help you.|Déjame ayudarte.|Laisse-moi t'aider.
Say it.|Dilo.|Dis-le.
Say something.|Di algo.|Dis quelque chose.
See you.|Nos vemos.|À plus.
"""


def _insert_vocative(text: str, name: str) -> str:
    """``Thank you.`` -> ``Thank you, Emo.``; French keeps its space before ``!``/``?``.

    >>> _insert_vocative("Attends !", "Emo"), _insert_vocative("¿Qué?", "Emo")
    ('Attends, Emo !', '¿Qué, Emo?')
    """
    match = re.search(r"\s?[.!?]+$", text)
    if match is None:
        return f"{text}, {name}"
    return f"{text[:match.start()]}, {name}{text[match.start():]}"


def _parse_phrases(text: str) -> list[dict[str, str]]:
    rows = []
    for line in text.strip().splitlines():
        en, es, fr = line.split("|")
        rows.append({"en": en, "es": es, "fr": fr})
    return rows


PHRASES = _parse_phrases(_PHRASES)

# ---------------------------------------------------------------------------------------------------
# Sentence templates
# ---------------------------------------------------------------------------------------------------

_ADVERBS = [("here", "aquí", "ici"), ("now", "ahora", "maintenant"), ("today", "hoy", "aujourd'hui"),
            ("tonight", "esta noche", "ce soir"), ("again", "otra vez", "encore"),
            ("together", "juntos", "ensemble"), ("there", "allí", "là-bas"), ("too", "también", "aussi")]
_TOMORROW = ("tomorrow", "mañana", "demain")
_YESTERDAY = ("yesterday", "ayer", "hier")
_PREPOSITIONS = [("in", "en", "dans"), ("on", "en", "sur"), ("near", "cerca de", "près de"),
                 ("behind", "detrás de", "derrière"), ("under", "debajo de", "sous"),
                 ("in front of", "delante de", "devant")]
_WITH = [("with", "con", "avec"), ("without", "sin", "sans"), ("for", "para", "pour")]


# Words a vocative follows in subtitles ("Look Anna, ...", "Hurry ZQ0!", "Okay, ZQ3. ..."): en, es, fr.
_LEADS = [("look", "mira", "regarde"), ("listen", "escucha", "écoute"), ("hey", "oye", "hé"),
          ("come on", "vamos", "allez"), ("hurry", "date prisa", "dépêche-toi"), ("wait", "espera", "attends"),
          ("oh", "oh", "oh"), ("well", "bueno", "eh bien"), ("hello", "hola", "bonjour"),
          ("okay", "vale", "d'accord"), ("sorry", "lo siento", "désolé"), ("thanks", "gracias", "merci"),
          ("please", "por favor", "s'il te plaît"), ("stop", "para", "arrête"), ("come here", "ven aquí", "viens ici"),
          ("good", "bien", "bien"), ("no", "no", "non"), ("yes", "sí", "oui"), ("whatever", "lo que sea", "peu importe"),
          ("anything", "cualquier cosa", "n'importe quoi"), ("goodbye", "adiós", "au revoir"),
          ("careful", "cuidado", "attention"), ("run", "corre", "cours"), ("good night", "buenas noches", "bonne nuit"),
          ("I'm sorry", "lo siento mucho", "je suis désolé"), ("you know", "sabes", "tu sais"),
          ("trust me", "confía en mí", "fais-moi confiance"), ("come with me", "ven conmigo", "viens avec moi"),
          ("go", "ve", "va"), ("help", "ayuda", "au secours"), ("congratulations", "felicidades", "félicitations"),
          ("wake up", "despierta", "réveille-toi"), ("calm down", "tranquilo", "du calme"), ("see", "ves", "tu vois")]
# A determiner before a placeholder standing for a noun term ("my ZQ0"): the term's gender is unknown,
# so the masculine form stands for both.
_TERM_DETERMINERS = [("the", "el", "le"), ("the", "el", "le"), ("a", "un", "un"), ("my", "mi", "mon"),
                     ("your", "tu", "ton"), ("this", "este", "ce"), ("our", "nuestro", "notre"), ("his", "su", "son")]
_IS_FRAMES = [("you're", "eres", "tu es"), ("he's", "es", "il est"), ("she's", "es", "elle est"),
              ("it's", "es", "c'est"), ("this is", "este es", "c'est"), ("that's", "ese es", "c'est"),
              ("I'm", "soy", "je suis"), ("you're not", "no eres", "tu n'es pas"), ("it was", "era", "c'était")]
_SEE_FRAMES = [("look at", "mira", "regarde"), ("you can see", "puedes ver", "tu peux voir"),
               ("I need", "necesito", "j'ai besoin de"), ("give me", "dame", "donne-moi"),
               ("we found", "encontramos", "nous avons trouvé")]
_EXPLICIT_SUBJECTS = [("I", "yo", "je", 0), ("you", "tú", "tu", 1), ("he", "él", "il", 2), ("she", "ella", "elle", 2),
                      ("we", "nosotros", "nous", 3), ("they", "ellos", "ils", 4)]
# ((en, en 3rd person), es verb, es particle, fr verb, fr particle)
_MODALS = [(("want to", "wants to"), "querer", "", "vouloir", ""), (("can", "can"), "poder", "", "pouvoir", ""),
           (("have to", "has to"), "tener", " que", "devoir", ""),
           (("are going to", "is going to"), "ir", " a", "aller", ""),
           (("need to", "needs to"), "necesitar", "", "avoir", "besoin de")]


def _close(lang: str, text: str, mark: str) -> str:
    """End a clause with its mark, opening it with ``¿``/``¡`` in Spanish."""
    if lang == "es" and mark in "?!":
        return ("¿" if mark == "?" else "¡") + text + mark
    return text + mark


def _tidy(texts: dict[str, str]) -> dict[str, str]:
    fixes = {"en": fix_english, "es": fix_spanish, "fr": fix_french}
    return {lang: fixes[lang](capitalize(text)) for lang, text in texts.items()}


class Generator:
    """Draws sentence triples; one instance per seed, so the corpus is a pure function of the seed."""

    def __init__(self, seed: int, source: str | None = None):
        self.rng = random.Random(seed)
        # With a source language, fixed phrases sharing a source text all give the first row's
        # translation ("Gracias." is "Thank you.", never "Thanks."): one source, one target.
        self.phrases = canonical_phrases(source) if source else PHRASES

    # -- constituents ---------------------------------------------------------------------------------
    def _noun(self, person: bool | None = None, place: bool = False) -> Noun:
        pool = NOUNS
        if place:
            pool = [n for n in NOUNS if n.place]
        elif person is not None:
            pool = [n for n in NOUNS if n.person == person]
        return self.rng.choice(pool)

    def _determiner(self) -> str:
        names, weights = zip(*DETERMINER_WEIGHTS)
        return self.rng.choices(names, weights)[0]

    def noun_phrase(self, person: bool | None = None, place: bool = False, det: str | None = None,
                    plural: bool | None = None) -> Phrase:
        noun = self._noun(person, place)
        plural = self.rng.random() < 0.25 if plural is None else plural
        adjective = self.rng.choice(ADJECTIVES) if self.rng.random() < 0.3 else None
        return noun_phrase(noun, det or self._determiner(), plural, adjective)

    def name(self, taken: set[int] | None = None) -> Phrase:
        roll = self.rng.random()
        if roll < 0.2 and taken is not None:
            token = placeholder(self.rng, taken)
            return Phrase(token, token, token, human=True)
        if roll < 0.8:  # mostly invented: copying, not a list of known names, is what is learnt
            return name_phrase(invented_name(self.rng), self.rng.choice("mf"))
        return name_phrase(*self.rng.choice(NAMES))

    def subject(self, taken: set[int]) -> Phrase:
        roll = self.rng.random()
        if roll < 0.55:
            return subject_pronoun(self.rng)
        if roll < 0.8:
            return self.name(taken)
        return self.noun_phrase()

    def object_for(self, verb: Verb, taken: set[int]) -> Phrase | None:
        kind = verb.kind
        if kind == "i":
            return None
        roll = self.rng.random()
        pronoun_ok = not verb.es_prep and not verb.fr_prep and not verb.es.reflexive and kind in "pa"
        if kind == "l":
            return self.noun_phrase(place=True) if roll < 0.8 else self.name(taken)
        if pronoun_ok and roll < 0.25:
            return object_pronoun(self.rng)
        if kind == "p":
            return self.name(taken) if roll < 0.6 else self.noun_phrase(person=True)
        if kind == "a" and roll < 0.45:
            return self.name(taken)
        if kind == "t" and roll < 0.12:
            token = placeholder(self.rng, taken)
            return Phrase(token, token, token)
        return self.noun_phrase(person=False if kind == "t" else None)

    # -- templates ------------------------------------------------------------------------------------
    def statement(self) -> dict[str, str]:
        taken: set[int] = set()
        verb = self.rng.choice(VERBS)
        tense = self.rng.choice(TENSES)
        negative = self.rng.random() < 0.3
        question = self.rng.random() < 0.25
        subject = self.subject(taken)
        obj = self.object_for(verb, taken)
        texts = clause(subject, verb, obj, tense, negative, question, self.rng)
        texts = self._complement(texts, tense, taken)
        return finish(texts, "?" if question else self.rng.choice(".....!"))

    def _complement(self, texts: dict[str, str], tense: str, taken: set[int]) -> dict[str, str]:
        roll = self.rng.random()
        if roll < 0.15:
            adverb = self.rng.choice(_ADVERBS)
        elif roll < 0.2:
            adverb = _YESTERDAY if tense == "past" else _TOMORROW if tense in ("going", "want", "must") else None
        elif roll < 0.35:
            prep = self.rng.choice(_PREPOSITIONS)
            place = self.noun_phrase(place=self.rng.random() < 0.5, det="the")
            adverb = (_join(prep[0], place.en), _join(prep[1], place.es), _join(prep[2], place.fr))
        elif roll < 0.45:
            prep = self.rng.choice(_WITH)
            other = self.name(taken) if self.rng.random() < 0.6 else self.noun_phrase()
            adverb = (_join(prep[0], other.en), _join(prep[1], other.es), _join(prep[2], other.fr))
        else:
            adverb = None
        if adverb is None:
            return texts
        return {lang: _join(texts[lang], adverb[i]) for i, lang in enumerate(LANGS)}

    def imperative(self) -> dict[str, str]:
        taken: set[int] = set()
        verb = self.rng.choice([v for v in VERBS if v.imperative])
        obj = self.object_for(verb, taken)
        if obj is not None and obj.pronoun:
            obj = self.noun_phrase(person=False) if verb.kind != "p" else self.name(taken)
        roll = self.rng.random()
        en_obj = _join(verb.en_prep, obj.en) if obj else ""
        es_prep = verb.es_prep or ("a" if obj is not None and obj.human and verb.kind != "l" else "")
        es_obj = _join(es_prep, obj.es) if obj else ""
        fr_obj = _join(verb.fr_prep, obj.fr) if obj else ""
        es, fr = verb.es, verb.fr
        if roll < 0.55:
            texts = {"en": _join(verb.en.base, en_obj), "es": _join(es.imperative, es_obj),
                     "fr": _join(fr.imperative, fr.tail, fr_obj)}
        elif roll < 0.8:
            es_neg = _join("no", "te" if es.reflexive else "", es.negative_imperative, es_obj)
            fr_obj_neg = _join(verb.fr_prep, obj.fr_negative or obj.fr) if obj and not verb.fr_prep else fr_obj
            texts = {"en": _join("don't", verb.en.base, en_obj), "es": es_neg,
                     "fr": _join("ne", fr.imperative, "pas", fr.tail, fr_obj_neg)}
        else:
            es_lets = _join("vamos a", es.infinitive + ("nos" if es.reflexive else ""), es_obj)
            texts = {"en": _join("let's", verb.en.base, en_obj), "es": es_lets,
                     "fr": _join(fr.imperative_we, fr.tail, fr_obj)}
        texts = self._vocative(texts, taken)
        return finish(texts, self.rng.choice("!!."))

    def _vocative(self, texts: dict[str, str], taken: set[int], chance: float = 0.3) -> dict[str, str]:
        if self.rng.random() >= chance:
            return texts
        name = self.name(taken)
        if self.rng.random() < 0.5:
            return {lang: f"{texts[lang]}, {name.texts()[lang]}" for lang in LANGS}
        return {lang: f"{name.texts()[lang]}, {texts[lang]}" for lang in LANGS}

    def copula(self) -> dict[str, str]:
        taken: set[int] = set()
        subject = self.subject(taken)
        adjective = self.rng.choice(ADJECTIVES)
        p = subject.person
        negative = self.rng.random() < 0.3
        question = self.rng.random() < 0.3
        past = self.rng.random() < 0.2
        en_be = (_EN_BE_PAST if past else _EN_BE_PRESENT)[p]
        es_verb_ = _ES[adjective.es_copula]
        es_be = (es_verb_.imperfect if past else es_verb_.present)[p]
        fr_be = (_FR["être"].imperfect if past else _FR["être"].present)[p]
        es_adj = adjective.es_form(subject.gender, subject.plural)
        fr_adj = adjective.fr_form(subject.fr_gender, subject.plural)
        if question:
            en = _join(en_be, subject.en, "not" if negative else "", adjective.en)
        else:
            en = _join(subject.en, en_be + ("n't" if negative and en_be != "am" else " not" if negative else ""),
                       adjective.en)
        es_subject = "" if subject.extra.get("es_dropped") else subject.es
        es = _join(es_subject, "no" if negative else "", es_be, es_adj)
        fr = _join(subject.fr, "ne" if negative else "", fr_be, "pas" if negative else "", fr_adj)
        texts = self._complement({"en": en, "es": es, "fr": fr}, "present", taken)
        return finish(texts, "?" if question else self.rng.choice("...!"))

    def identity(self) -> dict[str, str]:
        """"X is my friend", "This is a trap", "It's the captain"."""
        taken: set[int] = set()
        roll = self.rng.random()
        negative = self.rng.random() < 0.25
        if roll < 0.4:
            np = self.noun_phrase(det=self.rng.choice(["a", "the", "my", "your", "our"]), plural=False)
            pronoun = self.rng.choice(["this", "it", "that"])
            en_be = "isn't" if negative else "is"
            if pronoun == "it" and not negative:
                en = "it's " + np.en
            else:
                en = _join(pronoun, en_be, np.en)
            # "Esto es una trampa" but "Esta es mi casa": the demonstrative agrees with a definite noun.
            if pronoun == "it":
                es_pronoun = ""
            elif np.es.startswith(("un ", "una ")):
                es_pronoun = "esto" if pronoun == "this" else "eso"
            else:
                es_pronoun = {"this": "este", "that": "ese"}[pronoun]
                es_pronoun = es_pronoun[:-1] + "a" if np.gender == "f" else es_pronoun
            es = _join(es_pronoun, "no" if negative else "", "es", np.es)
            fr = ("ce n'est pas " + np.fr_negative.replace("de ", "un " if np.fr_gender == "m" else "une ", 1)
                  if negative and np.fr_negative.startswith("de ") else
                  ("ce n'est pas " + np.fr) if negative else "c'est " + np.fr)
        else:
            subject = self.name(taken) if roll < 0.75 else subject_pronoun(self.rng)
            np = self.noun_phrase(person=True, det=self.rng.choice(["the", "my", "your", "our", "his", "her"]),
                                  plural=subject.plural)
            p = subject.person
            en = _join(subject.en, _EN_BE_PRESENT[p] + (" not" if negative else ""), np.en)
            es_subject = "" if subject.extra.get("es_dropped") else subject.es
            es = _join(es_subject, "no" if negative else "", _ES["ser"].present[p], np.es)
            fr = _join(subject.fr, "ne" if negative else "", _FR["être"].present[p], "pas" if negative else "",
                       np.fr)
        return finish({"en": en, "es": es, "fr": fr}, self.rng.choice("..!"))

    def location(self) -> dict[str, str]:
        taken: set[int] = set()
        roll = self.rng.random()
        if roll < 0.35:
            thing = self.name(taken) if self.rng.random() < 0.4 else self.noun_phrase(det="the")
            p = thing.person
            texts = {"en": _join("where", _EN_BE_PRESENT[p], thing.en),
                     "es": _join("dónde", _ES["estar"].present[p], thing.es),
                     "fr": _join("où", _FR["être"].present[p], thing.fr)}
            return finish(texts, "?")
        if roll < 0.7:
            thing = self.name(taken) if self.rng.random() < 0.4 else self.noun_phrase(det="the")
            p = thing.person
            if self.rng.random() < 0.5:
                prep = self.rng.choice(_PREPOSITIONS)
                place = self.noun_phrase(place=True, det="the")
                where = (_join(prep[0], place.en), _join(prep[1], place.es), _join(prep[2], place.fr))
            else:
                where = self.rng.choice(_ADVERBS[:1] + _ADVERBS[6:7])
            texts = {"en": _join(thing.en, _EN_BE_PRESENT[p], where[0]),
                     "es": _join(thing.es, _ES["estar"].present[p], where[1]),
                     "fr": _join(thing.fr, _FR["être"].present[p], where[2])}
            return finish(texts, self.rng.choice("..!"))
        # existential
        noun = self._noun(person=None)
        negative = self.rng.random() < 0.3
        prep = self.rng.choice(_PREPOSITIONS)
        place = self.noun_phrase(place=True, det="the")
        where = (_join(prep[0], place.en), _join(prep[1], place.es), _join(prep[2], place.fr))
        if negative:
            es_none = "ningún" if noun.es_g == "m" else "ninguna"
            en = _join("there is no", noun.en, where[0])
            es = _join("no hay", es_none, noun.es, where[1])
            fr = _join("il n'y a pas", "d'" + noun.fr if fr_starts_with_vowel(noun.fr) else "de " + noun.fr,
                       where[2]).replace("d' ", "d'")
        else:
            np = noun_phrase(noun, "a", False)
            en = _join("there is", np.en, where[0])
            es = _join("hay", np.es, where[1])
            fr = _join("il y a", np.fr, where[2])
        return finish({"en": en, "es": es, "fr": fr}, ".")

    def numbers(self) -> dict[str, str]:
        taken: set[int] = set()
        noun = self._noun(person=self.rng.random() < 0.3)
        roll = self.rng.random()
        if roll < 0.35:
            number = digits(self.rng)
            en_n, es_n, fr_n = number, number, number
        else:
            words = self.rng.choice(_NUMBER_WORDS[1:])
            en_n, es_n, fr_n = words
        subject = self.subject(taken)
        p = subject.person
        template = self.rng.random()
        np = (_join(en_n, noun.en_pl), _join(es_n, noun.es_pl), _join(fr_n, noun.fr_pl))
        if template < 0.4:
            have = "has" if p == 2 else "have"
            es_subject = "" if subject.extra.get("es_dropped") else subject.es
            texts = {"en": _join(subject.en, have, np[0]),
                     "es": _join(es_subject, _ES["tener"].present[p], np[1]),
                     "fr": _join(subject.fr, _FR["avoir"].present[p], np[2])}
        elif template < 0.6:
            texts = {"en": _join("there are", np[0], self.rng.choice(["here", "there"])),
                     "es": _join("hay", np[1], "aquí"), "fr": _join("il y a", np[2], "ici")}
            if texts["en"].endswith("there"):
                texts["es"], texts["fr"] = _join("hay", np[1], "allí"), _join("il y a", np[2], "là-bas")
        elif template < 0.75:
            number = digits(self.rng)
            currency = self.rng.choice([("euros", "euros", "euros"), ("dollars", "dólares", "dollars")])
            texts = {"en": f"it costs {number} {currency[0]}", "es": f"cuesta {number} {currency[1]}",
                     "fr": f"ça coûte {number} {currency[2]}"}
        elif template < 0.85:
            number = str(self.rng.randrange(0, 101))
            what = self.noun_phrase(det="the", plural=False)
            texts = {"en": f"{what.en}, {number}%", "es": f"{what.es}, {number}%", "fr": f"{what.fr}, {number}%"}
        elif template < 0.93:
            year = str(self.rng.randrange(1900, 2100))
            name = self.name(taken)
            texts = {"en": f"{name.en} was born in {year}",
                     "es": f"{name.es} nació en {year}",
                     "fr": f"{name.fr} est {'née' if name.fr_gender == 'f' else 'né'} en {year}"}
        elif template < 0.96:
            hour = f"{self.rng.randrange(1, 13)}:{self.rng.choice(['00', '15', '30', '45'])}"
            texts = {"en": f"see you at {hour}", "es": f"nos vemos a las {hour}", "fr": f"à {hour}"}
        else:
            number = digits(self.rng)
            place = self.rng.choice([("room", "habitación", "chambre"), ("gate", "puerta", "porte"),
                                     ("level", "nivel", "niveau"), ("sector", "sector", "secteur")])
            texts = {"en": f"{place[0]} {number}", "es": f"{place[1]} {number}", "fr": f"{place[2]} {number}"}
        return finish(texts, self.rng.choice("..!"))

    def placeholders(self) -> dict[str, str]:
        """Sentences dense with ZQn tokens, as the glossary protection produces them."""
        taken: set[int] = set()
        first = placeholder(self.rng, taken)
        second = placeholder(self.rng, taken)
        roll = self.rng.random()
        if roll < 0.2:
            texts = {"en": f"{first} and {second}", "es": f"{first} y {second}", "fr": f"{first} et {second}"}
            if self.rng.random() < 0.3:
                third = placeholder(self.rng, taken)
                texts = {lang: f"{third}, {text}" for lang, text in texts.items()}
            return finish(texts, self.rng.choice(".?!"))
        if roll < 0.4:
            # Coordinated subjects: "ZQ1 and ZQ0 are here." "Anna and ZQ3 are tired."
            other = self.name(taken) if self.rng.random() < 0.4 else Phrase(second, second, second)
            both = {"en": f"{first} and {other.en}", "es": f"{first} y {other.es}", "fr": f"{first} et {other.fr}"}
            if self.rng.random() < 0.5:
                where = self.rng.choice([("here", "aquí", "ici"), ("there", "allí", "là-bas")])
                texts = {"en": f"{both['en']} are {where[0]}", "es": f"{both['es']} están {where[1]}",
                         "fr": f"{both['fr']} sont {where[2]}"}
            else:
                adjective = self.rng.choice(ADJECTIVES)
                es_be = "están" if adjective.es_copula == "estar" else "son"
                texts = {"en": f"{both['en']} are {adjective.en}",
                         "es": f"{both['es']} {es_be} {adjective.es_form('m', True)}",
                         "fr": f"{both['fr']} sont {adjective.fr_form('m', True)}"}
            return finish(texts, self.rng.choice(".?!"))
        if roll < 0.65:
            verb = self.rng.choice([v for v in VERBS if v.kind in "ap"])
            subject = Phrase(first, first, first, human=True)
            obj = Phrase(second, second, second, human=True)
            texts = clause(subject, verb, obj, self.rng.choice(TENSES), self.rng.random() < 0.3, False, self.rng)
            return finish(texts, ".")
        if roll < 0.8:
            texts = {"en": f"this is {first}", "es": f"este es {first}", "fr": f"c'est {first}"}
            return finish(self._vocative(texts, taken, 0.5), self.rng.choice(".!"))
        texts = {"en": f"welcome to {first}", "es": f"bienvenido a {first}", "fr": f"bienvenue à {first}"}
        return finish(texts, self.rng.choice(".!"))

    def phrase(self) -> dict[str, str]:
        row = dict(self.rng.choice(self.phrases))
        roll = self.rng.random()
        if roll < 0.35 and "," not in row["en"] and row["en"][:1] not in ".(":
            name = self.name(set())
            row = {lang: _insert_vocative(row[lang], name.texts()[lang]) for lang in LANGS}
        elif roll < 0.39 and len(row["en"]) <= 16:
            row = {lang: text.upper() for lang, text in row.items()}  # shouted: "NO!" "HELP!"
        return row

    def fragment(self) -> dict[str, str]:
        """Bare noun phrases, as subtitles often have them: "The house." "A dragon?" "My friends!".

        Some use a noun the dictionary does not know: it is copied, so unknown words come out as
        they went in instead of sending the decoder astray.
        """
        roll = self.rng.random()
        if roll < 0.25:
            word = invented_name(self.rng).lower()
            gender = self.rng.choice("mf")
            unknown = Noun(word, word, word, word, gender, word, word, gender)
            np = noun_phrase(unknown, self.rng.choice(["the", "a", "my", "this"]), False)
            texts = np.texts()
        else:
            texts = self.noun_phrase().texts()
        if self.rng.random() < 0.15:
            return {lang: f"({text})" for lang, text in texts.items()}  # a sound or scene description
        if self.rng.random() < 0.3:
            texts = self._vocative(texts, set(), 1.0)
        return finish(texts, self.rng.choice(["", ".", ".", "?", "!", "..."]))

    def coordination(self) -> dict[str, str]:
        first = self.statement_plain()
        second = self.statement_plain()
        joiner = self.rng.choice([("and", "y", "et"), ("but", "pero", "mais"), ("because", "porque", "parce que")])
        texts = {lang: _join(first[lang] + ("," if joiner[0] == "but" else ""), joiner[i], second[lang])
                 for i, lang in enumerate(LANGS)}
        return finish(texts, ".")

    def statement_plain(self) -> dict[str, str]:
        taken: set[int] = set()
        verb = self.rng.choice(VERBS)
        subject = self.subject(taken)
        # Keep the two halves free of placeholders: their numbers could clash.
        if subject.en.startswith("ZQ"):
            subject = subject_pronoun(self.rng)
        obj = self.object_for(verb, set())
        if obj is not None and obj.en.startswith("ZQ"):
            obj = self.noun_phrase(person=False)
        return clause(subject, verb, obj, self.rng.choice(TENSES[:5]), self.rng.random() < 0.2, False, self.rng)

    # -- names and glossary terms where subtitles put them ---------------------------------------------
    def _vocative_name(self, taken: set[int]) -> Phrase:
        """Who is spoken to: a placeholder (a name the glossary protection replaced) or a name to copy,
        mostly invented: a name left unprotected must come out as it went in, in the same places."""
        roll = self.rng.random()
        if roll < 0.4:
            token = placeholder(self.rng, taken)
            return Phrase(token, token, token, human=True)
        if roll < 0.9:
            return name_phrase(invented_name(self.rng), self.rng.choice("mf"))
        return name_phrase(*self.rng.choice(NAMES))

    def _short_clause(self) -> tuple[dict[str, str], str]:
        """A sentence free of placeholders without its end mark (nor Spanish opening mark), and the mark:
        an everyday phrase or a generated statement."""
        if self.rng.random() < 0.45:
            row = self.rng.choice(self._bare_phrases)
            return dict(row[0]), row[1]
        return self.statement_plain(), self.rng.choice("..!")

    @functools.cached_property
    def _bare_phrases(self) -> list[tuple[dict[str, str], str]]:
        rows = []
        for row in self.phrases:
            mark = row["en"][-1:]
            if mark not in ".!?" or row["en"].endswith("..") or any(row[lang][-1:] != mark for lang in LANGS):
                continue
            bare = {lang: row[lang].rstrip(".!? ").lstrip("¿¡") for lang in LANGS}
            if all(bare[lang] and not re.search(r"[.!?,;:()\"]", bare[lang]) for lang in LANGS):
                rows.append((bare, mark))
        return rows

    def vocative(self) -> dict[str, str]:
        """A name or placeholder spoken to, placed as subtitles place it: "Look ZQ0, we have to go.",
        "Listen, ZQ0, ...", "Hurry ZQ0!", "You're late, ZQ0!", "ZQ0, where are you?", "Okay, ZQ0. We're
        done.", "ZQ0 - come here!", "- Hey, ZQ0. - Hello."."""
        name = self._vocative_name(set()).texts()
        body, kind = self._short_clause()
        lower = {lang: _lower_first_word(text) for lang, text in body.items()}
        lead = self.rng.choice(_LEADS)
        roll = self.rng.random()
        if roll < 0.2:
            texts = {lang: f"{lead[i]} {name[lang]}, {_close(lang, lower[lang], kind)}" for i, lang in enumerate(LANGS)}
        elif roll < 0.32:
            texts = {lang: f"{lead[i]}, {name[lang]}, {_close(lang, lower[lang], kind)}"
                     for i, lang in enumerate(LANGS)}
        elif roll < 0.47:
            mark, comma = self.rng.choice(["!", "!", ".", "...", "?"]), self.rng.choice([" ", ", "])
            texts = {lang: _close(lang, f"{lead[i]}{comma}{name[lang]}", mark) for i, lang in enumerate(LANGS)}
        elif roll < 0.67:
            mark = "..." if kind == "." and self.rng.random() < 0.3 else kind
            texts = {lang: _close(lang, f"{body[lang]}, {name[lang]}", mark) for lang in LANGS}
        elif roll < 0.8:
            texts = {lang: f"{name[lang]}, {_close(lang, lower[lang], kind)}" for lang in LANGS}
        elif roll < 0.9:
            mark = self.rng.choice(".!")
            texts = {lang: f"{_close(lang, f'{lead[i]}, {name[lang]}', mark)} {capitalize(_close(lang, body[lang], kind))}"
                     for i, lang in enumerate(LANGS)}
        elif roll < 0.95:
            texts = {lang: f"{name[lang]} - {_close(lang, lower[lang], kind)}" for lang in LANGS}
        else:
            texts = {lang: f"- {_close(lang, f'{lead[i]}, {name[lang]}', '.')} - "
                           f"{capitalize(_close(lang, body[lang], kind))}" for i, lang in enumerate(LANGS)}
        return _tidy(texts)

    def term_slots(self) -> dict[str, str]:
        """A placeholder standing for a glossary term in the slot of the words it replaced: a noun after
        a determiner ("you're a ZQ0", "where is my ZQ0?"), an adjective or idiom after "be" ("you're
        ZQ0", "the machine was ZQ1"), an adverbial at the end ("it works ZQ0"), a verb ("I ZQ0 when I
        saw it", "we have to ZQ0", "don't ZQ0!")."""
        taken: set[int] = set()
        token = placeholder(self.rng, taken)
        roll = self.rng.random()
        if roll < 0.35:
            texts, mark = self._noun_slot(token, taken)
        elif roll < 0.55:
            texts, mark = self._predicate_slot(token)
        elif roll < 0.63:
            texts, mark = {lang: f"{text} {token}" for lang, text in self.statement_plain().items()}, "."
        else:
            texts, mark = self._verb_slot(token)
        if mark != "?" and self.rng.random() < 0.15:
            name = self._vocative_name(taken).texts()
            texts = {lang: f"{text}, {name[lang]}" for lang, text in texts.items()}
        return _tidy({lang: _close(lang, text, mark) for lang, text in texts.items()})

    def _noun_slot(self, token: str, taken: set[int]) -> tuple[dict[str, str], str]:
        det = self.rng.choice(_TERM_DETERMINERS)
        np = Phrase(f"{det[0]} {token}", f"{det[1]} {token}", f"{det[2]} {token}",
                    fr_negative=f"de {token}" if det[0] == "a" else f"{det[2]} {token}")
        roll = self.rng.random()
        if roll < 0.3:
            verb = self.rng.choice([v for v in VERBS if v.kind == "t"])
            subject = self.subject(taken) if self.rng.random() < 0.5 else subject_pronoun(self.rng)
            question = self.rng.random() < 0.2
            return (clause(subject, verb, np, self.rng.choice(TENSES), self.rng.random() < 0.25, question, self.rng),
                    "?" if question else self.rng.choice("..!"))
        if roll < 0.6:
            frame = self.rng.choice(_IS_FRAMES)
            return {lang: f"{frame[i]} {np.texts()[lang]}" for i, lang in enumerate(LANGS)}, self.rng.choice("..!")
        if roll < 0.75:
            return ({"en": f"where is {np.en}", "es": f"dónde está {np.es}", "fr": f"où est {np.fr}"}, "?")
        if roll < 0.88:
            frame = self.rng.choice(_SEE_FRAMES)
            return {lang: f"{frame[i]} {np.texts()[lang]}" for i, lang in enumerate(LANGS)}, self.rng.choice(".!")
        adjective = self.rng.choice(ADJECTIVES)
        es_be = _ES[adjective.es_copula].present[2]
        return ({"en": f"{np.en} is {adjective.en}", "es": f"{np.es} {es_be} {adjective.es_form('m', False)}",
                 "fr": f"{np.fr} est {adjective.fr_form('m', False)}"}, self.rng.choice(".!?"))

    def _predicate_slot(self, token: str) -> tuple[dict[str, str], str]:
        subject = subject_pronoun(self.rng) if self.rng.random() < 0.6 else self.noun_phrase()
        p = subject.person
        es_subject = "" if subject.extra.get("es_dropped") else subject.es
        roll = self.rng.random()
        if roll < 0.45:
            texts = {"en": _join(subject.en, _EN_BE_PRESENT[p], token),
                     "es": _join(es_subject, _ES["estar"].present[p], token),
                     "fr": _join(subject.fr, _FR["être"].present[p], token)}
        elif roll < 0.7:
            texts = {"en": _join(subject.en, _EN_BE_PAST[p], token),
                     "es": _join(es_subject, _ES["estar"].imperfect[p], token),
                     "fr": _join(subject.fr, _FR["être"].imperfect[p], token)}
        elif roll < 0.8:
            return {"en": f"don't be {token}", "es": f"no estés {token}", "fr": f"ne sois pas {token}"}, "!"
        elif roll < 0.9:
            return ({"en": f"why {_EN_BE_PRESENT[p]} {subject.en} {token}",
                     "es": _join("por qué", _ES["estar"].present[p], es_subject, token),
                     "fr": _join("pourquoi", subject.fr, _FR["être"].present[p], token)}, "?")
        else:
            texts = {"en": _join("I know", subject.en, _EN_BE_PRESENT[p], token),
                     "es": _join("sé que", es_subject, _ES["estar"].present[p], token),
                     "fr": _join("je sais que", subject.fr, _FR["être"].present[p], token)}
        for full, short in _EN_CONTRACTED_BE.items():
            if texts["en"].startswith(full + " ") and self.rng.random() < 0.6:
                texts["en"] = short + texts["en"][len(full):]
        return texts, self.rng.choice("..!")

    def _verb_slot(self, token: str) -> tuple[dict[str, str], str]:
        en_subject, es_subject, fr_subject, p = self.rng.choice(_EXPLICIT_SUBJECTS)
        roll = self.rng.random()
        if roll < 0.4:
            texts = {"en": f"{en_subject} {token}", "es": f"{es_subject} {token}", "fr": f"{fr_subject} {token}"}
            tail = self.rng.random()
            if tail < 0.35:
                when = self.statement_plain()
                joiner = self.rng.choice([("when", "cuando", "quand"), ("because", "porque", "parce que")])
                texts = {lang: _join(texts[lang], joiner[i], when[lang]) for i, lang in enumerate(LANGS)}
            elif tail < 0.6:
                obj = self.noun_phrase(person=False)
                texts = {lang: _join(texts[lang], obj.texts()[lang]) for lang in LANGS}
            elif tail < 0.8:
                adverb = self.rng.choice(_ADVERBS + [_TOMORROW, _YESTERDAY])
                texts = {lang: _join(texts[lang], adverb[i]) for i, lang in enumerate(LANGS)}
            return texts, self.rng.choice("..!")
        if roll < 0.75:
            modal = self.rng.choice(_MODALS)
            en_modal = modal[0][0] if p != 2 else modal[0][1]
            if p == 0 and modal[0][0] == "are going to":
                en_modal = "am going to"
            texts = {"en": f"{en_subject} {en_modal} {token}",
                     "es": f"{es_subject} {_ES[modal[1]].present[p]}{modal[2]} {token}",
                     "fr": _join(fr_subject, _FR[modal[3]].present[p], modal[4], token)}
            return texts, self.rng.choice("..!")
        please = self.rng.choice([("", "", ""), ("please", "por favor,", "s'il te plaît,")])
        if self.rng.random() < 0.5:
            return {"en": _join(please[0], token), "es": _join(please[1], token), "fr": _join(please[2], token)}, "!"
        return ({"en": _join(please[0], "don't", token), "es": _join(please[1], "no", token),
                 "fr": _join(please[2], "ne", token, "pas")}, self.rng.choice("!."))

    # -- mixing ---------------------------------------------------------------------------------------
    TEMPLATES = (("statement", 25), ("phrase", 24), ("imperative", 9), ("copula", 8), ("identity", 5),
                 ("location", 7), ("numbers", 10), ("placeholders", 9), ("coordination", 3), ("fragment", 7),
                 ("vocative", 9), ("term_slots", 7))

    def sentence(self) -> dict[str, str]:
        names, weights = zip(*self.TEMPLATES)
        texts = getattr(self, self.rng.choices(names, weights)[0])()
        return self._ellipsis(texts)

    def _ellipsis(self, texts: dict[str, str]) -> dict[str, str]:
        """Subtitle fragments: '...and then' and 'so...'."""
        roll = self.rng.random()
        if roll < 0.05 and not texts["en"].startswith("..."):
            out = {}
            for lang, text in texts.items():
                out[lang] = "..." + _lower_first_word(text)
            return out
        if roll < 0.09 and texts["en"][-1:] in ".!" and not texts["en"].endswith("..."):
            out = {}
            for lang, text in texts.items():
                text = text.rstrip(".! ")
                if lang == "es" and text.startswith("¡"):
                    text = text[1:]
                out[lang] = text + "..."
            return out
        return texts


def _lexicon_words() -> frozenset[str]:
    words: set[str] = set()
    for row in PHRASES:
        for text in row.values():
            words.update(re.findall(r"[^\W\d_]+", text.lower()))
    for noun in NOUNS:
        words.update((noun.en, noun.en_pl, noun.es, noun.es_pl, noun.fr, noun.fr_pl))
    for adjective in ADJECTIVES:
        words.update((adjective.en, *adjective.es, *adjective.fr))
    for entry in _SUBJECT_PRONOUNS + [(w, "", "", 0, "") for w in ("there", "where", "it", "let's", "don't")]:
        words.update(w.lower() for w in entry[:3] if isinstance(w, str))
    for det in _DETERMINERS.values():
        words.update(w for w in (det[0], det[1], *det[2], *det[3]) if w)
    for verb in VERBS:
        words.update((verb.en.base, verb.en.third, verb.es.infinitive, *verb.es.present, *verb.es.preterite,
                      verb.es.imperative, verb.fr.infinitive, *verb.fr.present, verb.fr.imperative))
    words.update(("ningún", "ninguna", "hay", "il", "no", "ne", "dónde", "où", "bienvenue", "bienvenido",
                  "cuesta", "ça", "nos", "à", "c'est", "ce", "esto", "eso", "este", "esta", "ese", "esa"))
    return frozenset(words - {"I"} - {n.lower() for n, _ in NAMES})


LEXICON_WORDS = _lexicon_words()


def _lower_first_word(text: str) -> str:
    """Lower-case a sentence start for a '...' continuation, unless it is a name or 'I'."""
    match = re.search(r"[^\W\d_][\w']*", text)
    if match is None:
        return text
    word = match.group(0)
    head = re.split(r"'", word.lower())[0]
    if word == "I" or word.startswith("I'") or (head not in LEXICON_WORDS and word.lower() not in LEXICON_WORDS):
        return text
    return text[: match.start()] + word[:1].lower() + text[match.start() + 1:]


def canonical_phrases(source: str) -> list[dict[str, str]]:
    """The fixed phrases with one row per distinct ``source`` text (the first one wins).

    >>> [row["en"] for row in canonical_phrases("es") if row["es"] == "Gracias."]
    ['Thank you.']
    """
    seen: set[str] = set()
    rows = []
    for row in PHRASES:
        if row[source] not in seen:
            seen.add(row[source])
            rows.append(row)
    return rows


def generate_triples(count: int, seed: int, source: str | None = None, exclude=None) -> list[dict[str, str]]:
    """``count`` sentence triples ``{"en", "es", "fr"}``; the same seed gives the same list.

    ``exclude`` (a ``film_text.FilmText``) rejects every triple that clashes with a film line in any
    of its languages; the generator then draws again, so there are still ``count`` triples.
    """
    generator = Generator(seed, source)
    triples = []
    while len(triples) < count:
        triple = generator.sentence()
        if exclude is None or not any(exclude.clash(text) for text in triple.values()):
            triples.append(triple)
    return triples


def generate_corpus(source: str, target: str, count: int, seed: int, exclude=None) -> list[tuple[str, str]]:
    """``count`` (source, target) sentence pairs for a language pair among en, es, fr."""
    if source not in LANGS or target not in LANGS or source == target:
        raise ValueError(f"unsupported pair {source}->{target}; languages: {', '.join(LANGS)}")
    return [(t[source], t[target]) for t in generate_triples(count, seed, source, exclude)]


def phrase_pairs(source: str, target: str, exclude=None) -> list[tuple[str, str]]:
    """Every fixed phrase once (less those clashing with a film line), for the builder to add to any corpus."""
    return [(row[source], row[target]) for row in canonical_phrases(source)
            if exclude is None or not any(exclude.clash(text) for text in row.values())]


def _self_check() -> None:  # pragma: no cover - a debugging aid: python models/demo_corpus.py
    generator = Generator(1)
    for _ in range(40):
        t = generator.sentence()
        print(f"{t['en']}\n  es: {t['es']}\n  fr: {t['fr']}")


if __name__ == "__main__":  # pragma: no cover
    _self_check()
