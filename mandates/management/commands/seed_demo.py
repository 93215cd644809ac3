from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from tqdm import tqdm

from mandates import demo


class Command(BaseCommand):
    help = "Create demo data: staff, three managers, two client contacts, a manager pool and open mandates."

    def add_arguments(self, parser):
        parser.add_argument(
            "--managers", type=int, default=300, help="pool managers besides the three demo managers (with a past)"
        )
        parser.add_argument("--mandates", type=int, default=12, help="open mandates of the two demo clients")
        parser.add_argument("--seed", type=int, default=2026, help="same seed, same data")

    def handle(self, *args, managers, mandates, seed, **options):
        def progress(iterable, desc, total):
            # A progress bar only where it helps: large counts on an interactive terminal.
            return tqdm(iterable, desc=desc, total=total, disable=total < 200 or options["verbosity"] < 1)

        created = demo.seed(managers=managers, mandates=mandates, seed=seed, progress=progress)
        self.stdout.write(
            self.style.SUCCESS("Demo data ready: " + ", ".join(f"{v} {k}" for k, v in created.items()) + " created.")
        )
        self.stdout.write(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD}):")
        for local, *_ in demo.STAFF:
            self.stdout.write(f"  staff/admin  {local}@{demo.DEMO_DOMAIN}   http://127.0.0.1:8000/admin/")
            user = get_user_model().objects.get(email=f"{local}@{demo.DEMO_DOMAIN}")
            secret, link, codes = demo.staff_second_factor(user)
            self.stdout.write(
                f"               second factor: add the secret {secret} to an authenticator app ({link}),\n"
                f"               or use one of these one-time recovery codes: {' '.join(codes[:3])}"
            )
        for local, *_ in demo.MANAGERS:
            self.stdout.write(f"  manager      {local}@{demo.DEMO_DOMAIN}")
        for local, _first, _last, company, *_ in demo.CLIENTS:
            self.stdout.write(f"  client       {local}@{demo.DEMO_DOMAIN}   ({company})")
