"""The container setup agrees with the settings it deploys.

docker-compose.yml and the Dockerfile are checked by reading them, since CI has no
Docker engine; `manage.py check --deploy` runs the production settings for real.
None of these tests needs the database.
"""

import ast
import importlib.util
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("web", "worker", "beat")
BACKING_SERVICES = ("postgres", "redis", "elasticsearch")
# The one-shot job that applies migrations before web, worker and beat start.
MIGRATE_JOB = "migrate"
# Containers that switch off the image's HEALTHCHECK (gunicorn's /healthz): beat
# serves nothing and answers no ping, and the migrate job exits when it is done.
WITHOUT_HEALTHCHECK = {"beat", MIGRATE_JOB}


def production_names(name: str) -> tuple[str, ...]:
    """A tuple from config/settings/production.py, read without importing it.

    Importing the module raises ImproperlyConfigured unless its secrets are set.
    """
    module = ast.parse((ROOT / "config/settings/production.py").read_text())
    for node in module.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Name) and target.id == name
            for target in node.targets
        ):
            return ast.literal_eval(node.value)
    raise LookupError(f"production.py defines no {name}")


REQUIRED = production_names("REQUIRED")
# Every variable a production container may set: production.py's own list, plus
# the one Django reads to find that module.
READ_BY_PRODUCTION = {
    *REQUIRED,
    *production_names("OPTIONAL"),
    "DJANGO_SETTINGS_MODULE",
}


@pytest.fixture(scope="module")
def services() -> dict:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile_instructions() -> list[str]:
    """The Dockerfile's instructions, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    joined = re.sub(r"\\\n\s*", " ", "\n".join(lines))
    return [line.strip() for line in joined.splitlines() if line.strip()]


def run_deploy_check(**environ: str) -> subprocess.CompletedProcess:
    """`manage.py check --deploy` under the production settings and `environ` only.

    Variables the production settings read are removed from the inherited
    environment, so a developer's shell cannot make the check pass or fail.
    """
    # DJANGO_ALLOW_ASYNC_UNSAFE is set for the browser tests (Playwright runs an
    # event loop); Django's deploy checks rightly refuse it in production.
    left_out = {*READ_BY_PRODUCTION, "DJANGO_ALLOW_ASYNC_UNSAFE"}
    inherited = {key: value for key, value in os.environ.items() if key not in left_out}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **inherited,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            **environ,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


REALISTIC_ENVIRONMENT = {
    "SECRET_KEY": secrets.token_urlsafe(50),
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/forum",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "ALLOWED_HOSTS": "forum.example.kz",
    "ELASTICSEARCH_URL": "http://127.0.0.1:9200",
}


# docker-compose.yml: services and start-up order


def test_compose_defines_the_six_services_and_the_migrate_job(services):
    assert set(services) == {*APP_SERVICES, *BACKING_SERVICES, MIGRATE_JOB}


@pytest.mark.parametrize(
    "name", sorted({*APP_SERVICES, *BACKING_SERVICES} - WITHOUT_HEALTHCHECK)
)
def test_long_running_service_has_a_healthcheck(services, name):
    healthcheck = services[name]["healthcheck"]
    assert healthcheck["test"]
    assert not healthcheck.get("disable")


@pytest.mark.parametrize("name", sorted(WITHOUT_HEALTHCHECK))
def test_beat_and_migrate_switch_off_the_image_healthcheck(services, name):
    """Otherwise they inherit the web probe and are reported unhealthy forever."""
    assert services[name]["healthcheck"] == {"disable": True}


@pytest.mark.parametrize("name", [*APP_SERVICES, MIGRATE_JOB])
@pytest.mark.parametrize("backing", BACKING_SERVICES)
def test_app_container_waits_for_healthy_backing_service(services, name, backing):
    assert services[name]["depends_on"][backing] == {"condition": "service_healthy"}


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_starts_after_migrations_succeed(services, name):
    assert services[name]["depends_on"][MIGRATE_JOB] == {
        "condition": "service_completed_successfully"
    }


def test_migrate_job_runs_once(services):
    job = services[MIGRATE_JOB]
    assert job["command"][:3] == ["python", "manage.py", "migrate"]
    assert job["restart"] == "no"


# docker-compose.yml: the application's environment


def test_app_containers_share_one_environment(services):
    environments = [services[name]["environment"] for name in APP_SERVICES]
    assert environments[1:] == environments[:-1]
    assert services[MIGRATE_JOB]["environment"] == environments[0]


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_sets_only_variables_production_reads(services, name):
    environment = services[name]["environment"]
    assert set(environment) <= READ_BY_PRODUCTION


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_sets_every_required_variable(services, name):
    assert set(REQUIRED) <= set(services[name]["environment"])


@pytest.mark.parametrize("name", APP_SERVICES)
def test_app_service_runs_production_settings(services, name):
    environment = services[name]["environment"]
    assert environment["DJANGO_SETTINGS_MODULE"] == "config.settings.production"


def test_database_url_matches_the_postgres_service(services):
    url = urlsplit(services["web"]["environment"]["DATABASE_URL"])
    postgres = services["postgres"]["environment"]
    assert url.scheme == "postgres"
    assert url.hostname == "postgres"
    assert url.username == postgres["POSTGRES_USER"]
    assert url.password == postgres["POSTGRES_PASSWORD"]
    assert url.path == "/" + postgres["POSTGRES_DB"]


def test_redis_url_points_at_the_redis_service(services):
    url = urlsplit(services["web"]["environment"]["REDIS_URL"])
    assert (url.scheme, url.hostname) == ("redis", "redis")


def test_elasticsearch_url_points_at_the_elasticsearch_service(services):
    environment = services["web"]["environment"]
    assert environment["SEARCH_BACKEND"] == "elasticsearch"
    assert urlsplit(environment["ELASTICSEARCH_URL"]).hostname == "elasticsearch"


def test_elasticsearch_image_is_major_version_9(services):
    """The Python client is 9.x, and a client talks only to its own major version."""
    image, tag = services["elasticsearch"]["image"].rsplit(":", 1)
    assert image == "docker.elastic.co/elasticsearch/elasticsearch"
    assert tag.split(".")[0] == "9"


def test_web_and_worker_share_the_media_volume(services):
    media_root = services["web"]["environment"]["MEDIA_ROOT"]
    mount = f"media:{media_root}"
    assert mount in services["web"]["volumes"]
    assert mount in services["worker"]["volumes"]


# Dockerfile


def test_dockerfile_builds_on_python_3_13(dockerfile_instructions):
    """The final stage, the image that runs, is Python 3.13."""
    stages = [line for line in dockerfile_instructions if line.startswith("FROM ")]
    assert stages[-1].split()[1].startswith("python:3.13")


def test_dockerfile_takes_htmx_from_the_npm_registry(dockerfile_instructions):
    assert any(line.startswith("RUN npm ci") for line in dockerfile_instructions)
    assert any(
        line.startswith("COPY --from=assets") and "htmx.min.js" in line
        for line in dockerfile_instructions
    )


@pytest.mark.parametrize("command", ["compile_translations", "collectstatic --noinput"])
def test_dockerfile_build_runs_management_command(dockerfile_instructions, command):
    runs = [line for line in dockerfile_instructions if line.startswith("RUN ")]
    assert any(f"manage.py {command}" in line for line in runs)


def test_dockerfile_keeps_build_placeholders_out_of_the_image(
    dockerfile_instructions,
):
    """Build-time secrets live on the RUN line only; ENV would bake them in."""
    env = " ".join(line for line in dockerfile_instructions if line.startswith("ENV "))
    assert not any(f"{name}=" in env for name in REQUIRED)


def test_dockerfile_runs_the_site_as_a_non_root_user(dockerfile_instructions):
    users = [
        line.split()[1] for line in dockerfile_instructions if line.startswith("USER ")
    ]
    assert users
    assert users[-1].split(":")[0] not in {"root", "0"}


# docker/healthcheck.py


@pytest.fixture(scope="module")
def healthcheck():
    spec = importlib.util.spec_from_file_location(
        "healthcheck", ROOT / "docker/healthcheck.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("allowed_hosts", "host"),
    [
        ("forum.example.kz,www.forum.example.kz", "forum.example.kz"),
        (".example.kz", "example.kz"),
        ("*", "localhost"),
        ("", "localhost"),
    ],
)
def test_healthcheck_presents_a_host_django_allows(healthcheck, allowed_hosts, host):
    assert healthcheck.probe_host(allowed_hosts) == host


# manage.py check --deploy


def test_deploy_check_passes_with_a_realistic_environment():
    result = run_deploy_check(**REALISTIC_ENVIRONMENT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_secret_key():
    environment = {
        key: value
        for key, value in REALISTIC_ENVIRONMENT.items()
        if key != "SECRET_KEY"
    }
    result = run_deploy_check(**environment)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr
