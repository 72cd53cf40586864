"""Posts know their language, and pages mark content in another language than
theirs with `lang`, so that screen readers read it with its own rules."""

import re

import pytest

from forum.core.languages import detect
from forum.discussions import services
from tests.readable_text import english_runs, readable_texts


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Үш тілде жариялау: аударманы кім тексереді?", "kk"),
        ("Рахмет, келісемін", "kk"),
        ("Как часто публиковать в Telegram-канале госоргана?", "ru"),
        ("Согласен с Әйгерім: главное — цифры, а не лайки в отчёте.", "ru"),
        ("Which metrics do you report to leadership every week?", "en"),
        ("Qazaqstan Respýblıkasy baspasóz qyzmetі", "kk"),
        # Code, links and handles say nothing of the language.
        ("```python\nprint('hello world')\n``` Код мынада", "fallback"),
        ("@someone https://example.kz/long/english/path ok", "fallback"),
        ("Спасибо!", "fallback"),
    ],
)
def test_a_texts_language_is_told_from_its_letters(text, language):
    assert detect(text, fallback="fallback") == language


def post_body(html: str, number: int) -> str:
    return re.search(rf'<div class="post-body"[^>]*data-post-number="{number}"', html)[
        0
    ]


def test_a_reply_in_another_language_is_marked_on_the_page(client, make_topic, member2):
    topic = make_topic(title="Баспасөз хабарламасы", language="kk")
    services.post_create(
        actor=member2,
        topic=topic,
        raw="We write ours in English first, then translate.",
    )
    services.post_create(actor=member2, topic=topic, raw="Біз бірден қазақша жазамыз.")
    assert list(topic.posts.order_by("number").values_list("language", flat=True)) == [
        "kk",
        "en",
        "kk",
    ]
    kk = client.get(f"/kk{topic.get_absolute_url()[3:]}").content.decode()
    assert 'lang="en"' in post_body(kk, 2)
    assert "lang=" not in post_body(kk, 1) and "lang=" not in post_body(kk, 3)
    en = client.get(f"/en{topic.get_absolute_url()[3:]}").content.decode()
    assert "lang=" not in post_body(en, 2)
    assert 'lang="kk"' in post_body(en, 1)
    # The title too, in the page's heading.
    assert '<h1 id="topic-title" lang="kk">' in en
    assert '<h1 id="topic-title">' in kk


def test_the_first_post_is_in_the_language_its_author_chose(make_topic):
    topic = make_topic(title="Metrics", language="ru")
    assert topic.posts.get(number=1).language == "ru"


def test_an_edit_tells_the_language_again(make_topic, member):
    topic = make_topic(language="kk")
    reply = services.post_create(
        actor=member, topic=topic, raw="Біз бірден қазақша жазамыз."
    )
    services.post_edit(
        actor=member, post=reply, raw="Мы сразу пишем по-русски, коллеги."
    )
    reply.refresh_from_db()
    assert reply.language == "ru"


def test_a_topic_in_another_language_is_marked_in_the_list(client, make_topic):
    make_topic(title="Which metrics do you report?", language="en")
    kk = client.get("/kk/forum/").content.decode()
    assert re.search(r'class="topic-title" href="[^"]+" lang="en">Which metrics', kk)
    en = client.get("/en/forum/").content.decode()
    assert re.search(r'class="topic-title" href="[^"]+">Which metrics', en)


def test_the_reader_of_pages_skips_marked_content_and_code():
    html = """<html lang="kk"><head><title>Which metrics? · Форум</title></head>
    <body><h1 lang="en">Which metrics?</h1><p>Жаңа ғана <code>lang:kk</code></p>
    <p translate="no">@aigerim</p><img alt="Logo of the forum">
    <select><option lang="en">English</option></select>
    <input type="submit" value="Send"><p>Log in to reply</p></body></html>"""
    texts = readable_texts(html, "kk")
    assert english_runs(texts, allowed=set()) == [
        "Logo of the forum",
        "Send",
        "Log in to reply",
    ]
