"""Create the demo content in Kazakh, Russian and English.

Idempotent: what exists (found by slug and locale) is left as it is, so running it
again, or on a site where editors changed the demo pages, changes nothing. The
demo accounts are created only where settings.DEMO_ACCOUNTS is set (dev, test).
"""

import datetime
import io

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import (
    GroupApprovalTask,
    Locale,
    Page,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from forum.management.demo import load_forum_demo
from forum.models import Category, Topic
from forum.notifications import services as notifications
from home import demo_content as content
from home import practices
from home.demo_files import make_banner, make_pdf, make_room_picture
from home.models import (
    HomePage,
    HomePageFeaturedSeminar,
    NewsIndexPage,
    NewsPage,
    PracticeAuthor,
    PracticeIndexPage,
    PracticePage,
    SeminarIndexPage,
    SeminarPage,
    SeminarPageSpeaker,
    Speaker,
)

DEMO_PASSWORD = "demo-forum-2026"  # noqa: S105 - dev-only accounts, printed on purpose

DEMO_ACCOUNTS = [
    # username, e-mail, name, groups, is_staff, is_superuser
    ("editor", "editor@example.kz", ("Айгүл", "Редактор"), ["Editors"], True, True),
    (
        "moderator",
        "moderator@example.kz",
        ("Марат", "Модератор"),
        ["Moderators"],
        True,
        False,
    ),
    ("aigerim", "aigerim@example.kz", ("Әйгерім", "Сейітова"), [], False, False),
    ("daniyar", "daniyar@example.kz", ("Данияр", "Омаров"), [], False, False),
]


def _time(value: str) -> datetime.time:
    return datetime.time.fromisoformat(value)


class Command(BaseCommand):
    help = "Create the demo seminar, news and accounts in kk, ru and en (idempotent)."

    def handle(self, *args, **options):
        self.created = 0
        # The demo's replies and mentions notify its members in the app only.
        with notifications.emails_paused(), transaction.atomic():
            self.locales = {
                code: Locale.objects.get_or_create(language_code=code)[0]
                for code, _name in settings.LANGUAGES
            }
            self.source = self.locales[settings.LANGUAGE_CODE]
            self.user = (
                self._accounts() if getattr(settings, "DEMO_ACCOUNTS", False) else None
            )
            home = self._home()
            speakers = self._speakers()
            images, workbook, slides = self._media()
            seminars = self._page(
                home,
                SeminarIndexPage,
                "seminars",
                self._index_fields(content.SEMINAR_INDEX),
            )
            news_index = self._page(
                home, NewsIndexPage, "news", self._index_fields(content.NEWS_INDEX)
            )
            seminar = self._page(
                seminars,
                SeminarPage,
                "strategic-digital-communications-astana",
                lambda lang: self._seminar_fields(
                    lang, speakers, images, workbook, slides
                ),
            )
            self._page(
                seminars,
                SeminarPage,
                content.UPCOMING["slug"],
                lambda lang: self._upcoming_fields(lang, speakers, images),
            )
            self._page(news_index, NewsPage, content.NEWS["slug"], self._news_fields)
            self._feature(home, seminar)
            self._news_workflow(news_index)
            self.created += load_forum_demo(self.stdout)
            self._link_to_the_forum(seminar, workbook)
            self._practices(home, seminar)
        self.stdout.write(
            self.style.SUCCESS(f"Demo content ready ({self.created} objects created).")
        )
        if self.user is not None:
            self._print_accounts()

    # Accounts -------------------------------------------------------------------

    def _accounts(self):
        User = get_user_model()
        editor = None
        for username, email, (first, last), groups, staff, superuser in DEMO_ACCOUNTS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "email": email,
                    "first_name": first,
                    "last_name": last,
                    "is_staff": staff,
                    "is_superuser": superuser,
                },
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save(update_fields=["password"])
                self.created += 1
            user.groups.add(*Group.objects.filter(name__in=groups))
            EmailAddress.objects.get_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            if username == "editor":
                editor = user
        return editor

    def _print_accounts(self):
        self.stdout.write(
            "Demo accounts (dev settings only), password " + DEMO_PASSWORD
        )
        for username, email, _name, _groups, staff, superuser in DEMO_ACCOUNTS:
            role = "admin/editor" if superuser else ("moderator" if staff else "member")
            self.stdout.write(f"  {username:<10} {email:<24} {role}")

    # Pages ----------------------------------------------------------------------

    def _home(self) -> HomePage:
        # Wagtail's migrations leave a "Welcome" page where ours goes.
        Page.objects.filter(
            depth=2,
            slug="home",
            content_type__app_label="wagtailcore",
            content_type__model="page",
            numchild=0,
        ).delete()
        home = self._page(
            Page.get_first_root_node(), HomePage, "home", self._home_fields
        )
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={
                "hostname": "localhost",
                "port": 80,
                "root_page": home,
                "site_name": str(settings.WAGTAIL_SITE_NAME),
            },
        )
        return home

    def _home_fields(self, lang):
        return content.HOME[lang]

    def _index_fields(self, texts):
        return lambda lang: {**texts[lang], "show_in_menus": True}

    def _page(self, parent, model, slug, fields):
        """The page `slug` under `parent` in the source locale, with translations."""
        page = model.objects.child_of(parent).filter(slug=slug).first()
        if page is None:
            page = model(slug=slug, locale=self.source)
            self._assign(page, fields(self.source.language_code))
            parent.add_child(instance=page)
            self._publish(page)
        self._translate(page, fields)
        return page

    def _translate(self, page, fields):
        for code, locale in self.locales.items():
            if locale == self.source or page.get_translation_or_none(locale):
                continue
            translation = page.copy_for_translation(locale)
            self._assign(translation, fields(code))
            self._publish(translation)

    @staticmethod
    def _assign(page, values):
        values = dict(values)
        tags = values.pop("tags", None)
        for name, value in values.items():
            setattr(page, name, value)
        if tags is not None:
            page.tags.set(tags)

    def _publish(self, page):
        revision = page.save_revision(user=self.user, log_action=True)
        revision.publish(user=self.user)
        self.created += 1

    def _seminar_fields(self, lang, speakers, images, workbook, slides):
        banner, room = images
        texts = content.SEMINAR[lang]
        local = speakers[lang]
        sessions = [
            {
                "start": _time(start),
                "end": _time(end),
                "title": titles[lang][0],
                "description": titles[lang][1],
                "speakers": [local[key] for key in keys],
            }
            for start, end, keys, titles in content.AGENDA
        ]
        return {
            "title": texts["title"],
            "start_date": content.SEMINAR_START,
            "end_date": content.SEMINAR_END,
            "venue": texts["venue"],
            "city": texts["city"],
            "summary": texts["summary"],
            "image": banner,
            "organisers": [
                ("organiser", {"name": name, "url": url})
                for name, url in content.ORGANISERS[lang]
            ],
            "description": [("paragraph", texts["description"])],
            "agenda": [
                ("day", {"date": content.SEMINAR_START, "sessions": sessions[:6]}),
                ("day", {"date": content.SEMINAR_END, "sessions": sessions[6:]}),
            ],
            "materials": [
                (
                    "document",
                    {
                        "document": workbook,
                        "title": texts["workbook_title"],
                        "kind": "workbook",
                        "language": "en",
                        "description": texts["workbook_description"],
                    },
                ),
                (
                    "document",
                    {
                        "document": slides,
                        "title": texts["slides_title"],
                        "kind": "slides",
                        "language": "en",
                        "description": texts["slides_description"],
                    },
                ),
                (
                    "image",
                    {"image": room, "caption": texts["image_caption"], "alt_text": ""},
                ),
            ],
            "outcomes": [("paragraph", texts["outcomes"])],
            "seminar_speakers": [
                SeminarPageSpeaker(speaker=local[spec["key"]], sort_order=order)
                for order, spec in enumerate(content.SPEAKERS)
            ],
        }

    def _upcoming_fields(self, lang, speakers, images):
        """The seminar still to come: one day, no materials yet."""
        texts = content.UPCOMING[lang]
        day = timezone.localdate() + datetime.timedelta(days=content.UPCOMING_IN_DAYS)
        hub = speakers[lang]["hub"]
        times = [("10:00", "11:30"), ("11:45", "13:00"), ("14:00", "15:30")]
        return {
            "title": texts["title"],
            "start_date": day,
            "end_date": day,
            "venue": texts["venue"],
            "city": texts["city"],
            "summary": texts["summary"],
            "image": images[1],
            "description": [("paragraph", texts["description"])],
            "agenda": [
                (
                    "day",
                    {
                        "date": day,
                        "sessions": [
                            {
                                "start": _time(start),
                                "end": _time(end),
                                "title": title,
                                "description": description,
                                "speakers": [hub],
                            }
                            for (start, end), (title, description) in zip(
                                times, texts["sessions"], strict=True
                            )
                        ],
                    },
                )
            ],
        }

    def _news_fields(self, lang):
        texts = content.NEWS[lang]
        body = [("paragraph", paragraph) for paragraph in texts["body"]]
        body.insert(
            1,
            (
                "quote",
                {"text": texts["quote"], "attribution": texts["quote_attribution"]},
            ),
        )
        return {
            "title": texts["title"],
            "date": content.NEWS["date"],
            "summary": texts["summary"],
            "body": body,
            "tags": content.NEWS["tags"][lang],
        }

    def _link_to_the_forum(self, seminar, workbook):
        """The seminar's discussion is the forum's follow-up category, and the
        pinned workbook topic discusses the workbook."""
        category = Category.objects.get(slug=content.FOLLOW_UP_CATEGORY)
        for page in seminar.get_translations(inclusive=True).specific():
            if page.follow_up_category_id != category.pk:
                page.follow_up_category = category
                self._publish(page)
        Topic.objects.filter(
            category=category, title=content.WORKBOOK_TOPIC, seminar_key=None
        ).update(seminar_key=seminar.translation_key, material_id=workbook.pk)

    def _practices(self, home, seminar):
        """The library, with the solved translation topic as its first
        practice, published in three languages, and its review workflow."""
        library = self._page(
            home,
            PracticeIndexPage,
            "practices",
            self._index_fields(content.PRACTICE_INDEX),
        )
        practices.review_workflow()
        topic = Topic.objects.get(title=content.PRACTICE_TOPIC)
        question, answer = topic.posts.get(number=1), topic.solution

        def fields(lang):
            return {
                **content.PRACTICE[lang],
                "tags": content.PRACTICE["tags"],
                "source_topic": topic,
                "seminar": seminar.get_translation(self.locales[lang]),
                "authors": [
                    PracticeAuthor(
                        user_id=question.author_id, role=PracticeAuthor.Role.QUESTION
                    ),
                    PracticeAuthor(
                        user_id=answer.author_id, role=PracticeAuthor.Role.ANSWER
                    ),
                ],
            }

        self._page(library, PracticePage, content.PRACTICE["slug"], fields)
        Topic.objects.filter(pk=topic.pk).update(in_library=True)

    def _feature(self, home, seminar):
        for locale in self.locales.values():
            local_home = home.get_translation(locale)
            local_seminar = seminar.get_translation(locale)
            _item, created = HomePageFeaturedSeminar.objects.get_or_create(
                page=local_home, seminar=local_seminar, defaults={"sort_order": 0}
            )
            self.created += created

    # Snippets, media and workflow -----------------------------------------------

    def _speakers(self) -> dict[str, dict[str, Speaker]]:
        """{language: {key: Speaker}}, the kk speaker translated into ru and en."""
        result: dict[str, dict[str, Speaker]] = {code: {} for code in self.locales}
        for spec in content.SPEAKERS:
            source = Speaker.objects.filter(
                locale=self.source, name=spec[self.source.language_code]["name"]
            ).first()
            if source is None:
                source = Speaker.objects.create(
                    locale=self.source, **spec[self.source.language_code]
                )
                self.created += 1
            for code, locale in self.locales.items():
                speaker = source.get_translation_or_none(locale)
                if speaker is None:
                    speaker = source.copy_for_translation(locale)
                    for name, value in spec[code].items():
                        setattr(speaker, name, value)
                    speaker.save()
                    self.created += 1
                result[code][spec["key"]] = speaker
        return result

    def _media(self):
        Image = get_image_model()
        Document = get_document_model()
        images = []
        for title, filename, draw in (
            ("Seminar banner", "seminar-banner.png", make_banner),
            ("Seminar room", "seminar-room.png", make_room_picture),
        ):
            image = Image.objects.filter(title=title).first()
            if image is None:
                image = Image.objects.create(
                    title=title, file=ImageFile(io.BytesIO(draw()), name=filename)
                )
                self.created += 1
            images.append(image)
        documents = []
        for title, filename, pages in (
            (
                "Strategic Social Media Engagement Workbook",
                "engagement-workbook.pdf",
                content.WORKBOOK_PAGES,
            ),
            ("Seminar slides", "seminar-slides.pdf", content.SLIDES_PAGES),
        ):
            document = Document.objects.filter(title=title).first()
            if document is None:
                document = Document(title=title)
                document.file.save(filename, ContentFile(make_pdf(pages)), save=False)
                document.save()
                self.created += 1
            documents.append(document)
        return images, *documents

    def _news_workflow(self, news_index):
        """News goes live only after a moderator approves it."""
        workflow, created = Workflow.objects.get_or_create(name=content.WORKFLOW_NAME)
        if created:
            task = GroupApprovalTask.objects.create(name=content.WORKFLOW_TASK_NAME)
            task.groups.set(Group.objects.filter(name="Moderators"))
            WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
            self.created += 1
        for locale in self.locales.values():
            WorkflowPage.objects.get_or_create(
                page=news_index.get_translation(locale), defaults={"workflow": workflow}
            )
