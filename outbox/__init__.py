"""The transactional outbox: side effects of a write, recorded with the write.

Indexing, notification fan-out and e-mail are rows (`Job`) written in the same
database transaction as the change that causes them, so a write never commits
without its side effects, and a broker outage delays them instead of losing
them. A relay hands due rows to Celery (at the writer's commit, and from celery
beat every few seconds); a row is done only when its action has finished.
`docs/architecture.md` ("Side effects") describes the guarantees.
"""
