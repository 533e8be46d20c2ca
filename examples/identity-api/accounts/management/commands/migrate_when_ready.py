"""`manage.py migrate_when_ready`: waits for this site's writer, then migrates it under an advisory lock.

Every replica's entrypoint runs it, so migrations run once per site whatever the number of replicas: the
first to take the lock migrates, the others find nothing left to do. Idempotent, like `migrate` itself.
"""
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connections

LOCK_KEY = 0x73776D6F70  # "swmop": any fixed 64-bit key shared by the API's replicas


class Command(BaseCommand):
    help = "Wait for the writer database, then run migrations once (advisory lock)."

    def add_arguments(self, parser):
        parser.add_argument("--timeout", type=float, default=300, help="seconds to wait for the database")

    def handle(self, *args, timeout, **options):
        connection = connections["default"]
        deadline = time.monotonic() + timeout
        while True:
            try:
                connection.ensure_connection()
                break
            except OperationalError as e:
                if time.monotonic() > deadline:
                    raise CommandError(f"writer database not reachable after {timeout:.0f} s: {e}")
                self.stderr.write(f"waiting for the writer database: {str(e).strip()}")
                connection.close()
                time.sleep(2)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_KEY])
            try:
                call_command("migrate", database="default", interactive=False, verbosity=1)
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])
