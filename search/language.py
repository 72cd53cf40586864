"""Language tools for search: detection, Kazakh transliteration, keys and stems.

Pure Python and deterministic: no models, no network, no dictionaries beyond the
small word lists below. The search backends call these at index and at query
time, so that a Kazakh word typed in Cyrillic, in the 2021 Latin alphabet or in
the 2018 "acute" Latin alphabet finds the same documents.

Transliteration: Cyrillic -> Kazakh Latin (the alphabet of January 2021)
-----------------------------------------------------------------------
    А a   Ә ä   Б b   В v   Г g   Ғ ğ   Д d   Е e   Ж j   З z   И i   Й i
    К k   Қ q   Л l   М m   Н n   Ң ñ   О o   Ө ö   П p   Р r   С s   Т t
    У u   Ұ ū   Ү ü   Ф f   Х h   Һ h   Ч ç   Ш ş   Ы y   І ı
    capitals: И, Й -> İ (dotted); І -> I (plain, the capital of dotless ı)

In that alphabet І is the dotless ı, И and Й share the dotted i, and Ы is y
("бір" -> "bır", "кісі" -> "kısı", "сый" -> "syi", "әкімдік" -> "äkımdık"). (The
2019 draft had İ for І and I/ı for И, which is sometimes remembered as the 2021
one; the 2021 table swapped them.)

Letters found only in Russian loanwords have no Latin letter of their own; we
write them as:

    Ё io   Ц ts   Щ şş   Ъ (dropped)   Ь (dropped)   Э e   Ю iu   Я ia

(В, Ф, Х and Ч, also mostly in loanwords, keep v, f, h and ç from the table.)
A digraph follows its word's case: Я -> İa, but İA in all caps; Щ -> Şş / ŞŞ;
Ц -> Ts / TS.

Transliteration: Latin -> Cyrillic
----------------------------------
Both the 2021 alphabet and the 2018 acute one are read. The 2018 letters are

    á ә   ǵ ғ   ń ң   ó ө   ú ү   ý у   u ұ   y ы   ı и/й   i і
    sh ш   ch ч   ıa я   ıý ю   (capital I is І or И; there is no İ)

so i, ı and u mean different things in the two (2021: i = и/й, ı = і, u = у;
2018: i = і, ı = и/й, u = ұ). Each word is read in the alphabet its own letters
betray (2018: á ǵ ń ó ú ý sh ch; 2021: ä ğ ñ ö ş ç ū ü İ); a word with neither
is read in the alphabet most of the text uses, and in 2021's when nothing
tells. `variant=` forces one.

Round trips are exact for native Kazakh words and for most loanwords. By
design they are not for:
  * Һ, written h like Х, comes back as Х ("гауһар" -> "gauhar" -> "гаухар");
  * Ъ and Ь are dropped ("объект" -> "obekt" -> "обект");
  * Э comes back as Е ("экономика" -> "ekonomika" -> "економика");
  * ts is read as Ц only at the start of a word or before и ("цифрлық",
    "конференция"), otherwise as тс, because native Kazakh is full of тс
    ("айтса", "кетсін"): "процесс" -> "protsess" -> "протсесс";
  * i (и/й) is read as Й after a vowel and И elsewhere ("бойынша", "қиын"),
    which fails on a few loanwords ("героизм" -> "geroizm" -> "геройзм");
  * ia and io are я and ё at the start of a word or after a vowel, but иа and
    ио after a consonant, which is right for "материал", "медиа", "регион" and
    wrong for "Вячеслав" (-> "Виачеслав"); iu is always ю ("бюджет");
  * sh is always Ш, so Russian "сх" comes back as Ш ("схема" -> "шема").

The cross-script key
--------------------
`script_key` folds any Kazakh spelling to one lowercase ASCII form, so that the
Cyrillic, 2021 and 2018 spellings of a word collide. Cyrillic is transliterated
first, then:

    ä á -> a      ğ ǵ -> g      ñ ń -> n      ö ó -> o      ş -> sh   ç -> ch
    i ı y İ I -> i   (и й і ы, whichever alphabet assigned which)
    u ū ü ú ý -> u   (у ұ ү, and 2018 u = ұ, ý = у)

So "Қазақстан" = "Qazaqstan" -> "qazaqstan", "шешім" = "şeşım" = "sheshim" ->
"sheshim", "әкімдік" = "äkımdık" = "ákimdik" -> "akimdik". Ш and Ч fold to the
digraphs "sh" and "ch" rather than to "s" and "c": the 2018 alphabet already
spells them so, people typing without diacritics write them so, and С/Ш and
Ц/Ч stay apart. Қ stays "q" (both alphabets agree, and folding it to k would
merge қ/к words for nothing). Any other accent is removed (NFKD) and the
result lowercased, so the key is idempotent: script_key(script_key(x)) ==
script_key(x). Russian Cyrillic goes through the same table; that is fine,
because keys are only ever compared with keys. One exception to the table:
ё keys as "e", not "io", so that "прошел" finds "прошёл" on every backend (the
database backend folds it in its Russian stem too). The passport/English
romanisation ("Kazakhstan", "Zhambyl") is another system and does not collide.

Stemming
--------
A light stemmer strips suffixes from KAZAKH_SUFFIXES, the longest that leaves
at least MIN_STEM letters, for up to STEM_PASSES passes, then restores the
final voiceless consonant that a vowel-initial suffix voices
(министрлігі -> министрліг -> министрлік; кітабы -> кітап). Plural, possessive
and case suffixes are stripped, plus -дағы/-дегі, the participle -ған/-ген and
predicative endings. -ды/-ді/-ты/-ті are stripped only after a consonant and
-сы/-сі/-ны/-ні only after a vowel other than ы/і, as the grammar attaches them,
so that "қызметі" is қызмет + і and "облысы" is облыс + ы. Where the grammar
itself is ambiguous the stem is wrong: "кеңесі" (кеңес + і) stems like
"мәселесі" (мәселе + сі), to "кеңе"; "ауданы" to "ауда". Some suffixes listed in
grammars are left out on purpose, because each would eat the ends of common
stems:
  * bare -а/-е (dative after my/your): "хабарлама" would lose its last vowel;
  * bare -м/-ң and -ым/-ім/-ың/-ің (my/your, singular): -ым/-ім is also the
    deverbal noun ending of шешім, білім, бөлім, өнім, ұйым, which would merge
    with their verbs; press text rarely says "my"/"your" anyway;
  * bare -н, -на/-не, -нда/-нде (after a 3rd person possessive): they are
    listed joined with that possessive instead (-ын, -ына, -ында, -сына...),
    so "Астана" keeps its -на;
  * the adjectival -ғы/-гі/-қы/-кі ("жылғы"): after a voiced consonant it is
    the possessive, as in "жаңалығы" and "министрлігі", which matter more.
The stems are search keys, not dictionary forms: "Қазақстан" stems to
"қазақс" (its -тан looks like the ablative), as do all its inflected forms.
"""

import re
import unicodedata
from collections.abc import Iterable

__all__ = [
    "KAZAKH_STOP_WORDS",
    "KAZAKH_STOP_WORDS_KEY",
    "KAZAKH_SUFFIXES",
    "KAZAKH_SUFFIXES_KEY",
    "MIN_STEM",
    "STEM_PASSES",
    "analyse_key",
    "analyse_kk",
    "detect_language",
    "key_stem",
    "kk_stem",
    "kk_stem_filters",
    "kk_stem_regex",
    "kk_to_cyrillic",
    "kk_to_latin",
    "script_key",
]

_NFC = "NFC"

# Transliteration ----------------------------------------------------------------

_CYR_TO_LAT = {
    "а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d",
    "е": "e", "ё": "io", "ж": "j", "з": "z", "и": "i", "й": "i", "к": "k",
    "қ": "q", "л": "l", "м": "m", "н": "n", "ң": "ñ", "о": "o", "ө": "ö",
    "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "ū", "ү": "ü",
    "ф": "f", "х": "h", "һ": "h", "ц": "ts", "ч": "ç", "ш": "ş", "щ": "şş",
    "ъ": "", "ы": "y", "і": "ı", "ь": "", "э": "e", "ю": "iu", "я": "ia",
}  # fmt: skip

_CYR_VOWELS = frozenset("аәеёиоөуұүыіэюя")
_LATIN_VOWELS = frozenset("aäáeoöóuūüúýyıi")

# Latin letters read the same way in both alphabets.
_LAT_COMMON = {
    "a": "а", "ä": "ә", "á": "ә", "b": "б", "d": "д", "e": "е", "f": "ф",
    "g": "г", "ğ": "ғ", "ǵ": "ғ", "h": "х", "j": "ж", "k": "к", "l": "л",
    "m": "м", "n": "н", "ñ": "ң", "ń": "ң", "o": "о", "ö": "ө", "ó": "ө",
    "p": "п", "q": "қ", "r": "р", "s": "с", "ş": "ш", "ç": "ч", "t": "т",
    "ū": "ұ", "ü": "ү", "ú": "ү", "ý": "у", "v": "в", "y": "ы", "z": "з",
}  # fmt: skip
# The letters the two alphabets read differently. "и" stands for "и or й",
# decided by the letter before it.
_LAT_VARIANT = {
    "2021": {"i": "и", "ı": "і", "u": "у"},
    "2018": {"i": "і", "ı": "и", "u": "ұ"},
}
_LETTER_FOR_I = {"2021": "i", "2018": "ı"}  # the Latin letter for и
_MARKS_2018 = frozenset("áǵńóúý")
_MARKS_2021 = frozenset("äğñöşçūü")  # and the capital İ
_FRONT = frozenset("eäáöóüúi")
_BACK = frozenset("aoūuy")


def _is_lower(ch: str) -> bool:
    return ch.isalpha() and ch.islower()


def _is_upper(ch: str) -> bool:
    return ch.isalpha() and ch.isupper()


def _upper(latin: str) -> str:
    return latin.replace("i", "İ").upper()  # the capital of dotted i is İ


def kk_to_latin(text: str) -> str:
    """Kazakh (or Russian) Cyrillic in the 2021 Latin alphabet; case is kept.

    Characters outside the Cyrillic table are left as they are.
    """
    text = unicodedata.normalize(_NFC, text)
    out: list[str] = []
    for i, ch in enumerate(text):
        low = ch.lower()
        latin = _CYR_TO_LAT.get(low)
        if latin is None:
            out.append(ch)
        elif ch == low or len(latin) < 2:
            out.append(latin if ch == low else _upper(latin))
        else:
            before = text[i - 1] if i else ""
            after = text[i + 1] if i + 1 < len(text) else ""
            all_caps = _is_upper(after) or (_is_upper(before) and not _is_lower(after))
            out.append(_upper(latin) if all_caps else _upper(latin[0]) + latin[1:])
    return "".join(out)


def _variant_counts(word: str) -> tuple[int, int]:
    """How many letters of `word` belong only to the 2018 / only to the 2021 set."""
    low = word.lower()
    old = sum(ch.lower() in _MARKS_2018 for ch in word)
    old += low.count("sh") + low.count("ch")
    new = sum(ch.lower() in _MARKS_2021 for ch in word) + word.count("İ")
    return old, new


def _pick_variant(old: int, new: int, fallback: str) -> str:
    if old > new:
        return "2018"
    if new > old:
        return "2021"
    return fallback


def _lower_latin(word: str, variant: str) -> str:
    """`word` lowercased letter for letter, reading the capitals İ and I.

    İ is i. A plain I is the capital of ı in 2021 (І). In 2018 it is the capital
    of both i (І) and ı (И/Й), so the word's other vowels decide by vowel
    harmony, І when they cannot. Before a, o, u it starts я, ё, ю either way.
    """
    dotless = "ı"
    if variant == "2018":
        vowels = [ch.lower() for ch in word if ch != "I"]
        back = sum(ch in _BACK for ch in vowels)
        dotless = "ı" if back > sum(ch in _FRONT for ch in vowels) else "i"
    chars = []
    for i, ch in enumerate(word):
        if ch == "I":
            vowel_next = word[i + 1 : i + 2].lower() in ("a", "o", "u", "ý")
            chars.append(_LETTER_FOR_I[variant] if vowel_next else dotless)
        elif ch == "İ":
            chars.append("i")
        else:
            low = ch.lower()
            chars.append(low if len(low) == 1 else ch)
    return "".join(chars)


def _latin_word_to_cyrillic(word: str, variant: str) -> str:
    low = _lower_latin(word, variant)
    table = _LAT_VARIANT[variant]
    letter_for_i = _LETTER_FOR_I[variant]
    out: list[str] = []
    i, n = 0, len(low)
    while i < n:
        pair = low[i : i + 2]
        after_vowel = i == 0 or low[i - 1] in _LATIN_VOWELS
        starts_iotated = pair[:1] == letter_for_i
        if low.startswith("shsh", i):
            cyr, step = "щ", 4
        elif pair == "şş":
            cyr, step = "щ", 2
        elif pair == "sh":
            cyr, step = "ш", 2
        elif pair == "ch":
            cyr, step = "ч", 2
        elif pair == "ts" and (i == 0 or low[i + 2 : i + 3] == letter_for_i):
            cyr, step = "ц", 2
        elif starts_iotated and pair[1:] in ("u", "ý"):
            cyr, step = "ю", 2
        elif starts_iotated and pair[1:] == "a" and after_vowel:
            cyr, step = "я", 2
        elif starts_iotated and pair[1:] == "o" and after_vowel:
            cyr, step = "ё", 2
        else:
            cyr = _LAT_COMMON.get(low[i]) or table.get(low[i]) or word[i]
            step = 1
            if cyr == "и" and out and out[-1].lower() in _CYR_VOWELS:
                cyr = "й"
        if cyr != word[i] and word[i].isupper():
            cyr = cyr.upper()
        out.append(cyr)
        i += step
    return "".join(out)


_LATIN_WORD = re.compile(r"[^\W\d_]+")


def kk_to_cyrillic(text: str, *, variant: str | None = None) -> str:
    """Kazakh Latin (2021, or 2018 acute) in Cyrillic; best effort, case kept.

    `variant` ("2021" or "2018") forces one alphabet; by default each word is
    read in the alphabet its letters point to (see the module docstring).
    Characters that are not Kazakh Latin letters (c, w, x, é...) stay as they are.
    """
    if variant not in (None, "2021", "2018"):
        raise ValueError(f"unknown Kazakh Latin alphabet: {variant!r}")
    text = unicodedata.normalize(_NFC, text)
    words = list(_LATIN_WORD.finditer(text))
    old = new = 0
    for match in words:
        o, n = _variant_counts(match.group())
        old, new = old + o, new + n
    text_variant = variant or _pick_variant(old, new, "2021")
    out: list[str] = []
    last = 0
    for match in words:
        word = match.group()
        word_variant = variant or _pick_variant(*_variant_counts(word), text_variant)
        out.append(text[last : match.start()])
        out.append(_latin_word_to_cyrillic(word, word_variant))
        last = match.end()
    out.append(text[last:])
    return "".join(out)


# The cross-script key -------------------------------------------------------------

# Latin letters whose key is not simply the letter without its accent.
_KEY_LATIN = {
    "ı": "i", "y": "i", "Y": "i", "İ": "i",
    "ş": "sh", "Ş": "sh", "ç": "ch", "Ç": "ch", "ý": "u", "Ý": "u",
}  # fmt: skip


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(
        ch for ch in decomposed if unicodedata.category(ch) not in ("Mn", "Me")
    )


def _fold_latin(latin: str) -> str:
    return _strip_marks("".join(_KEY_LATIN.get(ch, ch) for ch in latin)).lower()


def _key_table() -> dict[int, str]:
    table = {ord(ch): key for ch, key in _KEY_LATIN.items()}
    for cyr, latin in _CYR_TO_LAT.items():
        table[ord(cyr)] = table[ord(cyr.upper())] = _fold_latin(latin)
    # Russian writes ё as е more often than not ("прошел" for "прошёл"), and
    # a reader types either: in the key they are one letter.
    table[ord("ё")] = table[ord("Ё")] = "e"
    return table


_KEY_TABLE = _key_table()


def script_key(text: str) -> str:
    """One lowercase ASCII spelling for Kazakh in any script (module docstring).

    Idempotent. Characters with no Latin reading (digits, CJK...) are kept,
    lowercased and without accents.
    """
    text = unicodedata.normalize(_NFC, text).translate(_KEY_TABLE)
    # Removing accents can reveal a letter of the table (ї -> і, ÿ -> y): translate
    # once more so that a second call finds nothing left to change.
    return _strip_marks(text).lower().translate(_KEY_TABLE)


# Stop words -----------------------------------------------------------------------

KAZAKH_STOP_WORDS = frozenset(
    """
    және мен бен пен да де та те әрі не немесе бірақ алайда дегенмен әйтпесе
    сондықтан себебі өйткені егер ал ма ме ба бе па пе ғой қой ғана қана тек
    тіпті әлі енді тағы сияқты секілді тәрізді үшін туралы бойынша арқылы
    дейін шейін кейін соң бері бірге қарай сайын гөрі жөнінде жайында қатысты
    байланысты сәйкес ол олар бұл осы сол мына міне мынау анау осындай сондай
    мұндай бұлар осылар солар оның бұның мұның осының соның олардың оны бұны
    мұны осыны соны оларды оған бұған осыған соған оларға онда мұнда осында
    сонда менің сенің біздің сіздің сен сіз біз сендер сіздер өз өзі өзін
    өзінің өздері кім қай қайда қашан қалай неге неше қандай қанша әр әрбір
    барлық бәрі бүкіл ешкім ештеңе ешқандай кейбір бір біреу еді екен емес
    бар жоқ керек тиіс деп деген дейді етіп етеді етті болып болды болады
    болған болса ең өте тым аса қазір
    """.split()
)
KAZAKH_STOP_WORDS_KEY = frozenset(script_key(word) for word in KAZAKH_STOP_WORDS)


# Stemming -------------------------------------------------------------------------

MIN_STEM = 3  # letters a stem keeps, at least
STEM_PASSES = 5  # plural + possessive + case + -дағы, and one to spare

# Some suffixes only follow one kind of letter, and stripping them anywhere else
# eats stems: accusative/past -ды/-ті follows a consonant (or у, и), so in
# "қызметі" the suffix is -і, not -ті; the possessive -сы (alone or before a
# case: -сында, -сынан...) and the accusative -ны follow a vowel other than ы, і
# (and у), so "облысы" is облыс + ы and "облысында" облыс + ында.
_BEFORE_CONSONANT = "бвгғджзйклмнңпрстфхһцчшщуи"
_BEFORE_VOWEL = "аәеёоөэюя"
_AFTER_CONSONANT = ("ды", "ді", "ты", "ті")
_AFTER_VOWEL = (
    "сындағы", "сіндегі", "сында", "сінде", "сынан", "сінен", "сына", "сіне",
    "сын", "сін", "сы", "сі", "ны", "ні",
)  # fmt: skip
_GENERAL = (
    "лар лер дар дер тар тер",  # plural
    "ы і ымыз іміз мыз міз ыңыз іңіз ңыз ңіз",  # possessive (and -сы above)
    "ның нің дың дің тың тің",  # genitive
    "ға ге қа ке ына іне",  # dative
    "ын ін",  # accusative after a possessive
    "да де та те ында інде",  # locative
    "дан ден тан тен нан нен ынан інен",  # ablative
    "мен бен пен",  # instrumental
    "дағы дегі тағы тегі ындағы індегі",  # attributive locative
    "ған ген қан кен",  # participle
    "мын мін пын пін бын бін сың сің сыз сіз пыз піз быз біз",  # predicative
)


def _longest_first(suffixes: Iterable[str]) -> tuple[str, ...]:
    unique = list(dict.fromkeys(suffixes))
    return tuple(sorted(unique, key=len, reverse=True))  # stable sort


_GENERAL_SUFFIXES = _longest_first(s for group in _GENERAL for s in group.split())
# Every suffix the stemmer strips, longest first.
KAZAKH_SUFFIXES = _longest_first(_GENERAL_SUFFIXES + _AFTER_CONSONANT + _AFTER_VOWEL)
KAZAKH_SUFFIXES_KEY = _longest_first(script_key(s) for s in KAZAKH_SUFFIXES)

# (letters the stem must end in, or "" for any; suffixes), in the order a pass
# tries them. No general suffix ends like a context one, so trying the context
# ones first still strips the longest suffix.
_KK_RULES = (
    (_BEFORE_CONSONANT, _AFTER_CONSONANT),
    (_BEFORE_VOWEL, _AFTER_VOWEL),
    ("", _GENERAL_SUFFIXES),
)
# The same in key form: у is "u", ы і и й are all "i" (a vowel), ә е о ө fold
# to "a e o". A general suffix whose key is also a context one's (сың and сын
# are both "sin") is left to the context rule.
_KEY_AFTER_CONSONANT = _longest_first(script_key(s) for s in _AFTER_CONSONANT)
_KEY_AFTER_VOWEL = _longest_first(script_key(s) for s in _AFTER_VOWEL)
_KEY_RULES = (
    ("bcdfghjklmnpqrstvwxzu", _KEY_AFTER_CONSONANT),
    ("aeo", _KEY_AFTER_VOWEL),
    (
        "",
        tuple(
            key
            for key in _longest_first(script_key(s) for s in _GENERAL_SUFFIXES)
            if key not in _KEY_AFTER_CONSONANT + _KEY_AFTER_VOWEL
        ),
    ),
)

# A vowel-initial suffix voices the consonant before it (министрлік ->
# министрлігі, кітап -> кітабы); the stem gets its voiceless consonant back. In
# the key г and ғ are both "g", so a final g, and q with it, become "k".
_DEVOICING = {"б": "п", "г": "к", "ғ": "қ"}
_DEVOICING_KEY = {"b": "p", "g": "k", "q": "k"}


def _rule_regex(before: str, suffixes: tuple[str, ...]) -> str:
    # A lazy stem anchored to a suffix at the end: the shortest stem of MIN_STEM
    # letters or more wins, i.e. the longest suffix that leaves one, whatever the
    # order of the alternatives. No look-around and no back-references, so Java
    # (Elasticsearch) and RE2 (osmem) read it as Python does. Group 1 is the stem.
    stem = f".{{{MIN_STEM - 1},}}?[{before}]" if before else f".{{{MIN_STEM},}}?"
    return f"^({stem})(?:{'|'.join(suffixes)})$"


def kk_stem_regex() -> str:
    """The general rule of one stemming pass, for `pattern_replace` with "$1".

    Group 1 is the stem: the longest of KAZAKH_SUFFIXES except -ды/-ті and the
    -сы/-ны family is stripped, if at least MIN_STEM letters remain. Those need
    a look at the letter before them, which RE2 cannot do in the same pattern,
    so a pass has two more rules before this one;
    `kk_stem_filters` lists every step of `kk_stem`.
    """
    return _rule_regex(*_KK_RULES[-1])


def _filters(rules, devoicing: dict[str, str]) -> list[tuple[str, str]]:
    one_pass = [(_rule_regex(before, suffixes), "$1") for before, suffixes in rules]
    final = [
        (f"^(.{{{MIN_STEM - 1},}}){voiced}$", f"$1{voiceless}")
        for voiced, voiceless in devoicing.items()
    ]
    return one_pass * STEM_PASSES + final


def kk_stem_filters() -> list[tuple[str, str]]:
    """`kk_stem` as (pattern, replacement) steps in Java/RE2 syntax.

    Applied in order to a lowercased word, one `pattern_replace` each, they give
    exactly `kk_stem`: STEM_PASSES passes of three suffix rules (after a
    consonant, after a vowel, anywhere), then one rule per voiced consonant. A
    rule that does not match leaves the word alone.
    """
    return _filters(_KK_RULES, _DEVOICING)


def _compile(rules) -> tuple[re.Pattern[str], ...]:
    return tuple(
        re.compile(_rule_regex(before, suffixes)) for before, suffixes in rules
    )


_KK_PATTERNS = _compile(_KK_RULES)
_KEY_PATTERNS = _compile(_KEY_RULES)


def _stem(word: str, patterns, devoicing: dict[str, str]) -> str:
    for _ in range(STEM_PASSES):
        before = word
        for pattern in patterns:
            match = pattern.match(word)
            if match:
                word = match.group(1)
        if word == before:
            break
    if len(word) >= MIN_STEM and word[-1] in devoicing:
        word = word[:-1] + devoicing[word[-1]]
    return word


def kk_stem(word: str) -> str:
    """The light stem of a Kazakh Cyrillic word, lowercased; see the module docstring.

    жаңалықтар -> жаңалық, министрлігінің -> министрлік, қызметі -> қызмет.
    """
    return _stem(_lower(word), _KK_PATTERNS, _DEVOICING)


def key_stem(key: str) -> str:
    """`kk_stem` for a script key, so stems agree across scripts.

    key_stem(script_key("әкімдіктерінің")) == key_stem(script_key("äkımdıkterınıñ"))
    """
    return _stem(key.lower(), _KEY_PATTERNS, _DEVOICING_KEY)


# Analysis -------------------------------------------------------------------------

_WORD = re.compile(r"\w+")


def _lower(text: str) -> str:
    # Python lowers İ to i plus a combining dot; Kazakh wants a plain i.
    return unicodedata.normalize(_NFC, text).replace("İ", "i").lower()


def analyse_kk(text: str) -> list[str]:
    """Kazakh Cyrillic terms: lowercase words, stop words dropped, stemmed."""
    return [
        kk_stem(word)
        for word in _WORD.findall(_lower(text))
        if word not in KAZAKH_STOP_WORDS
    ]


def analyse_key(text: str) -> list[str]:
    """Cross-script terms: script keys, key stop words dropped, stemmed."""
    return [
        key_stem(word)
        for word in _WORD.findall(script_key(text))
        if word not in KAZAKH_STOP_WORDS_KEY
    ]


# Language detection ---------------------------------------------------------------

_KK_LETTERS = frozenset("әғқңөұүһі")
_KK_LATIN_LETTERS = frozenset("äğıñöşçūüáǵńóúý")
_RU_LETTERS = frozenset("ёъьэщцчфв")
_RU_ENDINGS = (
    "ого", "его", "ому", "ему", "ыми", "ими", "ых", "ая", "яя", "ое", "ее", "ой",
    "ый", "ий", "ие", "ия", "ции", "ость", "ости", "ство", "ться", "ется", "ются",
    "ать", "ить",
)  # fmt: skip
_RU_WORDS = frozenset(
    """
    и в во на что с со по для как это от к о об из за у же так все всё его её ее
    она они он оно был была были было будет года году при также а но или который
    которые которая которого этого этом этой эти этот чтобы если уже только до
    после между под над через более может быть есть нет их них ним том своей
    свои ещё еще однако сегодня рамках заявил сообщает отметил
    """.split()
)
# Kazakh words spelt without a letter of Kazakh's own.
_KK_PLAIN_WORDS = frozenset(
    """
    туралы бойынша мен бен пен деп осы сол немесе сондай сонымен болып болды
    болады болса керек жатыр жыл жылы ол олар мына мынау сайын дейді деген екен
    емес еді етіп етеді етті ма ме ба бе па пе ал бар облыс облысы аудан ауданы
    азамат азаматтар мемлекет жоба жобасы жиналыс атап жасау жол жолы бола болу
    рахмет
    """.split()
)
_NEUTRAL_WORDS = frozenset("да не те та".split())  # as Russian as they are Kazakh
_KK_PLAIN_ENDINGS = (
    "лар", "лер", "дар", "дер", "тар", "тер", "лары", "дары", "тары",
    "дан", "ден", "нан", "нен", "мыз", "ымыз", "ына", "сына", "ында", "сында",
)  # fmt: skip
# Kazakh grammar that no Russian word ends in: the past tense, the verbal noun,
# and Kazakh case endings on loanwords in -ия ("аудиторияны", "комиссиясы").
_KK_STRONG_ENDINGS = (
    "лды", "рды", "тты", "пты", "мды", "еу", "ау", "уы",
    "ияны", "иясы", "ияда", "иядан", "иялар", "иямен",
)  # fmt: skip
_EN_WORDS = frozenset(
    """
    the and of to in is for on with that this by at from as are was be will has
    have had an a it its or not we our you your they their he she his her which
    who whom been were more also new about into after over than said can would
    there what when where all any one two other some such only most these those
    may should could must
    """.split()
)
# Kazakh keys that are also English words or names: no evidence either way.
_LATIN_AMBIGUOUS = frozenset(
    "men pen ben bar ten tag kim ban bad bed son mine tim ali sol mina bola sen".split()
)
# Frequent Kazakh words in key form, for Latin text typed without diacritics.
_KK_KEY_WORDS = frozenset(
    key
    for key in (
        script_key(word)
        for word in KAZAKH_STOP_WORDS
        | _KK_PLAIN_WORDS
        | frozenset(
            """
            қазақстан республикасы республикасының үкімет үкіметі министрлік
            министрлігі әкімдік әкімдігі әкім жаңалық жаңалықтар ақпарат
            баспасөз қызмет қызметі мемлекеттік бүгін биыл қала қаласы ел еліміз
            халық халқы жиын жиында өтті өтеді шешім мәселе қоғам өңір ұлттық
            рахмет
            """.split()
        )
    )
    if len(key) >= 3 and key not in _EN_WORDS | _LATIN_AMBIGUOUS
)
_SCAN_WORDS = 300  # enough to decide; keeps long bodies cheap


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u04ff"


def _is_latin(ch: str) -> bool:
    return ch.isascii() or "\u00c0" <= ch <= "\u024f"


def _looks_like_name(word: str, position: int) -> bool:
    """A capitalised word inside a text: likely a name, weak evidence of language."""
    return position > 0 and word[0].isupper() and not word.isupper()


def _cyrillic_vote(word: str, low: str, position: int) -> tuple[str, int]:
    if any(ch in _KK_LETTERS for ch in low):
        return "kk", 1 if _looks_like_name(word, position) else 3
    if low in _NEUTRAL_WORDS:
        return "kk", 0
    if low in _KK_PLAIN_WORDS:
        return "kk", 3
    if low in _RU_WORDS:
        return "ru", 3
    if low.endswith(_RU_ENDINGS):
        return "ru", 2
    if len(low) >= 4 and low.endswith(_KK_STRONG_ENDINGS):
        return "kk", 2  # Kazakh grammar outweighs the letters of a loanword
    if any(ch in _RU_LETTERS for ch in low):
        return "ru", 1  # also in Kazakh loanwords: форум, конференция
    if len(low) >= 5 and low.endswith(_KK_PLAIN_ENDINGS):
        return "kk", 1
    return "ru", 1


def _latin_vote(word: str, low: str, position: int) -> tuple[str, int]:
    name = _looks_like_name(word, position)
    if "İ" in word or any(ch in _KK_LATIN_LETTERS for ch in low):
        return "kk", 1 if name else 3
    if low in _EN_WORDS:
        return "en", 3
    if script_key(low) in _KK_KEY_WORDS:
        return "kk", 3
    if re.search(r"q(?!u)", low):
        return "kk", 1 if name else 2
    if re.search(r"[wx]|c(?!h)|th", low):
        return "en", 2
    return "en", 1


_LETTERS = re.compile(r"[^\W\d_]+")


def detect_language(text: str, default: str = "ru") -> str:
    """The language of `text`, "kk", "ru" or "en", by weighing each word's evidence.

    Kazakh letters (Cyrillic ә ғ қ ң ө ұ ү һ і, Latin ä ğ ı ñ ö ş ū ü and the 2018
    á ǵ ń ó ú ý) and frequent Kazakh words or endings vote for "kk"; Russian
    function words, letters and endings for "ru"; English words and letters for
    "en". A plain Cyrillic word leans Russian and a plain Latin word English. A
    capitalised word after the first counts little, being probably a name
    ("Тоқаев" in a Russian sentence). Text with no letters, or a tie involving
    `default`, gives `default`.
    """
    votes = {"kk": 0, "ru": 0, "en": 0}
    words = _LETTERS.findall(unicodedata.normalize(_NFC, text or ""))[:_SCAN_WORDS]
    for position, word in enumerate(words):
        low = word.replace("İ", "i").lower()
        if any(_is_cyrillic(ch) for ch in low):
            language, weight = _cyrillic_vote(word, low, position)
        elif all(_is_latin(ch) for ch in low):
            language, weight = _latin_vote(word, low, position)
        else:
            continue
        votes[language] += weight
    best = max(votes.values())
    if best == 0:
        return default
    leaders = [language for language, score in votes.items() if score == best]
    return default if default in leaders else leaders[0]
