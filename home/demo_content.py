"""The words of the demo content, in Kazakh, Russian and English.

`manage.py load_demo` builds pages from these. They are kept apart from the
command so that the content reads as content and the command as code.
"""

import datetime

SEMINAR_START = datetime.date(2026, 10, 14)
# Where the seminar is discussed (forum/management/demo.py makes it), and its
# pinned topic about the workbook.
FOLLOW_UP_CATEGORY = "seminar-follow-up"
WORKBOOK_TOPIC = "Вопросы по рабочей тетради после семинара"
SEMINAR_END = datetime.date(2026, 10, 15)

HOME = {
    "kk": {
        "title": "Стратегиялық цифрлық коммуникация форумы",
        "introduction": (
            "Мемлекеттік органдардың баспасөз қызметтеріне арналған алаң: тәжірибе "
            "алмасу, пікір білдіру және стратегиялық цифрлық коммуникация туралы "
            "білімді бір жерде жинау."
        ),
    },
    "ru": {
        "title": "Форум стратегических цифровых коммуникаций",
        "introduction": (
            "Площадка для пресс-служб государственных органов: обмен практикой, "
            "мнениями и знаниями о стратегических цифровых коммуникациях в одном месте."
        ),
    },
    "en": {
        "title": "Strategic Digital Communication Forum",
        "introduction": (
            "A place for the press services of government bodies to exchange "
            "practice, opinions and knowledge on strategic digital communication."
        ),
    },
}

SEMINAR_INDEX = {
    "kk": {
        "title": "Семинарлар",
        "introduction": "Баспасөз қызметтеріне арналған семинарлар, олардың бағдарламасы мен материалдары.",
    },
    "ru": {
        "title": "Семинары",
        "introduction": "Семинары для пресс-служб: программы, спикеры и материалы.",
    },
    "en": {
        "title": "Seminars",
        "introduction": "Seminars for press services: agendas, speakers and materials.",
    },
}

NEWS_INDEX = {
    "kk": {
        "title": "Жаңалықтар",
        "introduction": "Форум мен семинарлар туралы жаңалықтар.",
    },
    "ru": {"title": "Новости", "introduction": "Новости форума и семинаров."},
    "en": {"title": "News", "introduction": "News from the forum and the seminars."},
}

ORGANISERS = {
    "kk": [
        (
            "Мемлекеттік қызмет саласындағы өңірлік хаб",
            "https://www.astanacivilservicehub.org/",
        ),
        ("Қазақстан Республикасы Ақпарат және коммуникациялар министрлігі", ""),
    ],
    "ru": [
        (
            "Региональный хаб в сфере государственной службы",
            "https://www.astanacivilservicehub.org/",
        ),
        ("Министерство информации и коммуникаций Республики Казахстан", ""),
    ],
    "en": [
        ("Regional Hub of Civil Service", "https://www.astanacivilservicehub.org/"),
        ("Ministry of Information and Communication of the Republic of Kazakhstan", ""),
    ],
}

SPEAKERS = [
    {
        "key": "cepsm",
        "kk": {
            "name": "CEPSM кеңесшісі",
            "role": "Мемлекеттік сектордағы маркетинг жөніндегі кеңесші",
            "organisation": "Мемлекеттік сектордағы маркетинг орталығы (CEPSM, Канада)",
        },
        "ru": {
            "name": "Консультант CEPSM",
            "role": "Консультант по маркетингу в государственном секторе",
            "organisation": "Центр передового опыта в маркетинге государственного сектора (CEPSM, Канада)",
        },
        "en": {
            "name": "CEPSM consultant",
            "role": "Public-sector marketing consultant",
            "organisation": "Center of Excellence for Public Sector Marketing (CEPSM, Canada)",
        },
    },
    {
        "key": "hub",
        "kk": {
            "name": "Хаб модераторы",
            "role": "Семинар модераторы",
            "organisation": "Мемлекеттік қызмет саласындағы өңірлік хаб",
        },
        "ru": {
            "name": "Модератор хаба",
            "role": "Модератор семинара",
            "organisation": "Региональный хаб в сфере государственной службы",
        },
        "en": {
            "name": "Hub moderator",
            "role": "Seminar moderator",
            "organisation": "Regional Hub of Civil Service",
        },
    },
]

# (start, end, speaker keys, {lang: (title, description)})
AGENDA = [
    (
        "09:30",
        "10:00",
        [],
        {
            "kk": ("Тіркеу және қарсы алу", ""),
            "ru": ("Регистрация и приветственный кофе", ""),
            "en": ("Registration and welcome coffee", ""),
        },
    ),
    (
        "10:00",
        "10:20",
        ["hub"],
        {
            "kk": (
                "Ашылу сөзі",
                "Хаб пен министрлік өкілдерінің құттықтауы, семинардың мақсаттары.",
            ),
            "ru": ("Открытие", "Приветствие хаба и министерства, цели семинара."),
            "en": (
                "Opening",
                "Welcome from the Hub and the Ministry; what the seminar sets out to do.",
            ),
        },
    ),
    (
        "10:20",
        "11:30",
        ["cepsm"],
        {
            "kk": (
                "Мемлекеттік сектордағы әлеуметтік желі трендтері және цифрлық стратегиялар",
                "Азаматтар ақпаратты қайдан алады, алгоритмдер не өзгертті және мемлекеттік орган өз стратегиясын қалай құрады.",
            ),
            "ru": (
                "Тренды социальных сетей в госсекторе и цифровые стратегии",
                "Где граждане получают информацию, что изменили алгоритмы и как госоргану выстроить свою стратегию.",
            ),
            "en": (
                "Social-media trends in the public sector and digital strategies",
                "Where citizens get their information, what the algorithms changed, and how a government body builds its strategy.",
            ),
        },
    ),
    (
        "11:30",
        "11:45",
        [],
        {
            "kk": ("Кофе-брейк", ""),
            "ru": ("Кофе-брейк", ""),
            "en": ("Coffee break", ""),
        },
    ),
    (
        "11:45",
        "13:00",
        ["cepsm"],
        {
            "kk": (
                "Аудиторияны сегменттеу және тартымды визуалды, бейне контент",
                "Бір хабарды әртүрлі аудиторияға бейімдеу; қысқа бейне, инфографика және субтитрлер.",
            ),
            "ru": (
                "Сегментация аудитории и вовлекающий визуальный и видеоконтент",
                "Как адаптировать одно сообщение для разных аудиторий; короткое видео, инфографика и субтитры.",
            ),
            "en": (
                "Audience differentiation and engaging visual and video content",
                "Adapting one message for different audiences; short video, infographics and subtitles.",
            ),
        },
    ),
    (
        "13:00",
        "14:00",
        [],
        {
            "kk": ("Түскі ас", ""),
            "ru": ("Обед", ""),
            "en": ("Lunch", ""),
        },
    ),
    (
        "14:00",
        "15:15",
        ["cepsm"],
        {
            "kk": (
                "Екі және үш тілдегі контентті басқару және тәуекелдерді басқару",
                "Қазақ, орыс және ағылшын тілдеріндегі жарияланымдарды жоспарлау, аударма сапасы және дағдарыстық жағдайлар.",
            ),
            "ru": (
                "Управление двуязычным и трёхъязычным контентом и управление рисками",
                "Планирование публикаций на казахском, русском и английском, качество перевода и кризисные ситуации.",
            ),
            "en": (
                "Bilingual and trilingual content management, and risk management",
                "Planning posts in Kazakh, Russian and English, translation quality, and handling a crisis.",
            ),
        },
    ),
    (
        "15:30",
        "16:30",
        ["cepsm"],
        {
            "kk": (
                "Әлеуметтік желі деректерін мониторингтеу және талдау",
                "Қандай көрсеткіштер маңызды, есепті қалай құру керек және деректерден қандай шешім шығару керек.",
            ),
            "ru": (
                "Мониторинг и анализ данных социальных сетей",
                "Какие метрики важны, как построить отчёт и какие решения принимать на основе данных.",
            ),
            "en": (
                "Monitoring and analysing social-media data",
                "Which metrics matter, how to build a report, and which decisions to take from the data.",
            ),
        },
    ),
    (
        "16:30",
        "17:30",
        ["cepsm", "hub"],
        {
            "kk": (
                "Практикалық жұмыс: «Strategic Social Media Engagement Workbook»",
                "Қатысушылар өз органының әлеуметтік желідегі стратегиясының жобасын топпен әзірлейді.",
            ),
            "ru": (
                "Практикум: «Strategic Social Media Engagement Workbook»",
                "Участники в группах готовят набросок стратегии в социальных сетях для своего органа.",
            ),
            "en": (
                "Hands-on session: the Strategic Social Media Engagement Workbook",
                "In groups, participants draft a social-media strategy for their own body.",
            ),
        },
    ),
]

SEMINAR = {
    "kk": {
        "title": "Мемлекеттік органдардың баспасөз қызметтеріне арналған стратегиялық цифрлық коммуникациялар",
        "venue": "Мемлекеттік қызмет саласындағы өңірлік хаб",
        "city": "Астана",
        "summary": (
            "Астанадағы екі күндік семинар: әлеуметтік желілердегі трендтер, аудиторияны "
            "сегменттеу, үш тілдегі контент, тәуекелдер және деректерді талдау. "
            "Семинарды Мемлекеттік қызмет саласындағы өңірлік хаб Ақпарат және "
            "коммуникациялар министрлігімен бірлесіп ұйымдастырды."
        ),
        "description": (
            "<p>Семинарды Канададағы Мемлекеттік сектордағы маркетинг орталығының "
            "(CEPSM) кеңесшісі жүргізді. Қатысушылар — орталық және жергілікті "
            "мемлекеттік органдардың баспасөз хатшылары мен SMM мамандары.</p>"
        ),
        "outcomes": (
            "<p>Әр топ өз органы үшін әлеуметтік желідегі стратегияның жобасын дайындады. "
            "Қатысушылар тәжірибе алмасуды осы форумда жалғастыруға келісті: "
            "«Семинардан кейін» санатына сұрақтарыңызды қалдырыңыз.</p>"
        ),
        "workbook_title": "Strategic Social Media Engagement Workbook",
        "workbook_description": "Практикалық жұмысқа арналған жұмыс дәптері (ағылшын тілінде).",
        "slides_title": "Семинар слайдтары",
        "slides_description": "Төрт сессияның негізгі слайдтары.",
        "image_caption": "Астанадағы семинар",
    },
    "ru": {
        "title": "Стратегические цифровые коммуникации для пресс-служб государственных органов",
        "venue": "Региональный хаб в сфере государственной службы",
        "city": "Астана",
        "summary": (
            "Двухдневный семинар в Астане: тренды социальных сетей, сегментация аудитории, "
            "трёхъязычный контент, риски и анализ данных. Семинар организовал "
            "Региональный хаб в сфере государственной службы совместно с Министерством "
            "информации и коммуникаций."
        ),
        "description": (
            "<p>Семинар провёл консультант канадского Центра передового опыта в маркетинге "
            "государственного сектора (CEPSM). Участники — пресс-секретари и "
            "SMM-специалисты центральных и местных государственных органов.</p>"
        ),
        "outcomes": (
            "<p>Каждая группа подготовила набросок стратегии в социальных сетях для своего "
            "органа. Участники договорились продолжить обмен опытом на этом форуме: "
            "задавайте вопросы в категории «После семинара».</p>"
        ),
        "workbook_title": "Strategic Social Media Engagement Workbook",
        "workbook_description": "Рабочая тетрадь для практикума (на английском языке).",
        "slides_title": "Слайды семинара",
        "slides_description": "Основные слайды четырёх сессий.",
        "image_caption": "Семинар в Астане",
    },
    "en": {
        "title": "Strategic digital communications for press services of government bodies",
        "venue": "Regional Hub of Civil Service",
        "city": "Astana",
        "summary": (
            "A two-day seminar in Astana on social-media trends, audience "
            "differentiation, trilingual content, risk and data analysis, organised by "
            "the Regional Hub of Civil Service together with the Ministry of Information "
            "and Communication."
        ),
        "description": (
            "<p>The seminar was led by a consultant from the Center of Excellence for "
            "Public Sector Marketing (CEPSM, Canada). Participants were press secretaries "
            "and social-media specialists of central and local government bodies.</p>"
        ),
        "outcomes": (
            "<p>Each group drafted a social-media strategy for its own body. Participants "
            "agreed to carry on exchanging practice on this forum: ask your questions in "
            "the Seminar follow-up category.</p>"
        ),
        "workbook_title": "Strategic Social Media Engagement Workbook",
        "workbook_description": "The workbook used in the hands-on session (in English).",
        "slides_title": "Seminar slides",
        "slides_description": "The main slides of the four sessions.",
        "image_caption": "The seminar in Astana",
    },
}

NEWS = {
    "slug": "press-services-seminar-astana",
    "date": datetime.date(2026, 10, 16),
    # Each language version has tags in its own language.
    "tags": {
        "kk": ["семинар", "әлеуметтік-желілер", "астана"],
        "ru": ["семинар", "соцсети", "астана"],
        "en": ["seminar", "social-media", "astana"],
    },
    "kk": {
        "title": "Астанада баспасөз қызметтеріне арналған цифрлық коммуникация семинары өтті",
        "summary": (
            "Мемлекеттік органдардың баспасөз қызметтері екі күн бойы әлеуметтік "
            "желілердегі стратегия, үш тілдегі контент және деректерді талдау "
            "бойынша білімін шыңдады."
        ),
        "body": [
            (
                "<p>14–15 қазанда Астанада Мемлекеттік қызмет саласындағы өңірлік хаб "
                "Ақпарат және коммуникациялар министрлігімен бірлесіп стратегиялық "
                "цифрлық коммуникациялар бойынша семинар өткізді. Канадалық CEPSM "
                "орталығының кеңесшісі мемлекеттік сектордағы әлеуметтік желі "
                "трендтері мен цифрлық стратегиялар туралы айтып берді.</p>"
            ),
            (
                "<p>Қатысушылар аудиторияны сегменттеуді, тартымды визуалды және бейне "
                "контент жасауды, екі және үш тілдегі контентті басқаруды, сондай-ақ "
                "әлеуметтік желі деректерін мониторингтеу мен талдауды талқылады. "
                "Практикалық бөлімде «Strategic Social Media Engagement Workbook» жұмыс "
                "дәптерімен жұмыс істеді.</p>"
            ),
        ],
        "quote": "Мемлекеттік органның сөзі азаматқа өз тілінде, өз арнасында жетуі тиіс.",
        "quote_attribution": "Семинар қатысушысы",
    },
    "ru": {
        "title": "В Астане прошёл семинар по цифровым коммуникациям для пресс-служб",
        "summary": (
            "Пресс-службы государственных органов два дня разбирали стратегию в "
            "социальных сетях, трёхъязычный контент и анализ данных."
        ),
        "body": [
            (
                "<p>14–15 октября в Астане Региональный хаб в сфере государственной службы "
                "совместно с Министерством информации и коммуникаций провёл семинар по "
                "стратегическим цифровым коммуникациям. Консультант канадского центра "
                "CEPSM рассказал о трендах социальных сетей в госсекторе и цифровых "
                "стратегиях.</p>"
            ),
            (
                "<p>Участники обсудили сегментацию аудитории, вовлекающий визуальный и "
                "видеоконтент, управление двуязычным и трёхъязычным контентом, а также "
                "мониторинг и анализ данных социальных сетей. Практическая часть прошла "
                "по рабочей тетради «Strategic Social Media Engagement Workbook».</p>"
            ),
        ],
        "quote": "Слово госоргана должно дойти до гражданина на его языке и в его канале.",
        "quote_attribution": "Участник семинара",
    },
    "en": {
        "title": "Press services trained in digital communication at a seminar in Astana",
        "summary": (
            "For two days, press services of government bodies worked on social-media "
            "strategy, trilingual content and data analysis."
        ),
        "body": [
            (
                "<p>On 14–15 October the Regional Hub of Civil Service, together with the "
                "Ministry of Information and Communication, held a seminar in Astana on "
                "strategic digital communications. A consultant from Canada's CEPSM "
                "presented social-media trends in the public sector and digital "
                "strategies.</p>"
            ),
            (
                "<p>Participants discussed audience differentiation, engaging visual and "
                "video content, managing bilingual and trilingual content, and monitoring "
                "and analysing social-media data. The hands-on part used the Strategic "
                "Social Media Engagement Workbook.</p>"
            ),
        ],
        "quote": "A government body's word must reach citizens in their language, on their channel.",
        "quote_attribution": "A seminar participant",
    },
}

# Text for the two demo PDFs. They are generated, not shipped, and use only Latin
# script because the generator embeds no font.
WORKBOOK_PAGES = [
    [
        "Strategic Social Media Engagement Workbook",
        "Seminar for press services of government bodies, Astana",
        "",
        "1. Who is your audience? List three groups and what each needs from you.",
        "2. Which channels does each group use? Rank them.",
        "3. Write one message three ways: for citizens, for journalists, for partners.",
    ],
    [
        "4. Languages: which posts go out in Kazakh, Russian and English, and who checks them?",
        "5. Risks: name two things that could go wrong this month and your first reply.",
        "6. Metrics: choose three numbers you will report every week.",
        "7. Your next step: one change you will make within thirty days.",
    ],
]

SLIDES_PAGES = [
    ["Strategic digital communications", "Social-media trends in the public sector"],
    ["Audience differentiation", "Visual and video content that engages"],
    ["Bilingual and trilingual content", "Risk management"],
    ["Monitoring and analysing social-media data", "From numbers to decisions"],
]

WORKFLOW_NAME = "News review"
WORKFLOW_TASK_NAME = "Approval by a moderator"

PRACTICE_INDEX = {
    "kk": {
        "title": "Тәжірибелер кітапханасы",
        "introduction": (
            "Форумда шешілген сұрақтардан жинақталған тәжірибелер: мәселе, "
            "жағдай және не көмектесті."
        ),
    },
    "ru": {
        "title": "Библиотека практик",
        "introduction": (
            "Практики, собранные из решённых вопросов форума: проблема, "
            "контекст и что сработало."
        ),
    },
    "en": {
        "title": "Practices library",
        "introduction": (
            "Practices gathered from solved forum questions: the problem, its "
            "context and what worked."
        ),
    },
}

# The solved demo topic (forum/management/demo.py) as a published practice.
PRACTICE_TOPIC = "Үш тілде жариялау: аударманы кім тексереді?"
PRACTICE = {
    "slug": "who-checks-translations",
    "tags": ["translation"],
    "kk": {
        "title": "Үш тілде жариялағанда аударманы кім тексереді",
        "problem": (
            "<p>Жаңалық алдымен орыс тілінде жазылып, содан кейін қазақ және "
            "ағылшын тілдеріне аударылады; аударманы тексеретін бөлек адам жоқ.</p>"
        ),
        "background": (
            "<p>Шағын баспасөз қызметі, күніне бірнеше жаңалық, үш тілде бір "
            "уақытта жариялау талабы.</p>"
        ),
        "what_worked": (
            "<ul><li>Мәтінді бірден қазақ тілінде жазу.</li>"
            "<li>Екі тілде соңғы оқуды бір адамға бекіту.</li>"
            "<li>Ортақ глоссарий жүргізу.</li></ul>"
        ),
        "answer": (
            "<p>Бізде де солай еді. Енді мәтінді бірден қазақ тілінде жазамыз, "
            "ал модератор екі тілде соңғы оқуды жасайды. Глоссарий көп көмектеседі.</p>"
        ),
    },
    "ru": {
        "title": "Кто проверяет перевод при публикации на трёх языках",
        "problem": (
            "<p>Новость сначала пишется на русском, затем переводится на казахский "
            "и английский; отдельного человека для проверки перевода нет.</p>"
        ),
        "background": (
            "<p>Небольшая пресс-служба, несколько новостей в день, требование "
            "публиковать на трёх языках одновременно.</p>"
        ),
        "what_worked": (
            "<ul><li>Писать текст сразу на казахском.</li>"
            "<li>Закрепить финальную вычитку на двух языках за одним человеком.</li>"
            "<li>Вести общий глоссарий.</li></ul>"
        ),
        "answer": (
            "<p>У нас было так же. Теперь мы пишем текст сразу на казахском, а "
            "модератор делает финальную вычитку на двух языках. Глоссарий очень "
            "помогает.</p>"
        ),
    },
    "en": {
        "title": "Who checks the translation when you publish in three languages",
        "problem": (
            "<p>News is written in Russian first and then translated into Kazakh "
            "and English; nobody is assigned to check the translation.</p>"
        ),
        "background": (
            "<p>A small press service, several news items a day, and the rule "
            "to publish in three languages at once.</p>"
        ),
        "what_worked": (
            "<ul><li>Write the text in Kazakh from the start.</li>"
            "<li>Give the final read in both other languages to one person.</li>"
            "<li>Keep a shared glossary.</li></ul>"
        ),
        "answer": (
            "<p>It was the same for us. Now we write the text in Kazakh from the "
            "start, and the moderator does the final read in both languages. The "
            "glossary helps a lot.</p>"
        ),
    },
}

# A second seminar, still to come: it opens this many days after the demo is
# loaded, so that the site always shows one upcoming seminar.
UPCOMING_IN_DAYS = 45
UPCOMING = {
    "slug": "crisis-communication-workshop",
    "kk": {
        "title": "Әлеуметтік желілердегі дағдарыстық коммуникация: практикалық семинар",
        "venue": "Мемлекеттік қызмет саласындағы өңірлік хаб",
        "city": "Астана",
        "summary": (
            "Бір күндік практикалық семинар: дағдарыс кезіндегі алғашқы сағат, "
            "жалған ақпаратқа жауап беру және үш тілде хабарлама дайындау."
        ),
        "description": (
            "<p>Қатысушылар нақты жағдайлар бойынша жаттығады: алғашқы "
            "хабарламаны дайындау, сұрақтарға жауап беру кестесі және "
            "басшылыққа есеп беру.</p>"
        ),
        "sessions": [
            ("Дағдарыстың алғашқы сағаты", "Кім не айтады және қашан."),
            ("Жалған ақпаратқа жауап", "Тексеру, жауап беру немесе үнсіз қалу."),
            ("Үш тілдегі хабарлама", "Бір уақытта, бір мағынада."),
        ],
    },
    "ru": {
        "title": "Кризисные коммуникации в социальных сетях: практический семинар",
        "venue": "Региональный хаб в сфере государственной службы",
        "city": "Астана",
        "summary": (
            "Однодневный практический семинар: первый час кризиса, ответ на "
            "ложную информацию и сообщение на трёх языках."
        ),
        "description": (
            "<p>Участники отрабатывают реальные ситуации: первое сообщение, "
            "график ответов на вопросы и отчёт руководству.</p>"
        ),
        "sessions": [
            ("Первый час кризиса", "Кто что говорит и когда."),
            ("Ответ на ложную информацию", "Проверить, ответить или промолчать."),
            ("Сообщение на трёх языках", "Одновременно и одним смыслом."),
        ],
    },
    "en": {
        "title": "Crisis communication on social media: a practical workshop",
        "venue": "Regional Hub of Civil Service",
        "city": "Astana",
        "summary": (
            "A one-day practical workshop: the first hour of a crisis, answering "
            "false information and one message in three languages."
        ),
        "description": (
            "<p>Participants practise real cases: the first statement, a schedule "
            "for answering questions and the report to leadership.</p>"
        ),
        "sessions": [
            ("The first hour of a crisis", "Who says what, and when."),
            ("Answering false information", "Check, answer or stay silent."),
            ("One message in three languages", "At the same time, with one meaning."),
        ],
    },
}
