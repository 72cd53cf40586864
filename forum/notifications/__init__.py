"""Notifications: watching levels, the fan-out, the bell, e-mail and digests."""
