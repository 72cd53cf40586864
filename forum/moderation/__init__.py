"""Moderation: the review queue (holds and flags), decisions, suspensions."""
