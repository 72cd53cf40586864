"""Production's static files storage: WhiteNoise's compressed manifest storage,
with each file's URL worked out once per process.

A page asks for a dozen static URLs ({% static %} in the head, the scripts,
the icons), and the manifest storage builds each one anew: it looks up the
hashed name, then splits, cleans, quotes and joins the path, about a tenth of
a millisecond a URL on our machines (issue #12). The answer depends only on
the name and on the manifest, which the storage reads once per process, when
it is made: so a URL is remembered for the life of the process, as the
manifest is (a deploy's collectstatic writes a new manifest for new
processes; in a process that runs collectstatic itself, post_process forgets
what was remembered). With DEBUG on the storage answers unhashed names and
nothing is remembered.
"""

from django.conf import settings
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force or settings.DEBUG:
            return super().url(name, force)
        try:
            return self._urls[name]
        except KeyError:
            # A name missing from the manifest raises here and is not kept.
            url = self._urls[name] = super().url(name)
            return url

    def post_process(self, *args, **kwargs):
        """collectstatic hashes the files anew: forget their old URLs."""
        yield from super().post_process(*args, **kwargs)
        self._urls.clear()
