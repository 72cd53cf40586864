"""config.staticfiles: the manifest storage's URLs, worked out once per file."""

import pytest
from django.test import override_settings
from whitenoise.storage import CompressedManifestStaticFilesStorage

from config.staticfiles import StaticFilesStorage


@pytest.fixture
def collected(tmp_path):
    """A source folder with one stylesheet, and a storage collecting it."""
    source, root = tmp_path / "source", tmp_path / "root"
    source.mkdir()
    (source / "site.css").write_text("body { color: black }")
    storage = StaticFilesStorage(location=root, base_url="/static/")
    storage.source = source
    return storage


def collect(storage):
    """What collectstatic does: copy the file in, then hash it."""
    css = storage.source / "site.css"
    if storage.exists("site.css"):
        storage.delete("site.css")
    storage.save("site.css", css.open("rb"))
    paths = {"site.css": (storage, "site.css")}
    for _name, _hashed, processed in storage.post_process(paths):
        assert not isinstance(processed, Exception)


@override_settings(DEBUG=False)
def test_a_url_is_the_hashed_name_worked_out_once(collected, monkeypatch):
    collect(collected)
    worked_out = []
    url = CompressedManifestStaticFilesStorage.url

    def counting(self, name, force=False):
        worked_out.append(name)
        return url(self, name, force)

    monkeypatch.setattr(CompressedManifestStaticFilesStorage, "url", counting)
    first = collected.url("site.css")
    assert first.startswith("/static/site.") and first.endswith(".css")
    assert first != "/static/site.css"
    assert collected.url("site.css") == first
    assert worked_out == ["site.css"]
    assert collected.url("site.css", force=True) == first  # force: anew
    assert worked_out == ["site.css", "site.css"]


@override_settings(DEBUG=False)
def test_collecting_again_forgets_the_urls_of_the_files_it_hashed(collected):
    collect(collected)
    before = collected.url("site.css")
    (collected.source / "site.css").write_text("body { color: navy }")
    collect(collected)
    after = collected.url("site.css")
    assert after != before
    assert after.startswith("/static/site.")


@override_settings(DEBUG=False)
def test_a_name_missing_from_the_manifest_is_an_error_every_time(collected):
    collect(collected)
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            collected.url("missing.js")


def test_with_debug_on_urls_are_unhashed(collected, settings):
    collect(collected)
    settings.DEBUG = False
    hashed = collected.url("site.css")
    settings.DEBUG = True
    assert collected.url("site.css") == "/static/site.css"
    settings.DEBUG = False
    assert collected.url("site.css") == hashed
