"""Load test: users of every role for some minutes against gunicorn, PostgreSQL, Redis and a real Celery worker.

    make bench-load                                  # 50 users, 5 minutes (installs locust in .venv-load once)
    .venv/bin/python bench/load.py --users 20 --duration 60

Everything runs on this machine, on loopback only: the script makes a fresh database (BENCH_DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/yingkou_bench_load), migrates it, loads the plan and the demo data, collects
the static files (into staticfiles/), starts a Celery worker on Redis (BENCH_BROKER_URL, default
redis://127.0.0.1:6379/12) and gunicorn (3 workers, as docker-compose runs it) with DEBUG off, then runs
bench/locustfile.py headless and stops all of it.

Printed: per page the requests, failures, requests/s and the 50th, 95th and 99th percentile in ms, then the
totals, and `errors: N` (goal 0) and `slowest p95: ... ms` (goal under 1000 ms for every page except a chart page's
first load). locust runs from its own virtualenv (.venv-load; it pulls gevent, which the app does not need); the
site runs from .venv.
"""

import argparse
import csv
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from recompute import recreate_database  # noqa: E402

APP_PYTHON = ROOT / ".venv" / "bin" / "python"
LOCUST = ROOT / ".venv-load" / "bin" / "locust"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5, help="users started per second (default 5)")
    parser.add_argument("--duration", type=int, default=300, help="seconds of load (default 300)")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    args = parser.parse_args()

    database = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/yingkou_bench_load")
    broker = os.environ.get("BENCH_BROKER_URL", "redis://127.0.0.1:6379/12")
    host = f"http://127.0.0.1:{args.port}"
    env = site_environment(database, broker, args.port)

    recreate_database(database)
    for command in (["migrate", "--noinput"], ["load_plan"], ["load_demo", "--allow-production"]):
        run_manage(command, env)
    run_manage(["collectstatic", "--noinput"], env)

    processes = []
    try:
        processes.append(start([str(APP_PYTHON), "-m", "celery", "-A", "yingkou_targets", "worker",
                                "--loglevel=WARNING", "--concurrency=2"], env))  # fmt: skip
        processes.append(start([str(APP_PYTHON), "-m", "gunicorn", "yingkou_targets.wsgi:application",
                                "--bind", f"127.0.0.1:{args.port}", "--workers", str(args.workers),
                                "--log-level", "warning"], env))  # fmt: skip
        wait_for(f"{host}/accounts/login/")
        with tempfile.TemporaryDirectory() as folder:
            prefix = os.path.join(folder, "load")
            subprocess.run(
                [str(LOCUST), "-f", str(ROOT / "bench" / "locustfile.py"), "--host", host, "--headless",
                 "-u", str(args.users), "-r", str(args.spawn_rate), "-t", f"{args.duration}s",
                 "--csv", prefix, "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING"],
                check=False, cwd=ROOT,
            )  # fmt: skip
            report(f"{prefix}_stats.csv", args)
    finally:
        for process in reversed(processes):
            os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            process.wait(timeout=30)


def site_environment(database, broker, port):
    """Production settings (DEBUG off) on plain HTTP over loopback."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="yingkou_targets.settings",
        DEBUG="0",
        SECRET_KEY="bench-load-only-" + "x7Qp" * 12,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        CSRF_TRUSTED_ORIGINS=f"http://127.0.0.1:{port}",
        DATABASE_URL=database,
        CELERY_BROKER_URL=broker,
        SESSION_COOKIE_SECURE="false",
        CSRF_COOKIE_SECURE="false",
        HTTPS="false",  # plain HTTP on loopback: no SSL redirect, no Secure cookies (see README)
        LOG_LEVEL="WARNING",
    )
    return env


def run_manage(command, env):
    subprocess.run([str(APP_PYTHON), str(ROOT / "manage.py"), *command], env=env, check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)  # fmt: skip


def start(command, env):
    return subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)


def wait_for(url, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the site did not answer at {url} within {seconds} s")


def report(path, args):
    with open(path, newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    print(f"\n{args.users} users, {args.duration} s, {args.workers} gunicorn workers, {os.cpu_count()} cores")
    print(f"{'page':<42} {'requests':>8} {'errors':>6} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}")
    pages = [row for row in rows if row["Name"] != "Aggregated"]
    for row in sorted(pages, key=lambda row: -float(row["95%"] or 0)):
        print(line(row["Name"], row))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    print(line("all", total))
    slowest = max(pages, key=lambda row: float(row["95%"] or 0))
    print(f"errors: {total['Failure Count']} (goal 0)")
    print(f"slowest p95: {slowest['95%']} ms, {slowest['Name']} (goal < 1000 ms but a chart page's first load)")


def line(name, row):
    return (
        f"{name[:42]:<42} {row['Request Count']:>8} {row['Failure Count']:>6} {float(row['Requests/s']):>7.2f} "
        f"{row['50%']:>6} {row['95%']:>6} {row['99%']:>6}"
    )


if __name__ == "__main__":
    main()
