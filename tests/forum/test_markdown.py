"""Members' Markdown comes out as safe HTML.

The requirement: CommonMark is rendered on the server and sanitised, so no raw
HTML, event handler, `javascript:` or `data:` link, or inline style survives, and
every link carries rel="nofollow ugc". Each payload below is rendered and the
result parsed the way a browser would read it; the checks look at the parsed
tags and attributes, not at substrings, so an escaped `&lt;script&gt;` shown
as text passes and a live `<script>` fails.
"""

import re
from html.parser import HTMLParser

import pytest

from forum.core.markdown import render

ALLOWED_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6",
    "hr", "img", "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th",
    "thead", "tr", "ul",
}  # fmt: skip
SAFE_SCHEMES = {"http", "https", "mailto"}
# Browsers drop tabs and newlines anywhere in a URL and C0 controls and spaces at
# its ends before reading the scheme; removing every whitespace and control
# character anywhere is stricter than that, so nothing a browser would still run
# can hide behind one.
INVISIBLE = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028\u2029\ufeff]")
SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")


class Collector(HTMLParser):
    """Every start tag with its attributes, entities decoded once as a browser does."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.comments: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_comment(self, data):
        self.comments.append(data)


def parse(html: str) -> Collector:
    collector = Collector()
    collector.feed(html)
    collector.close()
    return collector


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see in `url`, or None for a relative URL."""
    cleaned = INVISIBLE.sub("", url).lower()
    match = SCHEME.match(cleaned)
    return match.group(1) if match else None


def assert_safe(html: str):
    parsed = parse(html)
    assert not parsed.comments, html
    for tag, attrs in parsed.elements:
        assert tag in ALLOWED_TAGS, f"<{tag}> survived in {html!r}"
        for name, value in attrs.items():
            assert not name.startswith("on"), f"{name}= on <{tag}> in {html!r}"
            assert name != "style", f"style= on <{tag}> in {html!r}"
            if name in ("href", "src"):
                scheme = url_scheme(value or "")
                assert scheme is None or scheme in SAFE_SCHEMES, (
                    f"{name}={value!r} on <{tag}> in {html!r}"
                )
        if tag == "a":
            assert attrs.get("rel") == "nofollow ugc", f"<a {attrs}> in {html!r}"


XSS_PAYLOADS = {
    # Raw HTML of every dangerous kind.
    "script": "<script>alert(1)</script>",
    "script-uppercase": "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "script-split-by-markdown": "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "img-onerror": "<img src=x onerror=alert(1)>",
    "img-onerror-in-paragraph": "Look: <img src=x onerror=alert(1)> nice",
    "svg-onload": "<svg onload=alert(1)>",
    "svg-script": "<svg><script>alert(1)</script></svg>",
    "iframe": '<iframe src="javascript:alert(1)"></iframe>',
    "iframe-srcdoc": '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    "object": '<object data="javascript:alert(1)"></object>',
    "embed": '<embed src="data:text/html,<script>alert(1)</script>">',
    "style-tag": "<style>body{background:url(javascript:alert(1))}</style>",
    "style-attribute": '<p style="background:url(javascript:alert(1))">x</p>',
    "div-style-block": '<div style="position:fixed;inset:0">\n\n**x**\n\n</div>',
    "a-javascript": '<a href="javascript:alert(1)">x</a>',
    "html-comment": "<!-- <script>alert(1)</script> -->",
    "conditional-comment": "<!--[if gte IE 4]><script>alert(1)</script><![endif]-->",
    "form-input": '<form action="javascript:alert(1)"><input type=submit></form>',
    "button-formaction": '<button formaction="javascript:alert(1)">x</button>',
    "math-mglyph-mxss": (
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>"
        "</style></mglyph></table></mtext></math>"
    ),
    "noscript-mxss": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "template": "<template><img src=x onerror=alert(1)></template>",
    "base-href": '<base href="javascript:alert(1)//">',
    "meta-refresh": ('<meta http-equiv="refresh" content="0;url=javascript:alert(1)">'),
    "details-ontoggle": "<details open ontoggle=alert(1)>",
    "cdata": "<![CDATA[<script>alert(1)</script>]]>",
    "html-block-then-markdown": "<div>\n<script>alert(1)</script>\n</div>",
    # Markdown links and images with hostile destinations.
    "md-link-javascript": "[x](javascript:alert(1))",
    "md-link-mixed-case": "[x](JaVaScRiPt:alert(1))",
    "md-link-entity-hex": "[x](java&#x73;cript:alert(1))",
    "md-link-entity-decimal": "[x](&#106;avascript:alert(1))",
    "md-link-entity-all": "[x](&#x6A;&#x61;&#x76;&#x61;script&#x3A;alert(1))",
    "md-link-entity-colon": "[x](javascript&colon;alert(1))",
    "md-link-tab-in-scheme": "[x](java\tscript:alert(1))",
    "md-link-newline-in-scheme": "[x](<java\nscript:alert(1)>)",
    "md-link-entity-newline": "[x](jav&#x0A;ascript:alert(1))",
    "md-link-entity-tab": "[x](jav&#x09;ascript:alert(1))",
    "md-link-entity-nul": "[x](java&#0;script:alert(1))",
    "md-link-control-prefix": "[x](\x01javascript:alert(1))",
    "md-link-entity-control-prefix": "[x](&#14;javascript:alert(1))",
    "md-link-nbsp-prefix": "[x](\u00a0javascript:alert(1))",
    "md-link-leading-spaces": "[x](   javascript:alert(1))",
    "md-link-angle-destination": "[x](<javascript:alert(1)>)",
    "md-link-vbscript": "[x](vbscript:msgbox(1))",
    "md-link-data-html": (
        "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"
    ),
    "md-link-file": "[x](file:///etc/passwd)",
    "md-link-scheme-after-https": "[x](https:javascript:alert(1))",
    "md-image-javascript": "![x](javascript:alert(1))",
    "md-image-data-svg": "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "md-image-onerror-in-title": '![x](https://e.example/a.png "onerror=alert(1)")',
    "md-image-quote-breaking-title": (
        '![x](https://e.example/a.png "x\\" onerror=\\"alert(1)")'
    ),
    "md-image-quote-in-alt": '![a" onerror="alert(1)](https://e.example/a.png)',
    "md-link-quote-breaking-title": (
        "[x](https://e.example/ 'x\" onmouseover=\"alert(1)')"
    ),
    "md-link-quote-in-destination": '[x](https://e.example/"onclick=alert(1))',
    "autolink-javascript": "<javascript:alert(1)>",
    "autolink-data": "<data:text/html,<script>alert(1)</script>>",
    "autolink-vbscript": "<vbscript:msgbox(1)>",
    "reference-javascript": "[x][1]\n\n[1]: javascript:alert(1)",
    "reference-entity-javascript": "[x][r]\n\n[r]: &#106;avascript:alert(1) 'title'",
    "reference-image-data": (
        "![x][img]\n\n[img]: data:image/svg+xml,<svg/onload=alert(1)>"
    ),
    "nested-brackets": "[[x](javascript:alert(1))](https://e.example)",
    "nested-image-in-link": "[![x](javascript:alert(1))](javascript:alert(2))",
    "link-after-safe-link": "[ok](https://e.example)[x](javascript:alert(1))",
    "html-in-link-text": "[<img src=x onerror=alert(1)>](https://e.example)",
    "markdown-in-html-attribute": '<a href="[x](javascript:alert(1))">y</a>',
    "markdown-link-in-attribute": '<img alt="![x](javascript:alert(1))" src=x>',
    "escaped-angle-brackets": "\\<script>alert(1)\\</script>",
    "unicode-fullwidth-brackets": "\uff1cscript\uff1ealert(1)\uff1c/script\uff1e",
    "entity-encoded-tags": "&lt;script&gt;alert(1)&lt;/script&gt;",
    "double-encoded-tags": "&amp;lt;script&amp;gt;alert(1)",
    "script-in-table-cell": "| a |\n|---|\n| <script>alert(1)</script> |",
    "script-in-heading": "# <img src=x onerror=alert(1)>",
    "link-in-blockquote": "> [x](javascript:alert(1))",
    "link-in-list": "- [x](javascript:alert(1))\n- <svg onload=alert(1)>",
}


@pytest.mark.parametrize("raw", XSS_PAYLOADS.values(), ids=XSS_PAYLOADS.keys())
def test_hostile_markdown_renders_to_allow_listed_html_only(raw):
    assert_safe(render(raw, {}))


def test_the_payload_list_is_long_enough_to_mean_something():
    assert len(XSS_PAYLOADS) >= 40


@pytest.mark.parametrize(
    "url, scheme",
    [
        ("/forum/", None),
        ("#top", None),
        ("page.html", None),
        ("HTTPS://E.EXAMPLE", "https"),
        ("java\tscript:alert(1)", "javascript"),
        ("\x01javascript:alert(1)", "javascript"),
        (" JaVa\nScRiPt:alert(1)", "javascript"),
    ],
)
def test_the_checker_reads_schemes_the_way_a_browser_does(url, scheme):
    assert url_scheme(url) == scheme


def test_the_checker_catches_what_it_is_meant_to_catch():
    for unsafe in (
        "<script>x</script>",
        '<a href="https://e.example">no rel</a>',
        '<p onclick="x">x</p>',
        '<p style="x">x</p>',
        '<a href="java&#x73;cript:x" rel="nofollow ugc">x</a>',
        '<img src="data:image/png;base64,AAAA">',
        "<!-- x -->",
    ):
        with pytest.raises(AssertionError):
            assert_safe(unsafe)


# What members are meant to write still works.


def test_bold_and_emphasis():
    assert render("**bold** and *soft*", {}) == (
        "<p><strong>bold</strong> and <em>soft</em></p>\n"
    )


def test_bullet_and_numbered_lists():
    html = render("- one\n- two\n\n3. three\n4. four", {})
    assert "<ul>\n<li>one</li>\n<li>two</li>\n</ul>" in html
    assert '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>' in html


def test_blockquote():
    assert render("> quoted", {}) == "<blockquote>\n<p>quoted</p>\n</blockquote>\n"


def test_code_span_shows_script_tags_as_text():
    html = render("Use `<script>alert(1)</script>` never", {})
    assert "<code>&lt;script&gt;alert(1)&lt;/script&gt;</code>" in html
    assert [tag for tag, _attrs in parse(html).elements] == ["p", "code"]


def test_fenced_code_block_keeps_its_text_escaped():
    html = render("```python\nif a < b:\n    print('<b>')\n```", {})
    assert html == ("<pre><code>if a &lt; b:\n    print('&lt;b&gt;')\n</code></pre>\n")


def test_https_link_keeps_its_href_and_gets_nofollow_ugc():
    html = render("[gov](https://www.gov.kz/a?b=1&c=2)", {})
    (a,) = [attrs for tag, attrs in parse(html).elements if tag == "a"]
    assert a == {"href": "https://www.gov.kz/a?b=1&c=2", "rel": "nofollow ugc"}


@pytest.mark.parametrize(
    "raw, href",
    [
        ("[x](/forum/t/slug/1/)", "/forum/t/slug/1/"),
        ("[x](#post-3)", "#post-3"),
        ("[x](mailto:press@gov.kz)", "mailto:press@gov.kz"),
        ("<http://example.kz/>", "http://example.kz/"),
    ],
)
def test_relative_mailto_and_autolinks_are_kept(raw, href):
    (a,) = [attrs for tag, attrs in parse(render(raw, {})).elements if tag == "a"]
    assert a["href"] == href
    assert a["rel"] == "nofollow ugc"


@pytest.mark.parametrize(
    "raw",
    ["[x](/\\evil.example)", "[x](\\\\evil.example)", "![x](/\\evil.example/i.png)"],
)
def test_a_backslash_disguising_another_site_as_a_path_is_no_link(raw):
    """Browsers read "/\\host" as "//host": such a link only hides where it goes."""
    elements = parse(render(raw, {})).elements
    assert [tag for tag, _attrs in elements] == ["p"]


def test_a_protocol_relative_link_stays_a_link_to_its_site():
    """forum/members/trust.py counts it as a link to another site (test_trust.py)."""
    (a,) = [
        a for tag, a in parse(render("[x](//e.example/c)", {})).elements if tag == "a"
    ]
    assert a == {"href": "//e.example/c", "rel": "nofollow ugc"}


def test_https_image_is_kept():
    html = render('![Chart](https://cdn.example.kz/c.png "Q3")', {})
    (img,) = [attrs for tag, attrs in parse(html).elements if tag == "img"]
    assert img == {"src": "https://cdn.example.kz/c.png", "alt": "Chart", "title": "Q3"}


def test_table_renders():
    html = render("| Region | Posts |\n|---|---|\n| Almaty | 12 |", {})
    tags = [tag for tag, _attrs in parse(html).elements]
    assert tags == ["table", "thead", "tr", "th", "th", "tbody", "tr", "td", "td"]
    assert "<td>Almaty</td>" in html


def test_table_column_alignment_survives_without_inline_styles():
    """`align` is allow-listed on th/td so that `|--:|` columns keep their alignment.

    markdown-it writes alignment as style="text-align:…", which the sanitiser
    rightly strips; the alignment has to reach the page another way.
    """
    html = render("| Region | Posts |\n|:--|--:|\n| Almaty | 12 |", {})
    cells = [attrs for tag, attrs in parse(html).elements if tag in ("th", "td")]
    assert all("style" not in attrs for attrs in cells)
    assert [attrs.get("align") for attrs in cells] == ["left", "right"] * 2


def test_strikethrough_headings_rule_and_line_break():
    html = render("~~old~~\n\n## Title\n\n---\n\nline one\nline two", {})
    assert "<s>old</s>" in html
    assert "<h2>Title</h2>" in html
    assert "<hr>" in html
    assert "line one<br>\nline two" in html


# @mentions


@pytest.fixture
def aigerim2(db, django_user_model):
    return django_user_model.objects.create_user(
        username="aigerim2", email="aigerim2@example.kz", password="pw-12345678"
    )


def mention_links(html: str) -> list[dict]:
    return [
        attrs
        for tag, attrs in parse(html).elements
        if tag == "a" and attrs.get("class") == "mention"
    ]


def test_mention_of_a_member_links_to_their_profile(aigerim2):
    html = render("hi @aigerim2")
    assert '<a class="mention" href="/forum/u/aigerim2/"' in html
    assert ">@aigerim2</a>" in html
    assert mention_links(html) == [
        {"class": "mention", "href": "/forum/u/aigerim2/", "rel": "nofollow ugc"}
    ]


def test_mention_matches_the_username_whatever_the_case(aigerim2):
    assert mention_links(render("thanks @AIGERIM2."))[0]["href"] == (
        "/forum/u/aigerim2/"
    )


def test_mention_of_nobody_stays_plain_text(db):
    assert render("hi @nobodyhere") == "<p>hi @nobodyhere</p>\n"


def test_mention_inside_code_is_not_linked(aigerim2):
    html = render("`@aigerim2`")
    assert html == "<p><code>@aigerim2</code></p>\n"
    assert mention_links(html) == []


def test_email_like_text_is_not_a_mention(aigerim2):
    html = render("mail@aigerim2.kz")
    assert mention_links(html) == []
    assert "/forum/u/" not in html


def test_mention_of_an_inactive_member_is_not_linked(aigerim2):
    aigerim2.is_active = False
    aigerim2.save(update_fields=["is_active"])
    assert mention_links(render("hi @aigerim2")) == []


def test_mention_inside_link_text_does_not_nest_links(aigerim2):
    html = render("[ask @aigerim2](https://e.example/)")
    assert mention_links(html) == []
    assert len([tag for tag, _attrs in parse(html).elements if tag == "a"]) == 1


def test_mention_inside_image_alt_text_is_kept_as_plain_text(aigerim2):
    html = render("![photo by @aigerim2](https://cdn.example.kz/a.png)")
    (img,) = [attrs for tag, attrs in parse(html).elements if tag == "img"]
    assert img["alt"] == "photo by @aigerim2"
