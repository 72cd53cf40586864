"""`manage.py outbox`: the backlog at a glance, the jobs given up, another go.

manage.py outbox                 pending, due, failing, given up, oldest wait
manage.py outbox --failed        the jobs given up, with their last error
manage.py outbox --retry-failed  put every job given up back in the queue
"""

from django.core.management.base import BaseCommand

from outbox import services
from outbox.models import Job

SHOWN = 50


class Command(BaseCommand):
    help = "Show the outbox's backlog; list or retry the jobs it gave up."

    def add_arguments(self, parser):
        parser.add_argument(
            "--failed", action="store_true", help="list the jobs given up"
        )
        parser.add_argument(
            "--retry-failed",
            action="store_true",
            help="put every job given up back in the queue",
        )

    def handle(self, *args, failed=False, retry_failed=False, **options):
        if retry_failed:
            count = services.retry_failed()
            self.stdout.write(self.style.SUCCESS(f"{count} job(s) queued again"))
            return
        if failed:
            jobs = Job.objects.failed().order_by("-failed_at")
            for job in jobs[:SHOWN]:
                self.stdout.write(
                    f"#{job.pk} {job.action}{tuple(job.args)} "
                    f"failed {job.failed_at:%Y-%m-%d %H:%M} after "
                    f"{job.attempts} attempts: {job.last_error}"
                )
            return
        for name, value in services.backlog().items():
            self.stdout.write(f"{name}: {value}")
