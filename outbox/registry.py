"""Actions: the functions a job may run, under names that outlive module moves.

A job row stores its action's name, not a Python path, so that moving a function
to another module never orphans the rows already written (e-mails wait ten
minutes; a deploy lands in between). Apps register their actions in their
`tasks` module, which Celery's autodiscovery imports in workers; a web process
imports them the first time it meets a name it does not know.
"""

from collections.abc import Callable

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import autodiscover_modules

_ACTIONS: dict[str, Callable] = {}


def action(name: str):
    """Register the decorated function as the action `name`.

    An action takes JSON-serialisable arguments (ids, not rows), re-reads what
    it needs, and is idempotent: a job runs at least once, and after a lost
    worker or message, more than once.
    """

    def register(func: Callable) -> Callable:
        known = _ACTIONS.get(name)
        if known is not None and known.__qualname__ != func.__qualname__:
            raise ImproperlyConfigured(f"outbox action {name!r} is registered twice")
        _ACTIONS[name] = func
        return func

    return register


def get(name: str) -> Callable:
    """The action called `name`; raises LookupError for an unknown one."""
    if name not in _ACTIONS:
        autodiscover_modules("tasks")
    try:
        return _ACTIONS[name]
    except KeyError:
        raise LookupError(f"no outbox action is called {name!r}") from None
