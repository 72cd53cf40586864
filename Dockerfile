# syntax=docker/dockerfile:1

# One image for the whole site. It serves the web with gunicorn by default;
# docker-compose.yml runs the same image as the Celery worker, Celery beat and the
# one-shot migrate job by changing only the command.
# Third-party browser assets come from the npm registry at build time.
FROM node:20-slim AS assets
WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts

FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=config.settings.production

# The processes run as `app`, which owns nothing but the media directory: the code
# and the collected static files stay read-only to the site. /app/media is created
# here so that a fresh named volume mounted on it starts out owned by `app`.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home app \
    && mkdir -p /app/media \
    && chown app:app /app/media

WORKDIR /app

# Requirements before the source, so that a code change does not reinstall them.
# The compiled dependencies (psycopg, Pillow, pydantic-core, nh3) ship manylinux
# wheels, so the slim image needs no compiler.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
COPY --from=assets /build/node_modules/htmx.org/dist/htmx.min.js static/vendor/htmx.min.js

# Both commands load the production settings, which refuse to start without their
# secrets. These placeholders exist for this RUN line only (they are not ENV, so
# the image does not keep them); nothing connects to them, and a running
# container gets the real values from its environment.
RUN SECRET_KEY=build-only-placeholder \
    DATABASE_URL=postgres://build@localhost:5432/build \
    REDIS_URL=redis://localhost:6379/0 \
    ALLOWED_HOSTS=localhost \
    SEARCH_BACKEND=database \
    sh -c "python manage.py compile_translations && python manage.py collectstatic --noinput"

USER app

EXPOSE 8000

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "/app/docker/healthcheck.py"]

# /dev/shm keeps the workers' heartbeat files off the container's overlay disk.
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-"]
