"""Pieces every part of the forum shares and that know nothing of them:
Markdown, request parameters, languages, absolute links, the audit log."""
