"""Trust levels (work in progress: see the contract).

CONTRACT:
- check_post(actor, raw): raise ValidationError({"raw": ...}) when the text has
  more links, images or mentions than the author's trust level allows.
- needs_approval(actor) -> bool: a level-0 member's first posts are held.
"""


def check_post(actor, raw: str) -> None:
    pass


def needs_approval(actor) -> bool:
    return False
