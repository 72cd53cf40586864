"""What a forum topic's seminar reference is (conf.FORUM_SEMINAR_REFERENCE).

The forum stores a seminar's translation key and a material's document id
on a topic (forum.core.references); this finds the published seminar in the
reader's language, else in any other, and the material in it.
"""

import dataclasses

from django.conf import settings

from forum.core.references import Reference

from .models import SeminarPage


def reference_for(seminar_key, material_id, language: str) -> Reference | None:
    versions = list(
        SeminarPage.objects.live()
        .public()
        .filter(translation_key=seminar_key)
        .select_related("locale")
    )
    if not versions:
        return None
    # The reader's language, then the site's default, then the others.
    order = [
        language,
        settings.LANGUAGE_CODE,
        *(code for code, _ in settings.LANGUAGES),
    ]
    seminar = min(
        versions,
        key=lambda page: (
            order.index(page.locale.language_code)
            if page.locale.language_code in order
            else len(order)
        ),
    )
    reference = Reference(
        seminar_key=seminar.translation_key,
        title=seminar.title,
        url=seminar.url,
        language=seminar.locale.language_code,
    )
    for block in seminar.materials:
        document = block.value["document"] if block.block_type == "document" else None
        if document is not None and document.pk == material_id:
            return dataclasses.replace(
                reference,
                material_id=document.pk,
                material_title=block.value["title"] or document.title,
                material_url=document.url,
            )
    return reference
