"""What workers run for members: beat's trust levels, the invitation e-mail."""

from celery import shared_task

from forum.members import services, trust
from outbox.registry import action

action("forum.send_invitation")(services.invitation_send)


@shared_task(name="forum.trust.update_trust_levels")
def update_trust_levels() -> dict:
    """Celery beat runs this hourly (settings.CELERY_BEAT_SCHEDULE)."""
    run = trust.recalculate_trust_levels()
    return {"promoted": run.promoted, "demoted": run.demoted}
