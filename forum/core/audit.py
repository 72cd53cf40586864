"""The audit log: every moderator and staff action, with who, what, when and why.

Services that act call `record()` inside their own transaction, so an action
and its entry land together or not at all. Entries are never edited; the
Wagtail admin lists and searches them read-only.
"""

from django.db import models

from forum.core.models import AuditEntry


def record(*, actor, action: str, target=None, reason: str = "", **data) -> AuditEntry:
    """Write one entry. `target` is any model instance (or None for site-wide acts)."""
    target_type = target_id = target_label = ""
    if isinstance(target, models.Model):
        target_type = target._meta.label_lower
        target_id = str(target.pk)
        target_label = str(target)[:255]
    return AuditEntry.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label,
        reason=reason or "",
        data=data,
    )
