"""The forum's three languages, and a field in the reader's one."""

from django.conf import settings
from django.utils.translation import get_language

LANGUAGE_CHOICES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]


LANGUAGE_CODES = [code for code, _name in LANGUAGE_CHOICES]


def localized(obj, field: str) -> str:
    """`obj.<field>_<active language>`, falling back through kk, ru, en."""
    language = (get_language() or settings.LANGUAGE_CODE)[:2]
    for code in [language, *LANGUAGE_CODES]:
        value = getattr(obj, f"{field}_{code}", "")
        if value:
            return value
    return ""
