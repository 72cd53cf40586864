"""Comments in the search, on each backend: posted ones are found, hidden ones not.

Comments are written the way the site writes them (django-comments-xtd saves the
model; search/apps.py follows its saves), and the on-commit indexing tasks run.
"""

import pytest
from django_comments_xtd.models import XtdComment

from home.models import NewsPage
from search import documents
from search.backends.base import VISIBILITY_PUBLIC
from search.query import parse

VISITOR = (VISIBILITY_PUBLIC,)


def found(backend, text):
    results = backend.search(parse(text), visibilities=VISITOR, per_page=50)
    return {(hit.kind, hit.pk) for hit in results.hits}


@pytest.fixture
def news(demo):
    return NewsPage.objects.get(
        slug="press-services-seminar-astana", locale__language_code="en"
    )


@pytest.fixture
def post_comment(news, member, django_capture_on_commit_callbacks):
    def post(text, page=None, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return XtdComment.objects.create(
                content_object=page or news,
                site_id=1,
                user=member,
                user_name=member.username,
                user_email=member.email,
                comment=text,
                **fields,
            )

    return post


def test_a_posted_comment_is_found_as_a_comment(search_backend, post_comment, news):
    comment = post_comment("Journalists asked about **accreditation** rules.")

    assert ("comment", comment.pk) in found(
        search_backend, "accreditation type:comment"
    )
    assert ("comment", comment.pk) in found(search_backend, "accreditation @alma")
    assert found(search_backend, "accreditation type:news") == set()
    hit = search_backend.search(
        parse("accreditation type:comment"), visibilities=VISITOR
    ).hits[0]
    assert hit.title == news.title
    assert hit.url == f"{news.url}#c{comment.pk}"
    assert hit.language == "en"


@pytest.mark.parametrize("change", ["is_removed", "is_public"])
def test_a_removed_or_hidden_comment_is_not_found(
    search_backend, post_comment, change, django_capture_on_commit_callbacks
):
    comment = post_comment("Nobody should find this moderation example.")
    reply = post_comment("A reply under it about moderation.", parent_id=comment.pk)
    assert ("comment", comment.pk) in found(search_backend, "moderation")

    with django_capture_on_commit_callbacks(execute=True):
        setattr(comment, change, change == "is_removed")
        comment.save()

    hits = found(search_backend, "moderation type:comment")
    assert ("comment", comment.pk) not in hits
    # xtd hides the replies of a hidden comment with an update, no signal.
    assert ("comment", reply.pk) not in hits


def test_a_comment_leaves_with_its_unpublished_page(
    search_backend, post_comment, news, django_capture_on_commit_callbacks
):
    comment = post_comment("Unpublishing takes comments along.")

    with django_capture_on_commit_callbacks(execute=True):
        news.unpublish()

    assert ("comment", comment.pk) not in found(search_backend, "unpublishing")


class TestDocuments:
    def test_the_document_is_the_rendered_text_in_its_language(self, db, post_comment):
        comment = post_comment(
            "Баспасөз қызметі үшін **маңызды** кеңес <script>x()</script>"
        )

        document = documents.document_for("comment", comment.pk)

        assert document.kind == "comment" and document.pk == comment.pk
        assert (
            document.body == "Баспасөз қызметі үшін маңызды кеңес <script>x()</script>"
        )
        assert document.language == "kk"
        assert document.author == "alma"
        assert document.created_at == comment.submit_date
        assert document.visibility == VISIBILITY_PUBLIC

    def test_removed_comments_have_no_document_and_the_rebuild_skips_them(
        self, db, post_comment
    ):
        kept = post_comment("Kept in the index.")
        gone = post_comment("Removed by a moderator.", is_removed=True)

        assert documents.document_for("comment", gone.pk) is None
        assert [doc.pk for doc in documents.documents("comment")] == [kept.pk]
