"""Fill the forum with a large, realistic, reproducible data set for benchmarks.

    manage.py forum_seed --topics 9999 --posts 199000 --long-topic-posts 1000

Members (seed_user_0001 …, with profiles), the six seminar categories when
there are none yet, tags, topics and posts written in Kazakh, Russian and
English about press-service work, likes, views and read markers. The same
--seed gives the same forum.

Going through forum.discussions.services would take hours for 200,000 posts,
so it writes rows directly, in batches of 5,000: bulk_create, or COPY on
PostgreSQL, with post numbers and the topics' counters set from the plan.
forum_repair's logic then fills in what needs post ids (last posts, the
categories' and tags' counters) and checks the rest, so the result is what the
services would have left. Everything happens in one transaction: an
interrupted run leaves nothing behind. On a 2-CPU machine 200,000 posts take
about 40 seconds on PostgreSQL.
"""

import html
import random
import time
from datetime import datetime, timedelta
from typing import NamedTuple

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from forum.discussions.counters import PARTICIPANTS_SHOWN
from forum.discussions.services import topic_slug
from forum.management.commands.forum_repair import Progress, repair_counters
from forum.models import (
    Category,
    Post,
    PostLike,
    Profile,
    Tag,
    Topic,
    TopicReadState,
)

BATCH = 5_000
HISTORY_DAYS = 540
LANGUAGES = ("kk", "ru", "en")

# slug, (kk, ru, en) names, visibility, colour, the title themes it gets
CATEGORIES = [
    (
        "social-media-strategy",
        (
            "Әлеуметтік желілердегі стратегия",
            "Стратегия в социальных сетях",
            "Social media strategy",
        ),
        "public",
        "#00607a",
        (1, 2, 7),
    ),
    (
        "crisis-communication",
        ("Дағдарыстық коммуникация", "Кризисная коммуникация", "Crisis communication"),
        "public",
        "#b3261e",
        (0, 9, 11),
    ),
    (
        "visual-and-video",
        (
            "Визуалды және бейне контент",
            "Визуальный и видеоконтент",
            "Visual and video content",
        ),
        "public",
        "#6b4fbb",
        (2, 8),
    ),
    (
        "monitoring-and-analytics",
        (
            "Мониторинг және аналитика",
            "Мониторинг и аналитика",
            "Monitoring and analytics",
        ),
        "public",
        "#1b7f3b",
        (4, 6),
    ),
    (
        "trilingual-content",
        ("Үш тілді контент", "Трёхъязычный контент", "Trilingual content"),
        "public",
        "#a05a00",
        (3, 7),
    ),
    (
        "seminar-follow-up",
        ("Семинардан кейін", "По итогам семинара", "Seminar follow-up"),
        "members",
        "#44546a",
        (5, 10),
    ),
]
CATEGORY_DESCRIPTIONS = (
    "Семинар қатысушыларының тәжірибе алмасуы.",
    "Обмен опытом участников семинара.",
    "Participants of the seminar share their experience.",
)

# Title themes, by language, in the same order in each.
THEMES = {
    "kk": [
        "Дағдарыстық коммуникация",
        "Telegram-арнаны жүргізу",
        "Reels бейнелері",
        "Үш тілді контент",
        "Пікірлер мониторингі",
        "Брифингтерге дайындық",
        "Аналитика және KPI",
        "Азаматтардың сұрақтары",
        "Инфографика",
        "Фейктерге жауап беру",
        "Семинар материалдары",
        "Аймақтық БАҚ-пен жұмыс",
    ],
    "ru": [
        "Кризисная коммуникация",
        "Ведение Telegram-канала",
        "Видео для Reels",
        "Трёхъязычный контент",
        "Мониторинг комментариев",
        "Подготовка к брифингам",
        "Аналитика и KPI",
        "Вопросы граждан",
        "Инфографика",
        "Ответы на фейки",
        "Материалы семинара",
        "Работа с региональными СМИ",
    ],
    "en": [
        "Crisis communication",
        "Running a Telegram channel",
        "Reels videos",
        "Trilingual content",
        "Comment monitoring",
        "Preparing for briefings",
        "Analytics and KPIs",
        "Citizens' questions",
        "Infographics",
        "Responding to fake news",
        "Seminar materials",
        "Working with regional media",
    ],
}
TITLE_PATTERNS = {
    "kk": [
        "{theme}: тәжірибе алмасайық",
        "{theme} бойынша кеңес керек",
        "{theme}: қандай құралдар қолданасыздар?",
        "{theme}: {period} қорытындысы",
        "{theme} ({region})",
    ],
    "ru": [
        "{theme}: делимся опытом",
        "{theme} — нужен совет",
        "{theme}: какие инструменты вы используете?",
        "{theme}: итоги {period}",
        "{theme} ({region})",
    ],
    "en": [
        "{theme}: let's share experience",
        "{theme} — advice needed",
        "{theme}: which tools do you use?",
        "{theme}: results of the {period}",
        "{theme} ({region})",
    ],
}
PERIODS = {
    "kk": ["аптаның", "айдың", "тоқсанның", "жылдың"],
    "ru": ["недели", "месяца", "квартала", "года"],
    "en": ["week", "month", "quarter", "year"],
}
REGIONS = [
    "Астана",
    "Алматы",
    "Шымкент",
    "Қарағанды",
    "Ақтөбе",
    "Павлодар",
    "Түркістан",
    "Өскемен",
    "Атырау",
    "Қостанай",
]

# Sentences are built from four slots; Kazakh puts the verb last.
WORDS = {
    "kk": {
        "subject": [
            "Баспасөз қызметі",
            "Біздің ведомство",
            "Әкімдіктің баспасөз хатшысы",
            "SMM-маман",
            "Ақпарат бөлімі",
            "Министрліктің цифрлық командасы",
            "Облыстық әкімдік",
            "Біздің команда",
            "Ведомство спикері",
            "Аймақтағы әріптестер",
        ],
        "object": [
            "ресми мәлімдемені",
            "Telegram-арнадағы жазбаны",
            "Instagram-дағы Reels бейнесін",
            "азаматтардың сұрақтарына жауапты",
            "аналитикалық есепті",
            "брифинг кестесін",
            "үш тілдегі пресс-релизді",
            "инфографиканы",
            "дағдарыстық коммуникация жоспарын",
            "пікірлер мониторингін",
            "қысқа бейнежазбаны",
            "аудиторияның сұрауларын",
        ],
        "when": [
            "дағдарыс кезінде",
            "бір сағат ішінде",
            "апта сайын",
            "семинардан кейін",
            "таңғы брифингке дейін",
            "демалыс күндері де",
            "аймақтық БАҚ-пен бірге",
            "ресми сайтта",
            "жарияламас бұрын",
            "жаңа стратегия бойынша",
        ],
        "verb": [
            "жариялайды",
            "дайындап жатыр",
            "қайта қарауы керек",
            "тексереді",
            "үш тілге аударады",
            "талдап шықты",
            "жоспарлап отыр",
            "жақсартуға тырысады",
            "келісіп алды",
            "жиі жаңартып отырады",
        ],
        "ask": [
            "дайындайсыздар",
            "тексересіздер",
            "жариялайсыздар",
            "аударасыздар",
            "бағалайсыздар",
        ],
        "openers": ["Менің ойымша,", "Біздің тәжірибеде", "Айта кетейін,", "Әрине,"],
        "thanks": [
            "Рахмет, өте пайдалы кеңес!",
            "Келісемін, бізде де солай.",
            "Тәжірибеңізбен бөліскеніңізге рахмет.",
        ],
    },
    "ru": {
        "subject": [
            "Пресс-служба",
            "Наш отдел",
            "Пресс-секретарь акимата",
            "SMM-специалист",
            "Информационный отдел",
            "Цифровая команда министерства",
            "Областной акимат",
            "Наша команда",
            "Спикер ведомства",
            "Коллега из региона",
        ],
        "verb": [
            "публикует",
            "готовит",
            "хочет пересмотреть",
            "проверяет",
            "переводит на три языка",
            "анализирует",
            "планирует",
            "старается улучшить",
            "согласовывает",
            "регулярно обновляет",
        ],
        "object": [
            "официальное заявление",
            "пост в Telegram-канале",
            "ролик для Instagram Reels",
            "ответы на вопросы граждан",
            "аналитический отчёт",
            "график брифингов",
            "пресс-релиз на трёх языках",
            "инфографику",
            "план кризисной коммуникации",
            "мониторинг комментариев",
            "короткое видео",
            "запросы аудитории",
        ],
        "when": [
            "во время кризиса",
            "в течение часа",
            "каждую неделю",
            "после семинара",
            "до утреннего брифинга",
            "даже в выходные",
            "вместе с региональными СМИ",
            "на официальном сайте",
            "перед публикацией",
            "по новой стратегии",
        ],
        "ask": ["готовите", "проверяете", "публикуете", "переводите", "оцениваете"],
        "openers": ["По нашему опыту,", "Мне кажется,", "Кстати,", "Честно говоря,"],
        "thanks": [
            "Спасибо, очень полезно!",
            "Согласен, у нас так же.",
            "Спасибо, что поделились опытом.",
        ],
    },
    "en": {
        "subject": [
            "The press office",
            "Our team",
            "The akimat's press secretary",
            "The SMM specialist",
            "The communications department",
            "The ministry's digital team",
            "The regional akimat",
            "Our spokesperson",
            "A colleague from the region",
            "The deputy head",
        ],
        "verb": [
            "publishes",
            "prepares",
            "wants to review",
            "checks",
            "translates into three languages",
            "analyses",
            "plans",
            "tries to improve",
            "agrees on",
            "regularly updates",
        ],
        "object": [
            "the official statement",
            "the Telegram channel post",
            "the Instagram Reels video",
            "answers to citizens' questions",
            "the analytics report",
            "the briefing schedule",
            "the press release in three languages",
            "the infographic",
            "the crisis communication plan",
            "comment monitoring",
            "a short video",
            "the audience's requests",
        ],
        "when": [
            "during a crisis",
            "within an hour",
            "every week",
            "after the seminar",
            "before the morning briefing",
            "even at weekends",
            "together with regional media",
            "on the official website",
            "before publication",
            "under the new strategy",
        ],
        "ask": ["prepare", "check", "publish", "translate", "measure"],
        "openers": ["In our experience,", "I think", "By the way,", "Honestly,"],
        "thanks": [
            "Thanks, very useful!",
            "Agreed, it's the same for us.",
            "Thank you for sharing your experience.",
        ],
    },
}

TAGS = [
    "smm",
    "telegram",
    "instagram",
    "reels",
    "дағдарыс",
    "кризис",
    "аналитика",
    "аударма",
    "youtube",
    "tiktok",
    "crisis",
    "analytics",
    "kpi",
    "инфографика",
    "видео",
    "бейне",
    "перевод",
    "translation",
    "брифинг",
    "briefing",
    "фейк",
    "мониторинг",
    "семинар",
    "шаблон",
]
SUGGESTED_TAGS = 8

FIRST_NAMES = {
    "f": ["Айгүл", "Әйгерім", "Жанар", "Гүлнар", "Асель", "Динара", "Сәуле", "Елена"],
    "m": ["Данияр", "Марат", "Ерлан", "Нұрлан", "Бауыржан", "Тимур", "Арман", "Сергей"],
}
LAST_NAMES = {
    "f": ["Сейітова", "Ахметова", "Жұмабаева", "Иванова", "Ким", "Қасымова"],
    "m": ["Омаров", "Ахметов", "Сәрсенбаев", "Петров", "Ким", "Абенов"],
}
ORGANISATIONS = [
    "Алматы қаласы әкімдігінің баспасөз қызметі",
    "Пресс-служба акимата Карагандинской области",
    "Ministry of Digital Development, press office",
    "Денсаулық сақтау министрлігі",
    "Департамент по чрезвычайным ситуациям",
    "Regional akimat of Pavlodar",
    "Білім басқармасы",
    "Министерство культуры и информации",
]
POSITIONS = [
    "Баспасөз хатшысы",
    "Пресс-секретарь",
    "SMM-менеджер",
    "Head of communications",
    "Контент-менеджер",
    "Видеограф",
    "Analyst",
    "Бас маман",
]


# The big tables are written from plain tuples in this column order.
COLUMNS = {
    Post: (
        "topic_id",
        "number",
        "author_id",
        "raw",
        "cooked",
        "created_at",
        "edit_count",
        "like_count",
        "deleted_at",
        "deleted_by_id",
    ),
    PostLike: ("post_id", "user_id", "created_at"),
    TopicReadState: (
        "topic_id",
        "user_id",
        "last_read_post_number",
        "first_visited_at",
        "last_visited_at",
    ),
}
ROW_NAMES = {
    Post: "posts",
    PostLike: "likes",
    TopicReadState: "read markers",
}


def insert_rows(model, fields: tuple[str, ...], rows: list[tuple]):
    """Insert plain tuples: COPY on PostgreSQL, bulk_create elsewhere.

    bulk_create builds a model instance and an SQL literal for every value,
    which the server then parses back: on PostgreSQL that was most of the time
    the seeding took. COPY streams the rows in PostgreSQL's own format instead.
    """
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            (model(**dict(zip(fields, row, strict=True))) for row in rows),
            batch_size=BATCH,
        )
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(model._meta.get_field(name).column) for name in fields)
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row(row)


class Writer:
    """Sentences, paragraphs and titles in the three languages, from one RNG."""

    # Sentences are drawn from a pool made once per language: composing each one
    # anew took a third of the seeding time, and 4,000 of them read varied enough.
    POOL = 4_000

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.pool = {
            language: [self.compose(language) for _ in range(self.POOL)]
            for language in LANGUAGES
        }

    def sentence(self, language: str) -> str:
        return self.rng.choice(self.pool[language])

    def compose(self, language: str) -> str:
        words, choice = WORDS[language], self.rng.choice
        if language == "kk":
            text = (
                f"{choice(words['subject'])} {choice(words['object'])} "
                f"{choice(words['when'])} {choice(words['verb'])}."
            )
        else:
            text = (
                f"{choice(words['subject'])} {choice(words['verb'])} "
                f"{choice(words['object'])} {choice(words['when'])}."
            )
        if self.rng.random() < 0.2:
            opener = choice(words["openers"])
            # Lower-case the subject after an opener, but not "SMM-…".
            if text[1:2].islower():
                text = text[0].lower() + text[1:]
            text = f"{opener} {text}"
        return text

    def question(self, language: str) -> str:
        words, choice = WORDS[language], self.rng.choice
        obj, ask = choice(words["object"]), choice(words["ask"])
        if language == "kk":
            return f"Сіздер {obj} қалай {ask}?"
        if language == "ru":
            return f"Как вы {ask} {obj}?"
        return f"How do you {ask} {obj}?"

    def paragraph(self, language: str) -> str:
        return " ".join(self.sentence(language) for _ in range(self.rng.randint(1, 4)))

    def first_post(self, language: str) -> str:
        paragraphs = [self.paragraph(language) for _ in range(self.rng.randint(1, 3))]
        paragraphs.append(self.question(language))
        return "\n\n".join(paragraphs)

    def reply(self, language: str) -> str:
        if self.rng.random() < 0.1:
            return self.rng.choice(WORDS[language]["thanks"])
        return "\n\n".join(
            self.paragraph(language) for _ in range(self.rng.randint(1, 3))
        )

    def title(self, language: str, theme: int) -> str:
        pattern = self.rng.choice(TITLE_PATTERNS[language])
        return pattern.format(
            theme=THEMES[language][theme],
            period=self.rng.choice(PERIODS[language]),
            region=self.rng.choice(REGIONS),
        )


def cook(raw: str) -> str:
    """The HTML forum.core.markdown.render gives for the seeded text, 100 times faster.

    Seeded text is plain paragraphs separated by blank lines, with no Markdown
    syntax, no line breaks and no @mentions, so CommonMark's output is each
    paragraph escaped and wrapped in <p>. tests/forum/test_seed.py checks the
    two agree.
    """
    return "".join(
        f"<p>{html.escape(paragraph, quote=False)}</p>\n"
        for paragraph in raw.split("\n\n")
    )


def split_posts(rng: random.Random, topics: int, posts: int) -> list[int]:
    """Posts per topic: at least one each, skewed like a real forum, summing up."""
    extra = posts - topics
    weights = [rng.lognormvariate(0, 0.9) for _ in range(topics)]
    total = sum(weights)
    counts = [1 + int(extra * weight / total) for weight in weights]
    for index in rng.sample(range(topics), posts - sum(counts)):
        counts[index] += 1
    return counts


class PlannedPost(NamedTuple):
    number: int
    author: int
    created_at: datetime
    deleted: bool
    likers: list[int]


def topic_counters(posts: list[PlannedPost], visitors: int) -> dict:
    """The topic's counters, as forum_repair defines them, straight from the plan.

    Written with the topic, they spare the repair rewriting every topic row;
    it still fills in what needs post ids (the last post) and checks the rest.
    A topic's own counters include its first post even when it is deleted.
    Views, which no rows record, are its posters and a few visitors.
    """
    visible = [post for post in posts if not post.deleted or post.number == 1]
    participants = []
    for post in reversed(visible):
        if post.author not in participants:
            participants.append(post.author)
    return {
        "post_count": len(visible),
        "highest_post_number": len(posts),
        "like_count": sum(len(post.likers) for post in visible),
        "last_poster_id": visible[-1].author,
        "bumped_at": visible[-1].created_at,
        "participant_ids": participants[:PARTICIPANTS_SHOWN],
        "view_count": len({post.author for post in posts}) + visitors,
    }


def like_count(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.6:
        return 0
    if roll < 0.85:
        return 1
    if roll < 0.95:
        return 2
    return rng.randint(3, 10)


class Command(BaseCommand):
    help = "Generate a large, realistic forum for benchmarks (fast, reproducible)."

    def add_arguments(self, parser):
        parser.add_argument("--topics", type=int, default=1_000)
        parser.add_argument(
            "--posts-per-topic",
            type=int,
            default=20,
            help="Average posts per topic, the first included (default 20).",
        )
        parser.add_argument(
            "--posts",
            type=int,
            help="Total posts over the topics instead of --posts-per-topic.",
        )
        parser.add_argument(
            "--users", type=int, help="Members to post (default topics / 20, ≥ 20)."
        )
        parser.add_argument(
            "--long-topic-posts",
            type=int,
            default=0,
            help="Also create one topic with this many posts.",
        )
        parser.add_argument("--seed", type=int, default=1, help="Random seed.")

    def handle(self, *args, **options):
        topics = options["topics"]
        posts = options["posts"] or topics * options["posts_per_topic"]
        users = options["users"] or max(20, topics // 20)
        long_posts = options["long_topic_posts"]
        if topics < 1 or posts < topics:
            raise CommandError("Every topic needs at least one post.")
        if users < 2:
            raise CommandError("Likes need at least two members.")
        self.verbose = options["verbosity"] >= 1
        # Sample data, not secrets: a seeded, reproducible generator is the point.
        self.rng = random.Random(options["seed"])  # noqa: S311
        self.writer = Writer(self.rng)
        self.now = timezone.now()
        self.created: dict[str, int] = {}
        started = time.perf_counter()

        with transaction.atomic():
            self.user_ids = self.seed_users(users)
            categories = self.seed_categories()
            tag_ids = self.seed_tags()
            plans = self.plan_topics(categories, split_posts(self.rng, topics, posts))
            if long_posts:
                public = [c for c in categories if c.is_public] or categories
                plans.append(self.plan_topic(public[0], long_posts, long=True))
            topic_rows = self.insert_topics(plans, tag_ids)
            self.insert_posts(plans, topic_rows, posts + long_posts)
            self.analyze()
            self.log("Filling in the counters …")
            filled = repair_counters(progress=self.stderr if self.verbose else None)

        elapsed = time.perf_counter() - started
        rows = sum(self.created.values())
        summary = ", ".join(f"{n:,} {name}" for name, n in self.created.items() if n)
        self.stdout.write(
            f"Seeded {summary} in {elapsed:.1f} s ({rows / elapsed:,.0f} rows/s)."
        )
        filled = ", ".join(f"{name} {n:,}" for name, n in filled.items() if n)
        self.stdout.write(f"Counters filled in by forum_repair: {filled or 'none'}.")

    def analyze(self):
        """Give PostgreSQL's planner the new sizes before the counters' queries.

        Its statistics still describe the tables as they were before the load,
        and a plan made for a few rows is very slow on 200,000. ANALYZE counts
        the rows this transaction inserted.
        """
        if connection.vendor != "postgresql":
            return
        tables = ", ".join(
            connection.ops.quote_name(model._meta.db_table)
            for model in (Topic, Topic.tags.through, *COLUMNS)
        )
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}")

    def log(self, message: str):
        if self.verbose:
            self.stderr.write(message)

    def count(self, name: str, n: int):
        self.created[name] = self.created.get(name, 0) + n

    # Members, categories, tags ---------------------------------------------------

    def seed_users(self, n: int) -> list[int]:
        User = get_user_model()
        width = max(4, len(str(n)))
        wanted = []
        for i in range(1, n + 1):
            sex = self.rng.choice("fm")
            first, last = (
                self.rng.choice(FIRST_NAMES[sex]),
                self.rng.choice(LAST_NAMES[sex]),
            )
            profile = {
                "display_name": f"{first} {last}",
                "organisation": self.rng.choice(ORGANISATIONS),
                "position": self.rng.choice(POSITIONS),
                "languages": sorted(self.rng.sample(LANGUAGES, self.rng.randint(1, 3))),
                # Members who have been around: none waits for approval. Taken
                # from the number, not the random stream, so the rest of the
                # seeded data stays what it was.
                "trust_level": 3 if i % 10 == 0 else 2 if i % 3 == 0 else 1,
            }
            wanted.append((f"seed_user_{i:0{width}d}", first, last, profile))
        existing = set(
            User.objects.filter(
                username__in=[username for username, *_ in wanted]
            ).values_list("username", flat=True)
        )
        # One unusable password for all: hashing one per member would dominate.
        password = make_password(None)
        new = [
            User(
                username=username,
                email=f"{username}@example.kz",
                first_name=first,
                last_name=last,
                password=password,
            )
            for username, first, last, _profile in wanted
            if username not in existing
        ]
        User.objects.bulk_create(new, batch_size=BATCH)
        self.count("members", len(new))
        ids = dict(
            User.objects.filter(
                username__in=[username for username, *_ in wanted]
            ).values_list("username", "pk")
        )
        with_profile = set(
            Profile.objects.filter(user_id__in=ids.values()).values_list(
                "user_id", flat=True
            )
        )
        profiles = [
            Profile(user_id=ids[username], **profile)
            for username, _first, _last, profile in wanted
            if ids[username] not in with_profile
        ]
        Profile.objects.bulk_create(profiles, batch_size=BATCH)
        self.count("profiles", len(profiles))
        self.log(f"Members: {len(ids):,} ({len(new):,} new).")
        return [ids[username] for username, *_ in wanted]

    def seed_categories(self) -> list[Category]:
        if not Category.objects.exists():
            Category.objects.bulk_create(
                Category(
                    slug=slug,
                    name_kk=kk,
                    name_ru=ru,
                    name_en=en,
                    description_kk=CATEGORY_DESCRIPTIONS[0],
                    description_ru=CATEGORY_DESCRIPTIONS[1],
                    description_en=CATEGORY_DESCRIPTIONS[2],
                    visibility=visibility,
                    colour=colour,
                    position=position,
                )
                for position, (slug, (kk, ru, en), visibility, colour, _themes) in (
                    enumerate(CATEGORIES)
                )
            )
            self.count("categories", len(CATEGORIES))
        categories = list(Category.objects.order_by("position", "pk"))
        themes = {slug: themes for slug, *_rest, themes in CATEGORIES}
        all_themes = tuple(range(len(THEMES["en"])))
        for category in categories:
            category.themes = themes.get(category.slug, all_themes)
        self.log(f"Categories: {len(categories)}.")
        return categories

    def seed_tags(self) -> list[int]:
        existing = set(Tag.objects.filter(name__in=TAGS).values_list("name", flat=True))
        new = [
            Tag(name=name, is_suggested=i < SUGGESTED_TAGS)
            for i, name in enumerate(TAGS)
            if name not in existing
        ]
        Tag.objects.bulk_create(new)
        self.count("tags", len(new))
        by_name = dict(Tag.objects.filter(name__in=TAGS).values_list("name", "pk"))
        return [by_name[name] for name in TAGS]

    # Topics ----------------------------------------------------------------------

    def plan_topics(self, categories, post_counts: list[int]) -> list[dict]:
        # Busy categories and quiet ones, as on a real forum.
        weights = [self.rng.uniform(0.5, 2) for _ in categories]
        chosen = self.rng.choices(categories, weights=weights, k=len(post_counts))
        return [
            self.plan_topic(category, n)
            for category, n in zip(chosen, post_counts, strict=True)
        ]

    def plan_topic(self, category: Category, n_posts: int, long=False) -> dict:
        """Who writes what and when, and who likes it, before any row exists."""
        rng = self.rng
        language = rng.choices(LANGUAGES, weights=(5, 4, 2))[0]
        created = self.now - timedelta(seconds=rng.uniform(0, HISTORY_DAYS * 86_400))
        span = (self.now - created) * rng.uniform(0.05, 1.0)
        offsets = sorted(rng.random() for _ in range(n_posts - 1))
        times = [created] + [created + span * offset for offset in offsets]
        authors = self.pick_authors(n_posts)
        deleted = not long and rng.random() < 0.005
        posts = []
        for number, (author, at) in enumerate(zip(authors, times, strict=True), 1):
            if number == 1:
                gone = deleted  # deleting the first post is deleting the topic
            else:
                gone = not long and rng.random() < 0.02
            posts.append(
                PlannedPost(number, author, at, gone, self.pick_likers(author))
            )
        visitors = rng.randint(0, 6)
        return {
            "category": category,
            "language": language,
            "title": self.writer.title(language, rng.choice(category.themes)),
            "created_at": created,
            "posts": posts,
            "counters": topic_counters(posts, visitors),
            "tags": rng.sample(range(len(TAGS)), rng.choice((0, 1, 1, 2, 2, 3))),
            "deleted_at": times[-1] if deleted else None,
            "pinned": rng.random() < 0.0005,
            "closed": rng.random() < 0.02,
        }

    def pick_authors(self, n: int) -> list[int]:
        if not hasattr(self, "_author_weights"):
            # A few members write most of the posts.
            weights, total = [], 0.0
            for rank in range(len(self.user_ids)):
                total += 1 / (rank + 1) ** 0.8
                weights.append(total)
            self._author_weights = weights
        return self.rng.choices(self.user_ids, cum_weights=self._author_weights, k=n)

    def insert_topics(self, plans: list[dict], tag_ids: list[int]) -> list[Topic]:
        rows = [
            Topic(
                category=plan["category"],
                title=plan["title"],
                slug=topic_slug(plan["title"]),
                author_id=plan["posts"][0].author,
                language=plan["language"],
                created_at=plan["created_at"],
                is_pinned=plan["pinned"],
                is_closed=plan["closed"],
                deleted_at=plan["deleted_at"],
                **plan["counters"],
            )
            for plan in plans
        ]
        bar = Progress(self.stderr if self.verbose else None, "Topics", len(rows))
        for start in range(0, len(rows), BATCH):
            Topic.objects.bulk_create(rows[start : start + BATCH])
            bar.advance(len(rows[start : start + BATCH]))
        bar.finish()
        self.count("topics", len(rows))
        links = [
            (topic.pk, tag_ids[tag])
            for topic, plan in zip(rows, plans, strict=True)
            for tag in plan["tags"]
        ]
        insert_rows(Topic.tags.through, ("topic_id", "tag_id"), links)
        self.count("topic tags", len(links))
        return rows

    # Posts and what members do with them -----------------------------------------

    def insert_posts(self, plans: list[dict], topics: list[Topic], total: int):
        self.pending: dict[type, list[tuple]] = {model: [] for model in COLUMNS}
        # (topic id, planned post) of the posts not yet written
        self.post_likes: list[tuple[int, PlannedPost]] = []
        self.bar = Progress(self.stderr if self.verbose else None, "Posts", total)
        for plan, topic in zip(plans, topics, strict=True):
            self.plan_posts(plan, topic)
        for model in COLUMNS:
            self.flush(model, force=True)
        self.bar.finish()

    def plan_posts(self, plan: dict, topic: Topic):
        rng, language = self.rng, plan["language"]
        for post in plan["posts"]:
            if post.number == 1:
                raw = self.writer.first_post(language)
            else:
                # Some members answer in another of the three languages.
                lang = language if rng.random() < 0.8 else rng.choice(LANGUAGES)
                raw = self.writer.reply(lang)
            self.post_likes.append((topic.pk, post))
            self.pending[Post].append(
                (
                    topic.pk,
                    post.number,
                    post.author,
                    raw,
                    cook(raw),
                    post.created_at,
                    0,
                    len(post.likers),
                    post.created_at + timedelta(hours=1) if post.deleted else None,
                    post.author if post.deleted else None,
                )
            )
            self.flush(Post)
        self.plan_reading(plan, topic)

    def pick_likers(self, author: int) -> list[int]:
        likes = like_count(self.rng)
        # Members cannot like their own posts.
        chosen = self.rng.sample(self.user_ids, min(likes + 1, len(self.user_ids)))
        return [user for user in chosen if user != author][:likes]

    def plan_reading(self, plan: dict, topic: Topic):
        """Read markers: posters read at least to their own last post."""
        rng, opened = self.rng, plan["created_at"]
        highest = len(plan["posts"])
        last_post_by = {post.author: post for post in plan["posts"]}
        for user_id, post in last_post_by.items():
            self.pending[TopicReadState].append(
                (
                    topic.pk,
                    user_id,
                    rng.choice((post.number, highest)),
                    opened,
                    post.created_at,
                )
            )
        self.flush(TopicReadState)

    def flush(self, model, force: bool = False):
        rows = self.pending[model]
        if not rows or (len(rows) < BATCH and not force):
            return
        insert_rows(model, COLUMNS[model], rows)
        self.pending[model] = []
        self.count(ROW_NAMES[model], len(rows))
        if model is Post:
            self.after_posts(rows)

    def after_posts(self, posts: list[tuple]):
        """Likes, now that the posts have ids."""
        likes, self.post_likes = self.post_likes, []
        ids = {
            (topic_id, number): pk
            for topic_id, number, pk in Post.objects.filter(
                topic_id__in={post[0] for post in posts}
            ).values_list("topic_id", "number", "pk")
        }
        for topic_id, post in likes:
            post_id = ids[topic_id, post.number]
            self.pending[PostLike].extend(
                (post_id, user, post.created_at) for user in post.likers
            )
        self.flush(PostLike)
        self.bar.advance(len(posts))
