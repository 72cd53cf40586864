"""Compile the project's .po catalogues into .mo files, without GNU gettext.

Django's `compilemessages` needs `msgfmt`, which a fresh machine or a slim
container may not have; polib (already a dependency of wagtail-localize) does
the same job in Python. Only the project's own LOCALE_PATHS are compiled:
Django, Wagtail and other packages ship theirs compiled.
"""

from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile locale/*/LC_MESSAGES/*.po into .mo files (no gettext needed)."

    def handle(self, *args, **options):
        catalogues = sorted(
            po
            for path in settings.LOCALE_PATHS
            for po in Path(path).glob("*/LC_MESSAGES/*.po")
        )
        if not catalogues:
            raise CommandError("No .po files found under LOCALE_PATHS.")
        for po_path in catalogues:
            catalogue = polib.pofile(str(po_path))
            catalogue.save_as_mofile(str(po_path.with_suffix(".mo")))
            self.stdout.write(
                f"{po_path.relative_to(settings.BASE_DIR)}: "
                f"{catalogue.percent_translated()}% translated"
            )
