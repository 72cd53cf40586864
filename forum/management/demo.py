"""Forum part of the demo: categories and a few real-sounding threads in kk, ru, en.

Called by `manage.py load_demo`. Idempotent: categories are found by slug and
threads by title, so a second run adds nothing. Threads need the demo accounts
as their authors, so where there are none (production) only categories are made.
"""

from django.contrib.auth import get_user_model

from forum.discussions import services
from forum.members import trust
from forum.models import Category, Flag, Post, Tag, Topic, TrustLevel
from forum.moderation import services as moderation

CATEGORIES = [
    # slug, colour, visibility, parent slug, (kk, ru, en), (descriptions kk, ru, en)
    (
        "social-media-strategy",
        "#00607a",
        "public",
        None,
        (
            "Әлеуметтік желідегі стратегия",
            "Стратегия в социальных сетях",
            "Social media strategy",
        ),
        (
            "Арналар, жоспарлау, жариялау жиілігі және мақсаттар.",
            "Каналы, планирование, частота публикаций и цели.",
            "Channels, planning, posting rhythm and goals.",
        ),
    ),
    (
        "crisis-communication",
        "#a4001d",
        "public",
        None,
        ("Дағдарыстық коммуникация", "Кризисные коммуникации", "Crisis communication"),
        (
            "Жедел жауап, дезинформация және сенімді қалпына келтіру.",
            "Быстрое реагирование, дезинформация и восстановление доверия.",
            "Responding fast, countering disinformation, rebuilding trust.",
        ),
    ),
    (
        "incident-debriefs",
        "#7a0015",
        "members",
        "crisis-communication",
        ("Оқиғаларды талдау", "Разборы инцидентов", "Incident debriefs"),
        (
            "Нақты жағдайларды жабық талдау: тек қатысушыларға.",
            "Закрытые разборы реальных случаев: только для участников.",
            "Closed debriefs of real cases: members only.",
        ),
    ),
    (
        "visual-and-video",
        "#5b3a8c",
        "public",
        None,
        (
            "Визуалды және бейне контент",
            "Визуальный и видеоконтент",
            "Visual and video content",
        ),
        (
            "Инфографика, қысқа бейне, субтитрлер және дизайн.",
            "Инфографика, короткое видео, субтитры и дизайн.",
            "Infographics, short video, subtitles and design.",
        ),
    ),
    (
        "monitoring-and-analytics",
        "#1f6b3a",
        "public",
        None,
        (
            "Мониторинг және талдау",
            "Мониторинг и аналитика",
            "Monitoring and analytics",
        ),
        (
            "Көрсеткіштер, есептер және деректерге негізделген шешімдер.",
            "Метрики, отчёты и решения на основе данных.",
            "Metrics, reports and decisions from data.",
        ),
    ),
    (
        "trilingual-content",
        "#7a3e00",
        "public",
        None,
        ("Үш тілдегі контент", "Трёхъязычный контент", "Trilingual content"),
        (
            "Қазақ, орыс және ағылшын тілдеріндегі жарияланымдар.",
            "Публикации на казахском, русском и английском.",
            "Publishing in Kazakh, Russian and English.",
        ),
    ),
    (
        "seminar-follow-up",
        "#3b5670",
        "public",
        None,
        ("Семинардан кейін", "После семинара", "Seminar follow-up"),
        (
            "Семинар материалдары бойынша сұрақтар мен тәжірибе.",
            "Вопросы и практика по материалам семинара.",
            "Questions and practice on the seminar materials.",
        ),
    ),
]

SUGGESTED_TAGS = ["telegram", "translation", "crisis", "metrics", "video", "workbook"]

# category slug, language, author, title, tags, first post, replies, extras
# replies: (author, text, reply to post number or None, likers)
THREADS = [
    {
        "category": "trilingual-content",
        "language": "kk",
        "author": "aigerim",
        "title": "Үш тілде жариялау: аударманы кім тексереді?",
        "tags": ["translation"],
        "raw": (
            "Біздің баспасөз қызметінде жаңалық алдымен орыс тілінде жазылады, "
            "содан кейін қазақ және ағылшын тілдеріне аударылады. Аударманы "
            "тексеретін бөлек адам жоқ.\n\nСіздерде бұл процесс қалай құрылған?"
        ),
        "replies": [
            (
                "daniyar",
                "> @aigerim жазды:\n> Аударманы тексеретін бөлек адам жоқ.\n\n"
                "Бізде де солай еді. Енді мәтінді бірден қазақ тілінде жазамыз, ал "
                "@moderator екі тілде соңғы оқуды жасайды. Глоссарий көп көмектеседі.",
                1,
                ["aigerim"],
            ),
            (
                "moderator",
                "Глоссарийді осы тақырыпқа жүктеп қоюға болады ма?",
                None,
                [],
            ),
        ],
        "solution": 2,
    },
    {
        "category": "social-media-strategy",
        "language": "ru",
        "author": "daniyar",
        "title": "Как часто публиковать в Telegram-канале госоргана?",
        "tags": ["telegram"],
        "raw": (
            "Руководство просит «больше постов», но охваты падают, когда мы "
            "публикуем чаще трёх раз в день. Есть ли у кого-то данные или "
            "правило, на которое можно сослаться?"
        ),
        "replies": [
            (
                "aigerim",
                "У нас лучше всего работают **два поста в будни**: утренний анонс "
                "и вечерний итог. Всё срочное — отдельным коротким сообщением.",
                1,
                ["daniyar", "moderator"],
            ),
            (
                "moderator",
                "Совет с семинара: договоритесь с руководством о метрике "
                "(например, досмотры и пересылки), а не о количестве постов.",
                2,
                ["daniyar"],
            ),
        ],
    },
    {
        "category": "monitoring-and-analytics",
        "language": "en",
        "author": "aigerim",
        "title": "Which metrics do you report to leadership every week?",
        "tags": ["metrics"],
        "raw": (
            "We send a weekly one-page report. Today it lists followers and likes, "
            "which says little. Which three numbers would you put on that page?"
        ),
        "replies": [
            (
                "daniyar",
                "Reach of the posts that mattered, share of questions answered within "
                "24 hours, and sentiment of comments on the week's main topic.",
                1,
                ["aigerim"],
            ),
        ],
    },
    {
        "category": "seminar-follow-up",
        "language": "ru",
        "author": "moderator",
        "title": "Вопросы по рабочей тетради после семинара",
        "tags": ["workbook"],
        "raw": (
            "Коллеги, здесь собираем вопросы по «Strategic Social Media Engagement "
            "Workbook». Поделитесь, какой шаг из раздела 7 вы уже сделали."
        ),
        "replies": [
            (
                "aigerim",
                "Мы сделали шаг 6: выбрали три метрики для еженедельного отчёта.",
                1,
                [],
            ),
        ],
        "pinned": True,
    },
    {
        "category": "incident-debriefs",
        "language": "kk",
        "author": "daniyar",
        "title": "Түнгі ақпараттық шабуыл: алғашқы 60 минут",
        "tags": ["crisis"],
        "raw": (
            "Түнде жалған хабар тарады. Біз 40 минуттан кейін ресми жауап "
            "жарияладық. Не ерте жасалды, не кеш жасалды — талдап көрейік."
        ),
        "replies": [],
    },
    {
        "category": "visual-and-video",
        "language": "en",
        "author": "daniyar",
        "title": "Subtitles on every video: worth the effort?",
        "tags": ["video"],
        "raw": (
            "Most of our audience watches without sound. Do you subtitle every "
            "video, and in how many languages?"
        ),
        "replies": [
            (
                "aigerim",
                "Every video, in Kazakh and Russian. English only for events.",
                1,
                [],
            ),
        ],
    },
]


def load_forum_demo(stdout) -> int:
    """Create what is missing; returns how many objects were created."""
    created = 0
    categories = {}
    for slug, colour, visibility, parent, names, descriptions in CATEGORIES:
        category, made = Category.objects.get_or_create(
            slug=slug,
            defaults={
                "colour": colour,
                "visibility": visibility,
                "parent": categories.get(parent),
                "position": len(categories),
                **dict(zip(("name_kk", "name_ru", "name_en"), names, strict=True)),
                **dict(
                    zip(
                        ("description_kk", "description_ru", "description_en"),
                        descriptions,
                        strict=True,
                    )
                ),
            },
        )
        categories[slug] = category
        created += made
    for name in SUGGESTED_TAGS:
        _tag, made = Tag.objects.update_or_create(
            name=name, defaults={"is_suggested": True}
        )
        created += made

    users = {
        user.get_username(): user
        for user in get_user_model().objects.filter(
            username__in=["aigerim", "daniyar", "moderator"]
        )
    }
    if len(users) < 3:
        stdout.write("Forum threads skipped: the demo accounts do not exist here.")
        return created
    _trust_demo_members(users)
    for thread in THREADS:
        category = categories[thread["category"]]
        if Topic.objects.filter(category=category, title=thread["title"]).exists():
            continue
        created += _thread(thread, category, users)
    created += _flagged_post(users)
    return created


# A reply a member has flagged, so that the moderators' review queue shows
# something on a fresh `make run` (log in as "moderator", open Review).
FLAGGED = {
    "topic": "Как часто публиковать в Telegram-канале госоргана?",
    "author": "daniyar",
    "raw": (
        "Не по теме, извините: у кого есть контакт типографии, которая печатала "
        "баннеры семинара? Напишите мне напрямую."
    ),
    "flagger": "aigerim",
    "reason": "off_topic",
    "note": "Это не о Telegram. Может, вынести в отдельную тему?",
}


def _flagged_post(users) -> int:
    topic = Topic.objects.filter(title=FLAGGED["topic"]).first()
    if topic is None:
        return 0
    created = 0
    post = Post.objects.filter(topic=topic, raw=FLAGGED["raw"]).first()
    if post is None:
        post = services.post_create(
            actor=users[FLAGGED["author"]], topic=topic, raw=FLAGGED["raw"]
        )
        created += 1
    flagger = users[FLAGGED["flagger"]]
    if not Flag.objects.filter(post=post, user=flagger).exists():
        moderation.flag_create(
            actor=flagger, post=post, reason=FLAGGED["reason"], note=FLAGGED["note"]
        )
        created += 1
    return created


# Demo members have been around a while: their posts are not held for approval.
DEMO_TRUST_LEVELS = {"aigerim": TrustLevel.MEMBER, "daniyar": TrustLevel.BASIC}


def _trust_demo_members(users):
    for username, level in DEMO_TRUST_LEVELS.items():
        trust.raise_trust_level(users[username], level)


def _thread(thread, category, users) -> int:
    topic = services.topic_create(
        actor=users[thread["author"]],
        category=category,
        title=thread["title"],
        raw=thread["raw"],
        tags=thread["tags"],
        language=thread["language"],
    )
    posts = {1: topic.posts.get(number=1)}
    for author, text, reply_to, likers in thread["replies"]:
        post = services.post_create(
            actor=users[author], topic=topic, raw=text, reply_to=posts.get(reply_to)
        )
        posts[post.number] = post
        for liker in likers:
            services.like_toggle(actor=users[liker], post=post)
    if solution := thread.get("solution"):
        services.solution_accept(actor=users[thread["author"]], post=posts[solution])
    if thread.get("pinned"):
        services.topic_set_state(actor=users["moderator"], topic=topic, pinned=True)
    return 1 + len(thread["replies"])
