"""What workers run for members: beat's trust levels and session clean-up, the
invitation e-mail."""

from celery import shared_task
from django.core.management import call_command

from forum.members import services, trust
from outbox.registry import action

action("forum.send_invitation")(services.invitation_send)


@shared_task(name="forum.trust.update_trust_levels")
def update_trust_levels() -> dict:
    """Celery beat runs this hourly (settings.CELERY_BEAT_SCHEDULE)."""
    run = trust.recalculate_trust_levels()
    return {"promoted": run.promoted, "demoted": run.demoted}


@shared_task(name="forum.members.clear_sessions")
def clear_sessions() -> None:
    """Celery beat runs this nightly: expired sessions go (Django's clearsessions).

    Visitors get no session (forum/discussions/viewcounts.py counts their
    views without one), so these are members' and sign-up forms' sessions.
    """
    call_command("clearsessions")
