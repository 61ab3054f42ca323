import datetime

from django.core.management.base import BaseCommand, CommandError

from pevcoach.demo import country


class Command(BaseCommand):
    help = ("Generate a synthetic Mali for benchmarks: 15 regions, 75 districts, 1,500 health centres, 10 years "
            "of monthly figures, 10,000 people, 3,000 relationships, 200,000 sessions (at --scale 1). Replaces "
            "an earlier synthetic country; leaves demo and real data alone.")

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="Same seed (and day): same data.")
        parser.add_argument("--scale", type=float, default=1.0, help="1.0 is Mali's size; 0.01 a small test.")
        parser.add_argument("--months", type=int, default=120, help="Months of figures, ending last month.")
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None,
                            help="The day the data is generated for (YYYY-MM-DD; default today).")
        parser.add_argument("--force", action="store_true",
                            help="Generate even though the database holds real (non-demo) accounts.")

    def handle(self, *args, seed, scale, months, today, force, **options):
        if not 0 < scale <= 10:
            raise CommandError("--scale must be above 0 and at most 10.")
        if not 13 <= months <= 240:
            raise CommandError("--months must be between 13 and 240.")
        real = country.real_accounts()
        if real and not force:
            raise CommandError(
                f"This database holds {real} real account(s): synthetic data is meant for a benchmark or demo "
                "database. Use --force to generate it anyway.")
        generator = country.Generator(seed=seed, scale=scale, months=months, today=today,
                                      out=lambda line: self.stdout.write(f"  {line}"))
        shape = generator.shape
        self.stdout.write(f"Generating a synthetic country (seed {seed}, scale {scale:g}): {shape.regions} regions, "
                          f"{shape.districts} districts, {shape.facilities} health centres, {months} months, "
                          f"{shape.users} people, {shape.relationships} relationships, {shape.sessions} sessions")
        counts, timings = generator.run()
        summary = ", ".join(f"{value:,} {name.replace('_', ' ')}" for name, value in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Done in {timings['total']} s: {summary}. "
                                             f"Password of every synth.* account: {country.PASSWORD}"))
