"""Add to locale/libraries/ the library strings the site shows and a language lacks.

django-allauth ships no Kazakh catalogue, Django's Kazakh one misses about a
third of its strings (every "5 minutes" of `timesince`, the password rules, most
form errors), django-comments-xtd has neither Kazakh nor English. The site shows
those strings on its own pages, so the project completes them in a catalogue of
its own, second in LOCALE_PATHS: behind the project's strings, ahead of the
libraries'. `make messages` rewrites locale/<lang>/ from the project's sources and
would drop them there, so they live apart.

This command finds, for each language, the strings of the parts of each library
the site uses (SOURCES) that the library does not translate, and adds them,
untranslated, to locale/libraries/<lang>/LC_MESSAGES/django.po; the catalogue
test then fails until someone translates them. Entries already there (and
hand-written overrides of a library's wording, such as the Kazakh month names
in lower case that dates use mid-sentence) are kept. Run it after upgrading one
of these libraries (the tests run it with --check):

    .venv/bin/python manage.py library_messages
"""

import importlib.util
from dataclasses import dataclass
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

LIBRARY_LOCALE = Path(settings.BASE_DIR) / "locale" / "libraries"
# How many plural forms each language has, and which one a number takes.
PLURALS = {
    "kk": (2, "(n!=1)"),
    "ru": (
        3,
        "(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && "
        "(n%100<10 || n%100>=20) ? 1 : 2)",
    ),
    "en": (2, "(n != 1)"),
}


@dataclass(frozen=True)
class Source:
    """The strings of a library's files that the site shows.

    `locale` is the library's locale directory, relative to the package; the
    catalogue in `reference` gives every msgid with the files it comes from.
    """

    package: str
    locale: str
    reference: str
    files: tuple[str, ...]
    skip: tuple[str, ...] = ()

    def directory(self) -> Path:
        spec = importlib.util.find_spec(self.package)
        return Path(spec.origin).parent / self.locale

    def catalogue(self, language: str) -> polib.POFile | None:
        path = self.directory() / language / "LC_MESSAGES" / "django.po"
        return polib.pofile(str(path)) if path.exists() else None

    def entries(self):
        for entry in self.catalogue(self.reference) or []:
            if any(self._shown(path) for path, _line in entry.occurrences):
                yield entry

    def _shown(self, path: str) -> bool:
        return path.startswith(self.files) and not any(
            word in path for word in self.skip
        )


SOURCES = [
    # Accounts: log-in, sign-up, e-mail addresses, passwords, and their e-mails
    # and messages. Not phones, log-in codes, passkeys or re-authentication,
    # which the site does not turn on.
    Source(
        "allauth",
        "locale",
        "en",
        files=("account/", "templates/account/", "templates/allauth/layouts/"),
        skip=("phone", "code", "passkey", "reauthent", "login_by", "signup_by"),
    ),
    # Form errors, validators, pagination, "5 minutes" and the CSRF failure page.
    Source(
        "django",
        "conf/locale",
        "en",
        files=(
            "core/validators.py",
            "core/paginator.py",
            "forms/",
            "utils/text.py",
            "utils/dates.py",
            "utils/timesince.py",
            "views/csrf.py",
        ),
    ),
    # The password rules and the errors of sign-up and password forms.
    Source(
        "django.contrib.auth",
        "locale",
        "en",
        files=(
            "contrib/auth/forms.py",
            "contrib/auth/password_validation.py",
            "contrib/auth/validators.py",
        ),
    ),
    # Comments on news and seminar pages (the site's templates replace most of
    # django-comments-xtd's, not its forms, views and e-mails). It ships no
    # English catalogue; its Russian one lists the strings.
    Source(
        "django_comments",
        "locale",
        "en",
        files=("django_comments/forms.py", "django_comments/views/"),
    ),
    Source(
        "django_comments_xtd",
        "locale",
        "ru",
        files=(
            "forms.py",
            "views.py",
            "models.py",
            "templates/comments/deleted.html",
            "templates/comments/flagged.html",
            "templates/comments/posted.html",
            "templates/django_comments_xtd/discarded.html",
            "templates/django_comments_xtd/moderated.html",
            "templates/django_comments_xtd/only_users_can_post.html",
        ),
    ),
]


def _needed(source: Source, language: str):
    """Entries of `source` the site shows and the library leaves untranslated in
    `language`. Every library's msgids are its English text."""
    if language == "en":
        return
    own = source.catalogue(language)
    translated = {(e.msgctxt, e.msgid) for e in own.translated_entries()} if own else ()
    for entry in source.entries():
        if (entry.msgctxt, entry.msgid) not in translated:
            yield entry


def _empty_catalogue(language: str) -> polib.POFile:
    po = polib.POFile(wrapwidth=79)
    po.metadata = {
        "Project-Id-Version": "Strategic Digital Communication Forum: libraries",
        "Language": language,
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Plural-Forms": "nplurals={}; plural={};".format(*PLURALS[language]),
    }
    return po


class Command(BaseCommand):
    help = (
        "Add the library strings the site shows and a language lacks to "
        "locale/libraries/."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Write nothing; fail if a string is missing (for tests and CI).",
        )

    def handle(self, *args, check=False, **options):
        missing = []
        for language, _name in settings.LANGUAGES:
            path = LIBRARY_LOCALE / language / "LC_MESSAGES" / "django.po"
            po = polib.pofile(str(path)) if path.exists() else None
            po = po or _empty_catalogue(language)
            present = {(entry.msgctxt, entry.msgid) for entry in po}
            added = 0
            for source in SOURCES:
                for entry in _needed(source, language):
                    if (entry.msgctxt, entry.msgid) in present:
                        continue
                    present.add((entry.msgctxt, entry.msgid))
                    po.append(_untranslated(entry, source, language))
                    added += 1
                    missing.append(f"{language}: {entry.msgid!r}")
            if check:
                continue
            if not len(po) and not path.exists():
                continue  # nothing to complete (English: the msgids themselves)
            path.parent.mkdir(parents=True, exist_ok=True)
            po.save(str(path))
            self.stdout.write(
                f"{path.relative_to(settings.BASE_DIR)}: {added} new, "
                f"{len(po.untranslated_entries())} to translate, {len(po)} in all"
            )
        if check and missing:
            raise CommandError(
                "Library strings the site shows are missing from locale/libraries/ "
                "(run manage.py library_messages and translate them): "
                + "; ".join(missing)
            )


def _files(entry: polib.POEntry) -> set[str]:
    return {path for path, _line in entry.occurrences}


def _untranslated(entry: polib.POEntry, source: Source, language: str):
    plurals, _rule = PLURALS[language]
    return polib.POEntry(
        msgid=entry.msgid,
        msgid_plural=entry.msgid_plural,
        msgctxt=entry.msgctxt,
        msgstr="",
        msgstr_plural=dict.fromkeys(range(plurals), "") if entry.msgid_plural else {},
        comment=f"{source.package}: {', '.join(sorted(_files(entry)))}",
        flags=[flag for flag in entry.flags if flag != "fuzzy"],
    )
