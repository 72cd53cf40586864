"""Forum pages: lists, topics, the composer and the actions on posts.

Views stay thin: they parse input, ask forum.permissions, call a selector or a
service, and render. Actions answer htmx with a fragment and plain form posts
with a redirect, so every page works without JavaScript.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST, require_safe

import pagecache
from forum import permissions
from forum.core import params, references
from forum.core.markdown import render as render_markdown
from forum.core.web import is_htmx
from forum.discussions import (
    fragments,
    rows,
    selectors,
    services,
    uploads,
    viewcounts,
)
from forum.discussions.forms import DraftForm, PostForm, TopicForm, TopicStateForm
from forum.members import honeypot, ratelimit
from forum.models import Category, Draft, Post, Tag
from forum.moderation import services as moderation

UPLOAD_LOCKED_MESSAGE = _lazy(
    "New members can attach images and files once they have been around a "
    "little longer: read a few topics and come back on another day."
)


# Lists --------------------------------------------------------------------------


@require_safe
def topic_list(request, view="latest", category_slug=None, tag_name=None):
    if view not in selectors.LIST_VIEWS:
        raise Http404
    if view in ("unread", "new") and not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    category = (
        selectors.category_by_slug(request.user, category_slug)
        if category_slug
        else None
    )
    tag = get_object_or_404(Tag, name=tag_name) if tag_name else None
    period = request.GET.get("period", "all")
    if period not in selectors.TOP_PERIODS:
        period = "all"
    seminar = references.reference_for(
        references.parse_key(request.GET.get("seminar")), None, get_language()[:2]
    )
    listing = selectors.topic_list(
        user=request.user,
        view=view,
        category=category,
        tag=tag,
        period=period,
        after=request.GET.get("after"),
        seminar=seminar,
    )
    context = {
        "listing": listing,
        "rows_html": rows.render_rows(listing.page.object_list),
        "counts": selectors.unread_and_new_counts(request.user),
        "categories_html": rows.category_cards(request.user)
        if category is None
        else "",
        "can_create_topic": permissions.is_member(request.user)
        and (category is None or permissions.can_create_topic(request.user, category)),
        "periods": list(selectors.TOP_PERIODS),
    }
    template = "forum/_topic_rows.html" if is_htmx(request) else "forum/topic_list.html"
    return render(request, template, context)


@require_safe
def categories(request):
    return render(
        request,
        "forum/categories.html",
        {"categories_html": rows.category_cards(request.user)},
    )


# Topic page ---------------------------------------------------------------------


@require_safe
def topic_detail(request, slug, topic_id, number=None):
    topic = selectors.topic_for_page(request.user, topic_id)
    if number is not None:
        page_number = selectors.page_of_post(number)
    else:
        page_number = request.GET.get("page", 1)
    if slug != topic.slug and not is_htmx(request):
        target = topic.get_post_url(number) if number else topic.get_absolute_url()
        return redirect(target, permanent=True)
    posts = selectors.topic_posts(
        user=request.user, topic=topic, page_number=page_number
    )
    last_read = getattr(topic, "reader_last_read", None)  # topic_for_page
    if permissions.is_member(request.user) and posts.object_list:
        # The last page reads the topic to its end, past held or deleted posts
        # this reader cannot see, so that they never count as unread.
        read_to = (
            posts.object_list[-1].number
            if posts.has_next()
            else topic.highest_post_number
        )
        services.topic_mark_read(user=request.user, topic=topic, post_number=read_to)
    if not is_htmx(request):
        viewcounts.record(topic.pk, viewcounts.viewer(request))
    first_unread = None
    if (
        number is None
        and last_read is not None
        and last_read < topic.highest_post_number
    ):
        first_unread = last_read + 1
    if is_htmx(request):
        context = {
            "topic": topic,
            "posts": posts,
            "posts_html": fragments.render_posts(
                request, posts.object_list, topic, focus=number
            ),
        }
        return render(request, "forum/_posts_page.html", context)
    context = _topic_context(request, topic, posts, focus=number)
    context["first_unread"] = first_unread
    # Queries only for a topic that discusses a seminar.
    context["reference"] = references.reference_for(
        topic.seminar_key, topic.material_id, get_language()[:2]
    )
    if topic.in_library:
        context["practice"] = references.practice_for(topic, get_language()[:2])
    if context["can"].reply:
        initial = _reply_initial(request, topic)
        context["reply_fields"] = fragments.reply_fields(
            topic,
            form_class=PostForm,
            raw=initial.get("raw") or "",
            reply_to=initial.get("reply_to"),
            can_upload=permissions.can_upload(request.user),
        )
    elif permissions.is_suspended(request.user):
        context["suspension"] = moderation.active_suspension(request.user)
    # Served again from the anonymous page cache, the page still counts a view.
    return pagecache.note(
        render(request, "forum/topic.html", context), topic_view=topic.pk
    )


def _topic_context(request, topic, posts, focus=None) -> dict:
    """What every topic page shows: the heading, the posts, the abilities."""
    heading_html, posts_html = fragments.render_page(
        request, posts.object_list, topic, focus=focus
    )
    return {
        "topic": topic,
        "heading_html": heading_html,
        "posts": posts,
        "posts_html": posts_html,
        "can": permissions.topic_abilities(request.user, topic),
    }


def _reply_initial(request, topic) -> dict:
    """What the reply composer starts with: a saved draft or a quote (`topic`
    from selectors.topic_for_page, for a member)."""
    initial = {}
    if topic.reader_draft_raw is not None:  # from selectors.topic_for_page
        saved = topic.reader_draft_data or {}
        initial = {"raw": topic.reader_draft_raw, "reply_to": saved.get("reply_to")}
    if quote_number := params.parse_id(request.GET.get("quote")):
        quoted = (
            Post.objects.filter(
                topic=topic, number=quote_number, deleted_at__isnull=True
            )
            .select_related("author", "topic__category")
            .first()
        )
        if quoted is not None and permissions.can_read_post(request.user, quoted):
            initial = {"raw": quote_markdown(quoted, quoted.raw), "reply_to": quoted.pk}
    return initial


def quote_markdown(post, text: str) -> str:
    """A Markdown blockquote that credits the quoted post's author."""
    author = post.author.get_username() if post.author else _("a former member")
    lines = "\n".join(
        f"> {line}" if line else ">" for line in text.strip().splitlines()
    )
    credit = _("@%(author)s [wrote](%(url)s):") % {
        "author": author,
        "url": post.topic.get_post_url(post.number),
    }
    return f"> {credit}\n{lines}\n\n"


# Writing ------------------------------------------------------------------------


@login_required
def topic_create(request):
    if not permissions.can_write(request.user):
        raise PermissionDenied  # suspended: reads, writes nothing
    category = None
    if slug := request.GET.get("category"):
        category = Category.objects.filter(slug=slug).first()
    limited = None
    if request.method == "POST":
        if rejected := honeypot.rejected(request, "new topic"):
            return rejected
        form = TopicForm(request.POST, user=request.user)
        if form.is_valid():
            allowance = ratelimit.hit(request, "topic")
            if isinstance(allowance, ratelimit.Limited):
                limited = allowance
                form.add_error("raw", limited.message)
            else:
                try:
                    topic = services.topic_create(
                        actor=request.user,
                        category=form.cleaned_data["category"],
                        title=form.cleaned_data["title"],
                        raw=form.cleaned_data["raw"],
                        tags=form.cleaned_data["tags"],
                        language=form.cleaned_data["language"],
                        seminar_key=form.reference and form.reference.seminar_key,
                        material_id=form.reference and form.reference.material_id,
                    )
                except ValidationError as error:
                    allowance.undo()
                    form.add_service_errors(error)
                except PermissionDenied:
                    allowance.undo()
                    form.add_error(
                        "category", _("You cannot start a topic in this category.")
                    )
                else:
                    _say_if_held(request, topic.awaiting_approval)
                    return redirect(topic.get_absolute_url())
        status = 400
    else:
        draft = Draft.objects.filter(user=request.user, key=Draft.NEW_TOPIC).first()
        initial = {"language": get_language()[:2], "category": category}
        if draft is not None:
            initial |= {"title": draft.title, "raw": draft.raw, **draft.data}
        # Opened from a seminar's "Discuss this seminar" or a material's.
        reference = references.reference_for(
            references.parse_key(request.GET.get("seminar")),
            params.parse_id(request.GET.get("material")),
            get_language()[:2],
        )
        if reference is not None:
            initial |= {
                "seminar": reference.seminar_key,
                "material": reference.material_id or "",
            }
        form = TopicForm(initial=initial, user=request.user)
        form.reference = reference
        status = 200
    response = render(
        request,
        "forum/topic_form.html",
        {
            "form": form,
            "reference": getattr(form, "reference", None),
            "suggested_tags": selectors.suggested_tags(),
            "can_upload": permissions.can_upload(request.user),
        },
        status=status,
    )
    return _limited_response(response, limited)


def _say_if_held(request, held: bool):
    if held:
        messages.info(
            request,
            _(
                "Thank you! As a new member, your first posts wait for a moderator "
                "before others can see them. We will let you know."
            ),
        )


def _limited_response(response, limited):
    """Over a rate limit the composer comes back, text kept, as a 429."""
    if limited is not None:
        ratelimit.with_retry_after(response, limited)
    return response


@login_required
@require_POST
def reply(request, topic_id):
    topic = selectors.topic_for_reader(request.user, topic_id)
    if not permissions.can_reply(request.user, topic):
        raise PermissionDenied
    if rejected := honeypot.rejected(request, "reply"):
        return rejected
    form = PostForm(request.POST, topic=topic)
    limited = None
    if form.is_valid():
        allowance = ratelimit.hit(request, "reply")
        if isinstance(allowance, ratelimit.Limited):
            limited = allowance
            form.add_error("raw", limited.message)
        else:
            try:
                post = services.post_create(
                    actor=request.user,
                    topic=topic,
                    raw=form.cleaned_data["raw"],
                    reply_to=form.cleaned_data["reply_to"],
                )
            except ValidationError as error:
                allowance.undo()
                form.add_service_errors(error)
            else:
                _say_if_held(request, post.awaiting_approval)
                return redirect(post.get_absolute_url() + f"#post-{post.number}")
    # Show the topic again with the composer holding every character typed.
    posts = selectors.topic_posts(
        user=request.user, topic=topic, page_number=request.GET.get("page", 1)
    )
    context = _topic_context(request, topic, posts)
    context |= {"reply_form": form, "can_upload": permissions.can_upload(request.user)}
    response = render(request, "forum/topic.html", context, status=400)
    return _limited_response(response, limited)


@login_required
def post_edit(request, post_id):
    post = selectors.post_for_writer(request.user, post_id)
    if not permissions.can_edit_post(request.user, post):
        raise PermissionDenied
    topic = post.topic
    edit_title = post.is_first and permissions.can_edit_topic(request.user, topic)
    if request.method == "POST":
        if rejected := honeypot.rejected(request, "post edit"):
            return rejected
        form = PostForm(request.POST, topic=topic, with_title=edit_title)
        if form.is_valid():
            try:
                if edit_title:
                    services.topic_edit(
                        actor=request.user,
                        topic=topic,
                        title=form.cleaned_data["title"],
                    )
                services.post_edit(
                    actor=request.user, post=post, raw=form.cleaned_data["raw"]
                )
            except ValidationError as error:
                form.add_service_errors(error)
            else:
                return redirect(post.get_absolute_url() + f"#post-{post.number}")
        status = 400
    else:
        form = PostForm(
            initial={"raw": post.raw, "title": topic.title},
            topic=topic,
            with_title=edit_title,
        )
        status = 200
    return render(
        request,
        "forum/post_form.html",
        {
            "form": form,
            "post": post,
            "can_upload": permissions.can_upload(request.user),
        },
        status=status,
    )


@require_safe
def post_history(request, post_id):
    post = selectors.post_for_writer(request.user, post_id)
    if post.is_deleted and not permissions.can_see_deleted_posts(
        request.user, post.topic
    ):
        raise Http404
    if not permissions.can_read_post(request.user, post):
        raise Http404
    revisions = post.revisions.select_related("editor").order_by("-number")
    versions = [
        {
            "number": revision.number,
            "html": render_markdown(revision.raw),
            "revision": revision,
        }
        for revision in revisions
    ]
    return render(
        request,
        "forum/post_history.html",
        {"post": post, "topic": post.topic, "versions": versions},
    )


# Actions on posts ---------------------------------------------------------------


def _post_action(request, post_id, action):
    """Run `action(post)` for a POST, answering htmx with the post fragment."""
    post = selectors.post_for_writer(request.user, post_id)
    try:
        action(post)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    if is_htmx(request):
        topic = selectors.topic_for_reader(request.user, post.topic_id)
        fresh = selectors.post_in_topic(request.user, topic, post.number)
        return HttpResponse(fragments.render_posts(request, [fresh], topic))
    return redirect(post.topic.get_post_url(post.number) + f"#post-{post.number}")


@login_required
@require_POST
def post_like(request, post_id):
    allowance = ratelimit.hit(request, "like")
    if isinstance(allowance, ratelimit.Limited):
        return ratelimit.too_many(request, allowance)

    def like(post):
        if not services.like_toggle(actor=request.user, post=post):
            allowance.undo()  # taking a like back does not use up the allowance

    return _post_action(request, post_id, like)


@pagecache.keeps_public_pages
@login_required
@require_POST
def post_bookmark(request, post_id):
    return _post_action(
        request,
        post_id,
        lambda post: services.bookmark_toggle(actor=request.user, post=post),
    )


@login_required
@require_POST
def post_delete(request, post_id):
    post = selectors.post_for_writer(request.user, post_id)
    services.post_delete(actor=request.user, post=post)
    if post.is_first:
        messages.success(request, _("The topic was deleted."))
        return redirect(post.topic.category.get_absolute_url())
    messages.success(request, _("The post was deleted."))
    return redirect(post.topic.get_absolute_url())


@login_required
@require_POST
def post_restore(request, post_id):
    return _post_action(
        request,
        post_id,
        lambda post: services.post_restore(actor=request.user, post=post),
    )


@login_required
@require_POST
def post_solve(request, post_id):
    post = selectors.post_for_writer(request.user, post_id)
    if request.POST.get("undo"):
        services.solution_clear(actor=request.user, topic=post.topic)
    else:
        services.solution_accept(actor=request.user, post=post)
    return redirect(post.topic.get_absolute_url())


@login_required
@require_POST
def topic_state(request, topic_id):
    topic = selectors.topic_for_reader(request.user, topic_id)
    if not permissions.can_change_topic_state(request.user, topic):
        raise PermissionDenied
    form = TopicStateForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Unknown topic state."))
    services.topic_set_state(actor=request.user, topic=topic, **form.changes())
    messages.success(request, _("The topic was updated."))
    return redirect(topic.get_absolute_url())


# Composer helpers ---------------------------------------------------------------


@pagecache.keeps_public_pages
@login_required
@require_POST
def preview(request):
    """The composer's live preview, counted like posting: rendering 32,000
    characters of Markdown takes up to seconds of a worker. Over the limit
    htmx gets the message where the preview goes (it swaps no 4xx answer, as
    the watch control says too), the preview button's page a 429."""
    allowance = ratelimit.hit(request, "preview")
    if isinstance(allowance, ratelimit.Limited):
        if is_htmx(request):
            return render(
                request, "forum/_preview_limited.html", {"message": allowance.message}
            )
        return ratelimit.too_many(request, allowance)
    return render(
        request,
        "forum/_preview.html",
        {
            "html": render_markdown(
                request.POST.get("raw", "")[: services.POST_MAX_LENGTH]
            )
        },
    )


@pagecache.keeps_public_pages
@login_required
@require_POST
def draft_save(request):
    """Autosave. A field that is not what the composer sends (an id that is not
    one, an unknown language) is a 400 and nothing is saved."""
    form = DraftForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest()
    topic = None
    if topic_id := form.cleaned_data["topic"]:
        topic = selectors.topic_for_reader(request.user, topic_id)
    services.draft_save(
        actor=request.user,
        topic=topic,
        title=form.cleaned_data["title"],
        raw=form.cleaned_data["raw"],
        data=form.draft_data(),
    )
    return render(request, "forum/_draft_saved.html")


@login_required
@require_safe
def mention_search(request):
    users = selectors.mention_candidates(request.user, request.GET.get("q", ""))
    return JsonResponse(
        {
            "results": [
                {
                    "username": user.get_username(),
                    "name": getattr(getattr(user, "profile", None), "name", "")
                    or user.get_full_name(),
                }
                for user in users
            ]
        }
    )


@login_required
@require_safe
def bookmarks(request):
    return render(
        request,
        "forum/bookmarks.html",
        {"page": selectors.bookmarks_for(request.user, request.GET.get("page"))},
    )


@pagecache.keeps_public_pages
@login_required
@require_POST
def upload(request):
    """Store an attachment; answers JSON with the Markdown to insert."""
    if not permissions.can_write(request.user):
        return JsonResponse(
            {"error": _("Your account is suspended: you cannot attach files.")},
            status=403,
        )
    file = request.FILES.get("upload")
    if file is None:
        return JsonResponse({"error": _("Choose a file to attach.")}, status=400)
    if not permissions.can_upload(request.user):
        return JsonResponse({"error": UPLOAD_LOCKED_MESSAGE}, status=403)
    allowance = ratelimit.hit(request, "upload")
    if isinstance(allowance, ratelimit.Limited):
        return ratelimit.with_retry_after(
            JsonResponse({"error": allowance.message}), allowance
        )
    try:
        stored = uploads.upload_create(actor=request.user, file=file)
    except ValidationError as error:
        allowance.undo()
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    return JsonResponse(
        {
            "markdown": uploads.markdown_for(stored),
            "url": stored.file.url,
            "name": stored.original_name,
        }
    )
