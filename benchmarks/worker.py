"""Batch worker throughput, queue overhead, pickup latency and scaling, on loopback.

Serves the core dataset's sites (103 hosts; ``a-dead-coastal-candle`` answers 503 on
purpose and is left out), each also under two more hostnames (309 distinct registrable
domains, so long runs keep every worker slot busy), with the fixture server, and a fake
OpenAI-compatible model with a fixed 300 ms per call, both in this process. Workers are
separate processes running the real ``run_worker`` (``--drain``) with the real pipeline
(evidence mode: narrow questions to the model; caches off). Series "polite" keeps the
default politeness (0.25 s between requests to a host: jobs mostly wait); series "fast"
turns it off, so jobs are CPU-heavy and show where the two cores saturate.

Measured, per configuration, from the result rows (so interpreter start-up is excluded):
merchants per minute = jobs / (last finish - first start); time per job; pickup latency =
time from a job being enqueued to its attempt starting, measured separately with jobs
submitted one at a time to an idle worker; queue overhead per job = time per job of a
do-nothing screen at concurrency 16; scaling efficiency = measured / ideal throughput,
ideal = processes x concurrency / (mean job duration at concurrency 1).

Run: ``python benchmarks/worker.py [--pg-url postgresql://...]`` (about 5 minutes with
SQLite only, 7 with Postgres). Writes benchmarks/results/worker.json and prints Markdown
tables; the recorded numbers and their reading are in benchmarks/results/worker.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.fakes.openai_server import FakeOpenAIServer, Reply, json_answer  # noqa: E402

from merchant_screen.evaluation.dataset import load_dataset  # noqa: E402
from merchant_screen.evaluation.fixture_server import FixtureServer  # noqa: E402
from merchant_screen.queue.jobs import submit  # noqa: E402
from merchant_screen.queue.report import read_results  # noqa: E402
from merchant_screen.queue.store import connect, results  # noqa: E402
from merchant_screen.settings import Settings  # noqa: E402

CORE = ROOT / "evals" / "datasets" / "core"
SKIP = {"a-dead-coastal-candle"}
LLM_LATENCY = 0.3
ANSWERS = {
    "passage_answer": {"applies": "yes", "quote": "", "confidence": 0.6},
    "next_action": {"action": "finish", "assessment": {"business_summary": "", "findings": []}},
}


def answer(body: dict[str, Any]) -> Reply:
    """A valid answer to whichever structured question the pipeline asks."""
    name = ((body.get("response_format") or {}).get("json_schema") or {}).get("name")
    return json_answer(ANSWERS.get(name, {"business_summary": "", "findings": []}))


# --- worker process --------------------------------------------------------------------
def child(args: argparse.Namespace) -> None:
    from merchant_screen.queue.outcome import RetryPolicy
    from merchant_screen.queue.worker import WorkerOptions, run_worker
    from merchant_screen.verdict import Declared, Verdict, Versions

    async def do_nothing(
        url: str, *, declared: Declared | None, trace_path: Path, run_id: str
    ) -> Verdict:
        return Verdict(
            url=url,
            domain=url.split("/")[2],
            decision="allowed",
            action="approve",
            confidence=1.0,
            versions=Versions(package="0", policy="-", prompts="-", model="-"),
            run_id=run_id,
            screened_at="-",
        )

    options = WorkerOptions(
        concurrency=args.concurrency,
        drain=not args.serve,
        poll_interval=args.poll,
        retry=RetryPolicy(first_wait=0),
    )
    cpu = time.process_time()
    report = run_worker(
        Settings.from_env(),
        db=args.db,
        options=options,
        screen=do_nothing if args.noop else None,
    )
    print(json.dumps({"executor": report.executor_id, "cpu_s": time.process_time() - cpu}))


# --- measurement -----------------------------------------------------------------------
@dataclass
class Run:
    name: str
    backend: str
    processes: int
    concurrency: int
    jobs: int
    per_minute: float
    ms_per_job: float
    job_s_mean: float
    queue_s_p50: float
    llm_calls_mean: float
    cpu_util: float
    worker_cpu_ms: float
    harness_cpu_ms: float
    slot_use: float
    not_done: int = 0
    ideal_per_minute: float = 0.0
    efficiency: float = 0.0


class Bench:
    def __init__(self, pg_url: str | None, work: Path) -> None:
        self.pg_url = pg_url
        self.work = work
        self.env: dict[str, str] = {}

    def fresh_db(self, backend: str) -> str:
        name = f"bench_{uuid.uuid4().hex[:10]}"
        if backend == "sqlite":
            return f"sqlite:///{self.work / name}.sqlite"
        import psycopg

        assert self.pg_url
        with psycopg.connect(self.pg_url, autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.pg_url.rsplit("/", 1)[0] + "/" + name

    def spawn(self, db: str, concurrency: int, *flags: str) -> subprocess.Popen[str]:
        command = [
            sys.executable,
            __file__,
            "child",
            "--db",
            db,
            "--concurrency",
            str(concurrency),
            *flags,
        ]
        return subprocess.Popen(command, env=self.env, text=True, stdout=subprocess.PIPE)

    def run(
        self,
        name: str,
        backend: str,
        urls: list[str],
        processes: int,
        concurrency: int,
        *flags: str,
    ) -> Run:
        db = self.fresh_db(backend)
        rows = [{"url": url, "merchant_id": f"m{n}"} for n, url in enumerate(urls)]
        submit(rows, batch=name, db=db, settings=Settings())
        before = resource.getrusage(resource.RUSAGE_SELF)
        children = [self.spawn(db, concurrency, *flags) for _ in range(processes)]
        reports = [json.loads(c.communicate(timeout=600)[0].splitlines()[-1]) for c in children]
        after = resource.getrusage(resource.RUSAGE_SELF)
        served = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        got = read_results(db=db, settings=Settings())
        assert len(got) == len(urls), f"{name}: {len(got)} results for {len(urls)} jobs"
        for row in got:
            if row["status"] != "done":
                print(f"  {name}: {row['url']} {row['status']}: {row['error']}", flush=True)
        starts = [r["finished_at"] - r["timings"]["job_s"] for r in self.finished(db)]
        window = max(r["finished_at"] for r in self.finished(db)) - min(starts)
        worker_cpu = sum(r["cpu_s"] for r in reports)
        busy = sum(r["timings"]["job_s"] for r in got)
        return Run(
            name=name,
            backend=backend,
            processes=processes,
            concurrency=concurrency,
            jobs=len(urls),
            per_minute=round(60 * len(urls) / window, 1),
            ms_per_job=round(1000 * window / len(urls), 1),
            job_s_mean=round(statistics.mean(r["timings"]["job_s"] for r in got), 3),
            queue_s_p50=round(statistics.median(r["timings"]["queue_s"] for r in got), 2),
            llm_calls_mean=round(statistics.mean(self.llm_calls(db)), 2),
            cpu_util=round((worker_cpu + served) / (window * (os.cpu_count() or 1)), 2),
            worker_cpu_ms=round(1000 * worker_cpu / len(urls), 1),
            harness_cpu_ms=round(1000 * served / len(urls), 1),
            slot_use=round(busy / (processes * concurrency * window), 2),
            not_done=sum(r["status"] != "done" for r in got),
        )

    def finished(self, db: str) -> list[dict[str, Any]]:
        import sqlalchemy as sa

        engine = connect(db)
        try:
            with engine.connect() as conn:
                query = sa.select(results.c.finished_at, results.c.timings)
                rows = [dict(r._mapping) for r in conn.execute(query)]
        finally:
            engine.dispose()
        for row in rows:
            row["timings"] = json.loads(row["timings"])
        return rows

    def llm_calls(self, db: str) -> list[int]:
        import sqlalchemy as sa

        engine = connect(db)
        try:
            with engine.connect() as conn:
                verdicts = conn.execute(sa.select(results.c.verdict)).scalars().all()
        finally:
            engine.dispose()
        return [json.loads(v)["usage"]["llm_calls"] if v else 0 for v in verdicts]

    def pickup(self, backend: str, count: int = 20, poll: float = 0.2) -> dict[str, float]:
        """Jobs submitted one at a time to an idle worker: enqueue-to-start seconds."""
        db = self.fresh_db(backend)
        submit(
            [{"url": "https://warm-up.test/", "merchant_id": "w"}],
            batch="p",
            db=db,
            settings=Settings(),
        )
        worker = self.spawn(db, 16, "--noop", "--serve", "--poll", str(poll))
        deadline = time.monotonic() + 60
        while not read_results(db=db, settings=Settings()) and time.monotonic() < deadline:
            time.sleep(0.1)
        for n in range(count):
            submit(
                [{"url": f"https://p{n}.test/", "merchant_id": f"p{n}"}],
                batch="p",
                db=db,
                settings=Settings(),
            )
            time.sleep(0.37)  # not a multiple of the poll interval
        while len(read_results(db=db, settings=Settings())) <= count:
            if time.monotonic() > deadline:
                raise RuntimeError("pickup run did not finish")
            time.sleep(0.1)
        worker.send_signal(signal.SIGTERM)
        worker.communicate(timeout=60)
        waits = sorted(
            r["timings"]["queue_s"]
            for r in read_results(db=db, settings=Settings())
            if r["merchant_id"] != "w"
        )
        return {
            "poll_s": poll,
            "p50_s": round(statistics.median(waits), 3),
            "p95_s": round(waits[int(0.95 * (len(waits) - 1))], 3),
            "max_s": round(waits[-1], 3),
        }


def site_copies(dataset: Any, copies: int) -> tuple[dict[str, Path], list[str]]:
    """The host map with ``copies`` extra hostnames per site (``c1-<host>``...: distinct
    registrable domains serving the same pages; the sites link relatively) and the URLs,
    originals first."""
    hosts = {case.url.split("/")[2]: case for case in dataset.cases if case.id not in SKIP}
    base = dataset.host_map()
    host_map = dict(base)
    urls = [f"https://{host}/" for host in hosts]
    for n in range(1, copies + 1):
        for host in hosts:
            host_map[f"c{n}-{host}"] = base[host]
            urls.append(f"https://c{n}-{host}/")
    return host_map, urls


POLITE = [(1, 1, 21), (1, 4, 32), (1, 16, 160), (2, 1, 24), (2, 4, 48), (2, 16, 256)]
FAST = [(1, 1, 21), (1, 16, 160), (2, 16, 256)]


def pick(urls: list[str], jobs: int, concurrency: int) -> list[str]:
    """Single-slot runs take sites spread over the whole list (a representative mix for
    the ideal throughput); the others take the first ``jobs``."""
    if concurrency == 1:
        return urls[:: len(urls) // jobs][:jobs]
    return urls[:jobs]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pg-url", default=os.environ.get("MERCHANT_SCREEN_TEST_PG_URL"))
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    host_map, urls = site_copies(load_dataset(CORE), copies=2)
    noop_urls = [f"https://noop{n}.test/" for n in range(300)]
    runs: list[Run] = []
    pickups: dict[str, dict[str, float]] = {}
    with (
        tempfile.TemporaryDirectory(prefix="bench-worker-") as tmp,
        FixtureServer(host_map) as sites,
        FakeOpenAIServer(latency=LLM_LATENCY, default=answer) as model,
    ):
        bench = Bench(args.pg_url, Path(tmp))
        polite = {
            **{k: v for k, v in os.environ.items() if not k.startswith("MERCHANT_SCREEN_")},
            "PYTHONPATH": str(ROOT),
            "MERCHANT_SCREEN_CONNECT_TO": " ".join(sites.connect_to()),
            "MERCHANT_SCREEN_CA_BUNDLE": str(sites.ca_pem),
            "MERCHANT_SCREEN_MODEL": "bench-model",
            "MERCHANT_SCREEN_BASE_URL": model.base_url,
            "MERCHANT_SCREEN_API_KEY": "bench",
            "MERCHANT_SCREEN_ASSESS_MODE": "evidence",
            "MERCHANT_SCREEN_CACHE": "false",
            "MERCHANT_SCREEN_LLM_CACHE": "false",
            "MERCHANT_SCREEN_RETRY_MAX_WAIT": "0",
            "MERCHANT_SCREEN_DATA_DIR": str(Path(tmp) / "data"),
        }
        fast = {**polite, "MERCHANT_SCREEN_HOST_DELAY": "0"}

        def record(run: Run) -> None:
            runs.append(run)
            print(run, flush=True)

        for series, env, plan in (("polite", polite, POLITE), ("fast", fast, FAST)):
            bench.env = env
            for processes, concurrency, jobs in plan:
                name = f"{series}-{processes}x{concurrency}"
                jobs_urls = pick(urls, jobs, concurrency)
                record(bench.run(name, "sqlite", jobs_urls, processes, concurrency))
        bench.env = polite
        for poll in (0.2, 0.05):
            record(
                bench.run(
                    f"noop-poll{poll}", "sqlite", noop_urls, 1, 16, "--noop", "--poll", str(poll)
                )
            )
        pickups["sqlite"] = bench.pickup("sqlite")
        if args.pg_url:
            record(bench.run("polite-2x16", "postgres", urls[:256], 2, 16))
            for poll in (0.2, 0.05):
                record(
                    bench.run(
                        f"noop-poll{poll}",
                        "postgres",
                        noop_urls,
                        1,
                        16,
                        "--noop",
                        "--poll",
                        str(poll),
                    )
                )
            pickups["postgres"] = bench.pickup("postgres")
    for run in runs:
        series = run.name.split("-")[0]
        if series in ("polite", "fast"):
            single = next(r for r in runs if r.name == f"{series}-1x1")
            run.ideal_per_minute = round(
                60 * run.processes * run.concurrency / single.job_s_mean, 1
            )
            run.efficiency = round(run.per_minute / run.ideal_per_minute, 2)
    write(args.out, runs, pickups)


def write(out: Path, runs: list[Run], pickups: dict[str, dict[str, float]]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    machine = f"{platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}"
    (out / "worker.json").write_text(
        json.dumps(
            {"machine": machine, "runs": [asdict(r) for r in runs], "pickup": pickups}, indent=2
        )
        + "\n"
    )
    lines = [
        "| run | db | processes x concurrency | jobs | merchants/min | ideal/min | efficiency "
        "| slot use | ms per job | mean job s | LLM calls/job | CPU use (2 cores) "
        "| worker CPU ms/job | harness CPU ms/job |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        ideal = f"{r.ideal_per_minute}" if r.ideal_per_minute else "-"
        eff = f"{r.efficiency}" if r.efficiency else "-"
        lines.append(
            f"| {r.name} | {r.backend} | {r.processes} x {r.concurrency} | {r.jobs} "
            f"| {r.per_minute} | {ideal} | {eff} | {r.slot_use} | {r.ms_per_job} "
            f"| {r.job_s_mean} | {r.llm_calls_mean} | {r.cpu_util:.0%} | {r.worker_cpu_ms} "
            f"| {r.harness_cpu_ms} |"
        )
    lines += [
        "",
        "| db | poll interval s | pickup p50 s | p95 s | max s |",
        "|---|---|---|---|---|",
    ]
    for db, p in pickups.items():
        lines.append(f"| {db} | {p['poll_s']} | {p['p50_s']} | {p['p95_s']} | {p['max_s']} |")
    print(f"Machine: {machine}\n")
    print("\n".join(lines))


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "child":
        parser = argparse.ArgumentParser()
        parser.add_argument("mode")
        parser.add_argument("--db", required=True)
        parser.add_argument("--concurrency", type=int, default=4)
        parser.add_argument("--poll", type=float, default=0.2)
        parser.add_argument("--noop", action="store_true")
        parser.add_argument("--serve", action="store_true")
        child(parser.parse_args())
    else:
        main()
