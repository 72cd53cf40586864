"""The icons browsers and home screens look for without reading a page."""

from django.templatetags.static import static


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response.url == static("img/favicon.ico")
    assert "max-age=86400" in response["Cache-Control"]
    assert client.head("/favicon.ico").status_code == 302


def test_pages_name_their_icons_and_manifest(client, demo):
    body = client.get("/kk/").content.decode()
    assert f'href="{static("img/icon.svg")}"' in body
    assert f'href="{static("img/apple-touch-icon.png")}"' in body
    assert 'rel="manifest" href="/kk/manifest.webmanifest"' in body


def test_the_manifest_names_the_site_in_the_pages_language(client):
    manifest = client.get("/ru/manifest.webmanifest")
    assert manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["name"] == "Форум стратегических цифровых коммуникаций"
    assert data["lang"] == "ru" and data["start_url"] == "/ru/"
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512", "any"}
