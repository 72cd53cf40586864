"""Small helpers for views."""


def is_htmx(request) -> bool:
    """Whether htmx sent the request, so a fragment answers instead of a page."""
    return request.headers.get("HX-Request") == "true"
