"""The forum's Celery tasks and outbox actions, found here by Celery's
autodiscovery and the outbox registry: each package keeps its own in its
tasks module."""

from forum.discussions import tasks as discussions  # noqa: F401
from forum.members import tasks as members  # noqa: F401
from forum.notifications import tasks as notifications  # noqa: F401
