"""Language tools for search: detection, transliteration, keys, stems, analysis.

Pure functions, no database. Kazakh Latin samples follow the published
alphabets: 2021 (І = ı, И/Й = i, Ы = y, Ш = ş) and 2018 (І = i, И/Й = ı, Ы = y,
У = ý, Ұ = u, Ш = sh).
"""

import itertools
import re
import sys

import pytest

from search.language import (
    KAZAKH_STOP_WORDS,
    KAZAKH_STOP_WORDS_KEY,
    KAZAKH_SUFFIXES,
    KAZAKH_SUFFIXES_KEY,
    MIN_STEM,
    STEM_PASSES,
    analyse_key,
    analyse_kk,
    detect_language,
    key_stem,
    kk_stem,
    kk_stem_filters,
    kk_stem_regex,
    kk_to_cyrillic,
    kk_to_latin,
    script_key,
)

# Detection ------------------------------------------------------------------------

KAZAKH_CYRILLIC = [
    "Бүгін Астанада баспасөз конференциясы өтті.",
    "Қазақстан Республикасы Үкіметінің отырысы өтті.",
    "Облыс әкімдігінің баспасөз қызметі хабарлама таратты.",
    "Министрлік жаңа бағдарлама туралы ақпарат берді.",
    "Мемлекеттік қызметшілерге арналған семинар 15 наурызда өтеді.",
    "Жиын барысында өңірдегі әлеуметтік ахуал талқыланды.",
    "Ұлттық құрылтайдың шешімдері ресми сайтта жарияланды.",
    "Бұл мәселе бойынша брифинг ертең сағат 11:00-де басталады.",
    "Президент Жарлығына сәйкес жаңа министрлік құрылды.",
    "ҚАЗАҚСТАН РЕСПУБЛИКАСЫНЫҢ АҚПАРАТ МИНИСТРЛІГІ",
    "Жаңалықтар",
    "Құттықтаймыз!",
    # No letter of Kazakh's own: the words and endings have to tell.
    "Жиын туралы",
    "Жоба бойынша",
    "Азаматтар назарына",
    "Осы жобаны мен де қолдаймын деп айтты",
    "Форум басталды",
    "Аудиторияны сегменттеу және тартымды визуалды, бейне контент",
    "Рахмет!",
]
KAZAKH_LATIN_2021 = [
    "Bügın Astanada baspasöz mäslihaty öttı.",
    "Qazaqstan Respublikasy Ükımetınıñ otyrysy öttı.",
    "Oblys äkımdıgınıñ baspasöz qyzmetı habarlama taratty.",
    "Ministrlık jaña bağdarlama turaly aqparat berdı.",
    "Jañalyqtar",
    "Ūlttyq qūryltai",
    "Qazaqstan jane Resei",  # typed without diacritics
    "Jiyn turaly",
    "Rahmet",
]
KAZAKH_LATIN_2018 = [
    "Búgin Astanada baspasóz máslıhaty ótti.",
    "Qazaqstan Respýblıkasy Úkimetiniń otyrysy ótti.",
    "Oblys ákimdiginiń baspasóz qyzmeti habarlama taratty.",
    "Bul másele boıynsha brıfıng erteń ótedi.",
    "Jıyn týraly",
    "jáne",
]
RUSSIAN = [
    "Сегодня в Астане прошла пресс-конференция.",
    "Правительство Республики Казахстан утвердило новую программу.",
    "Пресс-служба акимата области сообщает о проведении семинара.",
    "Министерство информации опубликовало официальное заявление.",
    "Президент Қасым-Жомарт Тоқаев провёл совещание по вопросам цифровизации.",
    "В Алматы состоялся брифинг для журналистов.",
    "Жители Шымкента обратились в акимат с жалобой.",
    "Депутаты Мажилиса одобрили законопроект во втором чтении.",
    "Казахстан и Россия подписали соглашение о сотрудничестве.",
    "ПРЕСС-СЛУЖБА МИНИСТЕРСТВА",
    # Names with Kazakh letters inside a Russian sentence count for little.
    "Указ подписал Тоқаев",
    "Брифинг Әлиханова, Тоқаева и Бекқожина",
    "Новости",
    "Объявление",
    "Спасибо!",
    "Аким города",
    "Слайды семинара",
]
ENGLISH = [
    "The ministry published a press release on Monday.",
    "Press service of the Akimat of Astana",
    "President Tokayev held a meeting on digitalisation.",
    "The government of Kazakhstan approved the new programme.",
    "Journalists can register for the briefing online.",
    "Qazaqstan's parliament adopted the law in its second reading.",
    "Welcome to the forum of press secretaries.",
    "Ministry of Information and Social Development",
    "News",
    "Press release",
    "Thank you!",
    "Contact us",
    "My son Tim met Ali",  # Kazakh keys too (соң, тым, әлі), but not evidence
]


@pytest.mark.parametrize("text", KAZAKH_CYRILLIC)
def test_kazakh_in_cyrillic_is_kazakh(text):
    assert detect_language(text) == "kk"


@pytest.mark.parametrize("text", KAZAKH_LATIN_2021 + KAZAKH_LATIN_2018)
def test_kazakh_in_either_latin_alphabet_is_kazakh(text):
    assert detect_language(text, default="en") == "kk"


@pytest.mark.parametrize("text", RUSSIAN)
def test_russian_is_russian_even_with_kazakh_names(text):
    assert detect_language(text, default="kk") == "ru"


@pytest.mark.parametrize("text", ENGLISH)
def test_english_is_english(text):
    assert detect_language(text) == "en"


@pytest.mark.parametrize("text", ["", "   ", "2024", "12.03.2025 — 15:00", "№ 5, 10%"])
@pytest.mark.parametrize("default", ["kk", "ru", "en"])
def test_text_without_letters_gets_the_default(text, default):
    assert detect_language(text, default=default) == default


def test_a_tie_goes_to_the_default():
    """Particles that are as Russian as they are Kazakh decide nothing."""
    assert detect_language("да не", default="kk") == "kk"
    assert detect_language("да не", default="ru") == "ru"


def test_detection_reads_a_long_text_quickly_and_the_same_way_twice():
    text = " ".join(KAZAKH_CYRILLIC) * 200
    assert detect_language(text) == detect_language(text) == "kk"


# Transliteration ------------------------------------------------------------------

# Native Kazakh words and the loanwords government text is full of: the round
# trip through the 2021 alphabet gives each back unchanged.
ROUND_TRIP = [
    "Қазақстан", "Астана", "Алматы", "әкімдік", "мемлекеттік", "ақпарат",
    "баспасөз", "хабарлама", "жаңалықтар", "үкімет", "министрлік", "қоғам",
    "өңір", "ұлттық", "шешім", "жиын", "бойынша", "туралы", "үшін", "және",
    "бағдарлама", "азаматтар", "қызмет", "облыс", "аудан", "ауыл", "жоба",
    "мәслихат", "депутат", "сайлау", "ұйым", "білім", "денсаулық", "ғылым",
    "мәдениет", "кәсіпкерлік", "өнеркәсіп", "құжат", "заң", "қаулы", "бұйрық",
    "дайындық", "әйел", "иә", "қиын", "аймақ", "биыл", "Тоқаев", "Президент",
    "Парламент", "Мәжіліс", "Сенат", "брифинг", "цифрлық", "конференция",
    "комиссия", "материал", "медиа", "регион", "бюджет", "Азия", "қиял", "аяқ",
    "кию", "сүю", "Юрий", "Ярмарка", "айтсын", "кетсе", "Щучинск", "ащы",
]  # fmt: skip


@pytest.mark.parametrize("word", ROUND_TRIP)
def test_cyrillic_to_latin_and_back_gives_the_word(word):
    assert kk_to_cyrillic(kk_to_latin(word)) == word
    assert kk_to_cyrillic(kk_to_latin(word.upper())) == word.upper()


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Қазақстан", "Qazaqstan"),
        ("әкімдік", "äkımdık"),
        ("шешім", "şeşım"),
        ("бойынша", "boiynşa"),
        ("жиын", "jiyn"),
        ("ұлттық", "ūlttyq"),
        ("үкімет", "ükımet"),
        ("өңір", "öñır"),
        ("жаңалықтар", "jañalyqtar"),
        ("хабарлама", "habarlama"),
        ("гауһар", "gauhar"),
        ("Республикасы", "Respublikasy"),
        ("цифрлық", "tsifrlyq"),
        ("чемпионат", "çempionat"),
        ("бюджет", "biudjet"),
        ("объект", "obekt"),
        ("экономика", "ekonomika"),
    ],
)
def test_cyrillic_follows_the_2021_table(cyrillic, latin):
    assert kk_to_latin(cyrillic) == latin


@pytest.mark.parametrize(
    ("cyrillic", "latin"),
    [
        ("Ішкі", "Işkı"),  # capital І is a plain I
        ("Ислам", "İslam"),  # capital И is a dotted İ
        ("ИӘ", "İÄ"),
        ("Ыдыс", "Ydys"),
        ("Ярмарка", "İarmarka"),
        ("ЯРМАРКА", "İARMARKA"),
        ("Щучинск", "Şşuçinsk"),
        ("ЩУЧИНСК", "ŞŞUÇİNSK"),
        ("Цесна", "Tsesna"),
        ("ЦЕСНА", "TSESNA"),
        ("Ц-2", "Ts-2"),
    ],
)
def test_capitals_and_digraphs_follow_the_word(cyrillic, latin):
    assert kk_to_latin(cyrillic) == latin
    assert kk_to_cyrillic(latin) == cyrillic


@pytest.mark.parametrize(
    ("word", "comes_back_as"),
    [
        ("гауһар", "гаухар"),  # Һ and Х are both h
        ("объект", "обект"),  # Ъ and Ь are dropped
        ("пьеса", "песа"),
        ("экономика", "економика"),  # Э is e
        ("процесс", "протсесс"),  # ts is Ц only first or before и
        ("героизм", "геройзм"),  # i after a vowel is Й
        ("Вячеслав", "Виачеслав"),  # ia after a consonant is иа
        ("схема", "шема"),  # sh is always Ш
    ],
)
def test_ambiguous_round_trips_give_the_documented_form(word, comes_back_as):
    assert kk_to_cyrillic(kk_to_latin(word)) == comes_back_as


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        (
            "Qazaqstan Respýblıkasynyń Prezıdenti",
            "Қазақстан Республикасының Президенті",
        ),
        ("jáne boıynsha týraly úshin", "және бойынша туралы үшін"),
        ("ákimdik sheshimi", "әкімдік шешімі"),
        ("Ishki ister mınıstrligi", "Ішкі істер министрлігі"),
        ("jıyn ótti", "жиын өтті"),
        ("ıaǵnı", "яғни"),
        ("Ulttyq sheshim", "Ұлттық шешім"),  # "Ulttyq" alone says nothing
    ],
)
def test_the_2018_acute_alphabet_is_read(latin, cyrillic):
    assert kk_to_cyrillic(latin) == cyrillic


def test_an_unmarked_word_is_read_in_the_alphabet_asked_for_or_2021():
    assert kk_to_cyrillic("ulttyq") == "улттық"  # 2021: u is у
    assert kk_to_cyrillic("ulttyq", variant="2018") == "ұлттық"  # 2018: u is ұ
    assert kk_to_cyrillic("bılım", variant="2021") == "білім"
    assert kk_to_cyrillic("bilim", variant="2018") == "білім"
    with pytest.raises(ValueError, match="alphabet"):
        kk_to_cyrillic("bilim", variant="2017")


def test_each_word_is_read_in_its_own_alphabet():
    mixed = "şeşım men sheshim"
    assert kk_to_cyrillic(mixed) == "шешім мен шешім"


def test_what_is_not_kazakh_is_left_alone():
    assert kk_to_latin("Wi-Fi 5G, №3 — «2024» 汉字 ☺") == "Wi-Fi 5G, №3 — «2024» 汉字 ☺"
    assert kk_to_cyrillic("www 2024 — «c» é 汉字") == "www 2024 — «c» é 汉字"
    assert kk_to_latin("") == kk_to_cyrillic("") == ""


def test_decomposed_letters_are_read_as_composed():
    decomposed = "и\u0306" + "е\u0308"  # й and ё typed as letter + mark
    assert kk_to_latin(decomposed) == "iio"


# The cross-script key -------------------------------------------------------------

# The same word in Cyrillic, 2021 Latin, 2018 Latin and as people type it.
SPELLINGS = [
    ("Қазақстан", "Qazaqstan", "Qazaqstan", "qazaqstan"),
    ("шешім", "şeşım", "sheshim", "sheshim"),
    ("әкімдік", "äkımdık", "ákimdik", "akimdik"),
    ("бойынша", "boiynşa", "boıynsha", "boiinsha"),
    ("туралы", "turaly", "týraly", "turali"),
    ("үшін", "üşın", "úshin", "ushin"),
    ("және", "jäne", "jáne", "jane"),
    ("ұлттық", "ūlttyq", "ulttyq", "ulttiq"),
    ("жаңалықтар", "jañalyqtar", "jańalyqtar", "janaliqtar"),
    ("мемлекеттік", "memlekettık", "memlekettik", "memlekettik"),
    ("өңір", "öñır", "óńir", "onir"),
    ("Үкіметінің", "Ükımetınıñ", "Úkimetiniń", "ukimetinin"),
    ("баспасөз", "baspasöz", "baspasóz", "baspasoz"),
    ("ғылым", "ğylym", "ǵylym", "gilim"),
    ("Президенті", "Prezidentı", "Prezıdenti", "prezidenti"),
    ("жиын", "jiyn", "jıyn", "jiin"),
    ("мәслихат", "mäslihat", "máslıhat", "maslihat"),
    ("ауыл", "auyl", "aýyl", "auil"),
    ("Ресей", "Resei", "Reseı", "resei"),
    ("яғни", "iağni", "ıaǵnı", "iagni"),
    ("чемпионат", "çempionat", "chempıonat", "chempionat"),
    ("щит", "şşit", "shshıt", "shshit"),
]


@pytest.mark.parametrize("spellings", SPELLINGS, ids=lambda s: s[3])
def test_every_spelling_of_a_word_has_one_key(spellings):
    cyrillic, latin_2021, latin_2018, key = spellings
    assert kk_to_latin(cyrillic) == latin_2021  # the sample is the real 2021 form
    assert {script_key(s) for s in spellings} == {key}
    assert script_key(cyrillic.upper()) == script_key(latin_2018.upper()) == key


def test_the_brief_s_spellings_share_a_key():
    """Spellings with ı for І and i for і both fold to "i"."""
    assert script_key("äkımdık") == script_key("äkimdik") == script_key("әкімдік")
    assert script_key("şeşim") == script_key("şeşım") == script_key("шешім")


@pytest.mark.parametrize(
    ("one", "other"),
    [("сас", "шаш"), ("цех", "чех"), ("қол", "кол"), ("жол", "зол")],
)
def test_the_key_keeps_apart_what_kazakh_keeps_apart(one, other):
    assert script_key(one) != script_key(other)


def test_the_key_is_lowercase_ascii_for_kazakh_and_russian():
    text = " ".join(s for row in SPELLINGS for s in row) + " Щётка Объявление ЭЮЯ"
    key = script_key(text)
    assert key.isascii() and key == key.lower()


def test_the_key_keeps_what_has_no_latin_reading():
    assert script_key("2024 汉字 ☺") == "2024 汉字 ☺"


@pytest.mark.parametrize(
    "text",
    [s for row in SPELLINGS for s in row]
    + ["Ї ї ÿ Ÿ İ ı ẞ ß ﬁ ℌ ǅ Ǆ Ω ᾼ ㎏", "Crème brûlée", "Ελληνικά ΣΊΣΥΦΟΣ"],
)
def test_the_key_is_idempotent(text):
    assert script_key(script_key(text)) == script_key(text)


def test_the_key_is_idempotent_for_every_character():
    """Every code point, alone: a fold that reveals a foldable letter is caught."""
    unstable = [
        hex(cp)
        for cp in range(sys.maxunicode + 1)
        if not 0xD800 <= cp <= 0xDFFF
        and script_key(script_key(chr(cp))) != script_key(chr(cp))
    ]
    assert unstable == []


# Stop words -----------------------------------------------------------------------


def test_stop_words_are_lowercase_kazakh_cyrillic_function_words():
    assert len(KAZAKH_STOP_WORDS) >= 100
    assert all(re.fullmatch(r"[а-яәғқңөұүһі]+", word) for word in KAZAKH_STOP_WORDS)
    assert {"және", "мен", "бен", "пен", "үшін", "туралы", "бойынша", "деп"} <= (
        KAZAKH_STOP_WORDS
    )
    assert not {"мемлекет", "шешім", "қызмет", "ақпарат"} & KAZAKH_STOP_WORDS


def test_key_stop_words_are_the_keys_of_the_stop_words():
    assert {script_key(word) for word in KAZAKH_STOP_WORDS} == KAZAKH_STOP_WORDS_KEY
    assert {"jane", "boiinsha", "turali", "ushin"} <= KAZAKH_STOP_WORDS_KEY


# Stemming -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        ("жаңалықтар", "жаңалық"),
        ("министрліктің", "министрлік"),
        ("әкімдіктерге", "әкімдік"),
        ("министрлігі", "министрлік"),  # г after a vowel suffix is к again
        ("жаңалығы", "жаңалық"),
        ("кітабы", "кітап"),
        ("қызметі", "қызмет"),  # -і, not -ті
        ("қызметті", "қызмет"),  # -ті after a consonant
        ("облысы", "облыс"),  # -ы, not -сы
        ("облысында", "облыс"),
        ("қаласы", "қала"),  # -сы after a vowel
        ("хабарламаны", "хабарлама"),
        ("облыстағы", "облыс"),
        ("азаматтарымыздың", "азамат"),
        ("Астанада", "астана"),
        ("оқуды", "оқу"),
        ("ЖАҢАЛЫҚТАР", "жаңалық"),
    ],
)
def test_kk_stem_strips_inflection(word, stem):
    assert kk_stem(word) == stem


@pytest.mark.parametrize(
    "word",
    ["хабарлама", "Астана", "шешім", "білім", "бөлім", "ұйым", "мемлекеттік", "жиын"],
)
def test_kk_stem_keeps_endings_that_belong_to_the_word(word):
    """No bare -а/-е, -на/-не, -ым/-ім: these words are their own stems."""
    assert kk_stem(word) == word.lower()


FORMS = [
    ["мемлекеттік", "мемлекеттіктің", "мемлекеттікке", "мемлекеттікті"],
    ["министрлік", "министрлігі", "министрліктің", "министрлікке", "министрліктер",
     "министрліктерінің", "министрлігінде", "министрлігін"],
    ["хабарлама", "хабарламалар", "хабарламаларының", "хабарламасы", "хабарламада",
     "хабарламаны"],
    ["Астана", "Астанада", "Астанаға", "Астананың", "Астанадағы", "Астанадан"],
    ["облыс", "облысы", "облыстың", "облыстары", "облыстағы", "облысында",
     "облысының", "облысынан", "облысты"],
    ["шешім", "шешімі", "шешімдер", "шешімдерінің", "шешімге", "шешімді"],
    ["қызмет", "қызметі", "қызметті", "қызметтің", "қызметтері", "қызметіне",
     "қызметінде", "қызметтерді"],
    ["қала", "қаласы", "қаланы", "қаласында", "қаласына", "қаласынан", "қалалар"],
    ["жаңалық", "жаңалықтар", "жаңалығы", "жаңалықтың", "жаңалыққа", "жаңалығын"],
    ["Қазақстан", "Қазақстанның", "Қазақстанда", "Қазақстанға", "Қазақстаннан"],
    ["азамат", "азаматтар", "азаматтарға", "азаматтарымыз", "азаматы"],
    ["қабылданған", "қабылданды", "қабылданғанын"],  # participle and past
]  # fmt: skip


@pytest.mark.parametrize("forms", FORMS, ids=lambda forms: forms[0])
def test_the_forms_of_a_word_share_a_stem(forms):
    assert len({kk_stem(word) for word in forms}) == 1


@pytest.mark.parametrize("forms", FORMS, ids=lambda forms: forms[0])
def test_the_forms_of_a_word_share_a_key_stem_in_every_script(forms):
    spellings = [
        *forms,
        *(kk_to_latin(word) for word in forms),
        *(script_key(word) for word in forms),
    ]
    assert len({key_stem(script_key(word)) for word in spellings}) == 1


def test_the_brief_s_example_collides_across_scripts():
    stems = {
        key_stem(script_key(word))
        for word in ("әкімдіктерінің", "äkımdıkterınıñ", "ákimdikteriniń")
    }
    assert stems == {"akimdik"}


def _all_words():
    """Every stem-ish string with every pair of suffixes, and the test words."""
    roots = ["а", "ал", "ала", "алма", "кіт", "кітап", "қызмет", "облыс", "қала"]
    ones = ["", *KAZAKH_SUFFIXES]
    words = {r + a + b for r in roots for a, b in itertools.product(ones, repeat=2)}
    words |= {w.lower() for forms in FORMS for w in forms} | set(ROUND_TRIP)
    words |= set(KAZAKH_SUFFIXES)
    return sorted(word.lower() for word in words)


def test_stemming_never_leaves_fewer_than_three_letters():
    for word in _all_words():
        assert len(kk_stem(word)) >= min(len(word), MIN_STEM), word
        key = script_key(word)
        assert len(key_stem(key)) >= min(len(key), MIN_STEM), word


def test_short_words_are_left_whole():
    for word in ["ел", "іс", "ат", "да", "ін"]:
        assert kk_stem(word) == word


def test_suffixes_are_listed_once_longest_first():
    for suffixes in (KAZAKH_SUFFIXES, KAZAKH_SUFFIXES_KEY):
        assert len(set(suffixes)) == len(suffixes)
        lengths = [len(s) for s in suffixes]
        assert lengths == sorted(lengths, reverse=True)
    assert set(KAZAKH_SUFFIXES_KEY) == {script_key(s) for s in KAZAKH_SUFFIXES}
    assert all(s.isascii() for s in KAZAKH_SUFFIXES_KEY)


def _reference_strip(word, suffixes):
    """One pass, written out: the longest suffix that leaves MIN_STEM letters."""
    for suffix in suffixes:  # longest first
        if word.endswith(suffix) and len(word) - len(suffix) >= MIN_STEM:
            return word[: -len(suffix)]
    return word


def _java_replacement(replacement):
    return replacement.replace("$1", r"\1")


def test_the_regex_strips_the_longest_suffix_that_leaves_a_stem():
    """The general rule; the suffixes that look at the letter before are not in it."""
    pattern = re.compile(kk_stem_regex())
    context = {"ды", "ді", "ты", "ті", "ны", "ні"} | {
        s + case
        for s in ("сы", "сі")
        for case in ("", "н", "на", "не", "нда", "нде", "нан", "нен", "ндағы", "ндегі")
    }
    general = tuple(s for s in KAZAKH_SUFFIXES if s not in context)
    assert len(general) == len(KAZAKH_SUFFIXES) - 18
    for word in _all_words():
        assert pattern.sub(r"\1", word) == _reference_strip(word, general), word


def test_the_regex_is_re2_and_java_syntax():
    """osmem (Go, RE2) and Elasticsearch (Java) both run these patterns."""
    for pattern, replacement in kk_stem_filters():
        assert not re.search(r"\(\?[=!<]|\\[1-9]", pattern), pattern
        assert pattern.startswith("^(") and pattern.endswith("$")
        assert replacement.startswith("$1")
    devoicing = {r for _, r in kk_stem_filters() if r != "$1"}
    assert devoicing == {"$1п", "$1к", "$1қ"}


def test_the_filters_reproduce_kk_stem():
    filters = [
        (re.compile(pattern), _java_replacement(replacement))
        for pattern, replacement in kk_stem_filters()
    ]
    assert len(filters) == 3 * STEM_PASSES + 3
    for word in _all_words():
        stemmed = word
        for pattern, replacement in filters:
            stemmed = pattern.sub(replacement, stemmed)
        assert stemmed == kk_stem(word), word


# Analysis -------------------------------------------------------------------------

SENTENCE = "Облыс әкімдігінің баспасөз қызметі жаңалықтар туралы хабарлама таратты."


def test_analyse_kk_lowercases_drops_stop_words_and_stems():
    assert analyse_kk(SENTENCE) == [
        "облыс", "әкімдік", "баспасөз", "қызмет", "жаңалық", "хабарлама", "тарат",
    ]  # fmt: skip
    assert analyse_kk("және мен үшін") == []


def test_analyse_key_gives_the_same_terms_for_every_script():
    latin_2021 = (
        "Oblys äkımdıgınıñ baspasöz qyzmetı jañalyqtar turaly habarlama taratty."
    )
    latin_2018 = (
        "Oblys ákimdiginiń baspasóz qyzmeti jańalyqtar týraly habarlama taratty."
    )
    terms = ["oblis", "akimdik", "baspasoz", "qizmet", "janalik", "habarlama", "tarat"]
    assert kk_to_latin(SENTENCE) == latin_2021
    assert analyse_key(SENTENCE) == analyse_key(latin_2021) == terms
    assert analyse_key(latin_2018) == analyse_key(latin_2018.upper()) == terms


def test_a_query_in_one_script_finds_a_document_in_the_other():
    document = set(analyse_key("Министрліктің шешімдері Астанада жарияланды"))
    for query in ("ministrlik sheshim", "Ministrlıgı şeşımı", "mınıstrlik sheshimi"):
        assert set(analyse_key(query)) <= document, query
