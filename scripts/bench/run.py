#!/usr/bin/env python3
"""Runs the benchmark lines of issue 7 and prints a Markdown table of medians and ratios
(also written to target/bench/results.md, raw numbers to target/bench/results.json).

Started by scripts/bench.sh once the data exists (gen_data.py) and the loopback nginx
answers. Each line runs `archive` and its peer alternately in the same run, several times
(BENCH_RUNS, default 5), and stops repeating early when the next round would exceed the
line's time budget, so slow lines get fewer runs. Every timed command runs under GNU
time for its peak RSS, and its CPU time (user + sys, its children's included) is taken from
getrusage; the commands' stderr goes to target/bench/logs/.

Usage: run.py BENCH_DIR ARCHIVE_BIN PORT START_EPOCH BUILD_SECONDS
"""

import email.utils
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import fresh

RUNS = int(os.environ.get("BENCH_RUNS", "5"))
FFPROBE_RUNS = int(os.environ.get("BENCH_FFPROBE_RUNS", "1"))
BIG_RUNS = int(os.environ.get("BENCH_BIG_RUNS", "3"))
GNU_TIME = "/usr/bin/time" if os.access("/usr/bin/time", os.X_OK) else None
# Setup syncs (not timed in the table) run with fsync turned off by eatmydata when it is
# installed, to save the run a minute; the timed commands never do, but for one diagnostic
# row that shows what fsync costs the sync.
EATMYDATA = shutil.which("eatmydata")
SCRIPTS = Path(__file__).resolve().parent
GARBAGE_COPIES = 5  # as in gen_data.py: each trailing-garbage file is listed this often



def program_files(programs):
    """The executables of `programs` (names on the PATH or paths) and the shared libraries
    `ldd` says each loads; a `None` is skipped."""
    files = []
    for program in filter(None, programs):
        path = shutil.which(program) or (program if Path(program).is_file() else None)
        if not path:
            continue
        files.append(path)
        try:
            out = subprocess.run(["ldd", path], capture_output=True, text=True).stdout
        except OSError:
            continue
        files += [m.group(1) for m in re.finditer(r"=> (/\S+)", out)]
    return files

class Bench:
    def __init__(self, bench, binary, port, start, build_seconds):
        self.bench = bench
        self.bin = str(binary)
        self.port = port
        self.start = start
        self.build_seconds = build_seconds
        self.logs = bench / "logs"
        self.logs.mkdir(exist_ok=True)
        self.arch = bench / "arch"
        self.peers = bench / "peers"
        self.access_log = bench / "nginx" / "access.log"
        venv_python = bench / "venv" / "bin" / "python"
        self.python = str(venv_python) if venv_python.exists() else None
        self.rows = []  # the table
        self.notes = []  # evidence under the table
        self.details = []  # further tables (accuracy)
        self.raw = {}  # every measured number, for results.json
        self.trashed = 0  # paths set aside so far (see `set_aside`)
        self.last_cpu = 0.0  # user + sys seconds of the last command run

    # ------------------------------------------------------------ helpers

    def say(self, text):
        print(f"bench: {text}", file=sys.stderr, flush=True)

    def run(self, cmd, log, cwd=None, stdout=None, ok=(0,), rss=True):
        """Runs `cmd`; returns (wall seconds, peak RSS in KiB or None). Its CPU time (user +
        sys, with its children's) is left in self.last_cpu."""
        rss_file = self.logs / "rss.tmp"
        full = [GNU_TIME, "-f", "%M", "-o", str(rss_file), *cmd] if (rss and GNU_TIME) else cmd
        with open(self.logs / f"{log}.log", "a") as err:
            err.write(f"$ {' '.join(map(str, cmd))}\n")
            err.flush()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            proc = subprocess.run(full, cwd=cwd, stdout=stdout or subprocess.DEVNULL,
                                  stderr=err, stdin=subprocess.DEVNULL)
            wall = time.perf_counter() - t0
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.last_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if proc.returncode not in ok:
            raise RuntimeError(f"`{' '.join(map(str, cmd[:3]))} …` exited {proc.returncode}; "
                               f"see {self.logs / (log + '.log')}")
        peak = None
        if rss and GNU_TIME:
            peak = int(rss_file.read_text().strip().splitlines()[-1])
        return wall, peak

    def repeat(self, steps, runs, budget):
        """Runs each (name, prepare, command) step once per round, alternating, for `runs`
        rounds or until the next round would pass `budget` seconds. Returns
        {name: [(wall, rss), …]}."""
        results = {name: [] for name, _, _ in steps}
        t0 = time.perf_counter()
        for done in range(1, runs + 1):
            for name, prepare, command in steps:
                if prepare:
                    prepare()
                results[name].append(command())
            spent = time.perf_counter() - t0
            if spent / done * (done + 1) > budget:
                break
        return results

    def log_mark(self):
        return self.access_log.stat().st_size if self.access_log.exists() else 0

    def log_since(self, mark):
        """Status counts and body bytes of the requests nginx logged since `mark`."""
        with open(self.access_log, "rb") as f:
            f.seek(mark)
            lines = f.read().decode().splitlines()
        statuses, body = {}, 0
        for line in lines:
            status, sent = line.split()[:2]
            statuses[status] = statuses.get(status, 0) + 1
            body += int(sent)
        return statuses, body

    def row(self, line, ours, peer, ratio, met):
        self.rows.append((line, ours, peer, ratio, met))

    def archive(self, root, *args):
        return [self.bin, "--root", str(root), *args]

    def setup_sync(self, root, log):
        """The untimed first sync of an archive; returns its wall time and peak RSS."""
        cmd = self.archive(root, "sync")
        result = self.run([EATMYDATA, *cmd] if EATMYDATA else cmd, log)
        os.sync()  # write back now rather than during the timed runs
        return result

    @staticmethod
    def setup_note():
        return "; fsync turned off by eatmydata" if EATMYDATA else ""

    def clean_archive(self, root):
        """Moves what sync and build made out of the way, keeping the catalog and recordings.

        Moved, not deleted: on ext4 a file created soon after many were deleted costs the
        inode allocator a skip over each recently freed inode, so deleting the last run's
        files right before a timed run would time that rather than the tool (curl's folder is
        set aside the same way). `empty_trash` deletes them after the line."""
        made = [root / "media", root / ".archive"]
        made += [p for p in (root / "feeds").glob("*")
                 if p.is_dir() or p.suffix in (".xml", ".html", ".js")]
        self.set_aside(made)

    def set_aside(self, paths):
        """Renames `paths` into the trash folder (deleted by `empty_trash`)."""
        trash = self.bench / "trash"
        for path in paths:
            if path.exists() or path.is_symlink():
                self.trashed += 1
                trash.mkdir(exist_ok=True)
                path.rename(trash / f"{self.trashed}-{path.name}")

    def same_start(self, sources):
        """Puts every run of a line on the same footing: writes everything back, empties the
        page cache (when this user may: root) and reads `sources` back into it, so that the
        server reads from memory and each tool writes into as much free memory as the last.
        Without it, a run after many others writes into a page cache full of their files, and
        its time depends on its place in the round. Says whether the cache was emptied."""
        os.sync()
        try:
            Path("/proc/sys/vm/drop_caches").write_text("1\n")
            emptied = True
        except OSError:
            emptied = False
        for path in sources:
            with open(path, "rb") as f:
                while f.read(1 << 20):
                    pass
        time.sleep(0.5)
        return emptied

    def empty_trash(self):
        """Deletes what `set_aside` moved, then writes the disk back, between lines."""
        shutil.rmtree(self.bench / "trash", ignore_errors=True)
        os.sync()

    # ------------------------------------------------------------ 1. probe

    def probe(self):
        self.say("line 1: probe over 500 files (archive, mutagen, tinytag, ffprobe)")
        manifest = json.loads((self.bench / "data" / "probe.json").read_text())
        paths = [m["path"] for m in manifest]
        n = len(paths)
        list_file = self.peers / "probe-list.json"
        list_file.write_text(json.dumps(paths))
        out = {"ours": self.peers / "probe-ours.json"}
        steps = [("ours", None, lambda: self.run_to([self.bin, "probe", "--json", *paths],
                                                    "probe", out["ours"]))]
        for peer in ("mutagen", "tinytag"):
            if self.python:
                out[peer] = self.peers / f"probe-{peer}.json"
                steps.append((peer, None, lambda p=peer: self.run_to(
                    [self.python, str(SCRIPTS / "peers.py"), p, str(list_file)],
                    "probe", out[p])))
        res = self.repeat(steps, RUNS, budget=40)
        ours = statistics.median(w for w, _ in res["ours"]) / n
        self.raw["probe"] = {k: [w for w, _ in v] for k, v in res.items()}
        durations = {"ours": {d["path"]: d.get("duration") for d in
                              json.loads(out["ours"].read_text())}}
        for peer in ("mutagen", "tinytag"):
            if peer in res:
                durations[peer] = json.loads(out[peer].read_text())

        # ffprobe: one process per file, each timed; the per-file time is their median.
        if shutil.which("ffprobe") and FFPROBE_RUNS > 0:
            times, durations["ffprobe"] = [], {}
            for _ in range(FFPROBE_RUNS):
                for path in paths:
                    t0 = time.perf_counter()
                    proc = subprocess.run(
                        ["ffprobe", "-v", "error", "-show_entries", "format=duration",
                         "-of", "csv=p=0", path], stdout=subprocess.PIPE,
                        stderr=subprocess.DEVNULL)
                    times.append(time.perf_counter() - t0)
                    try:
                        durations["ffprobe"][path] = float(proc.stdout.decode().strip())
                    except ValueError:
                        durations["ffprobe"][path] = "error"
            self.raw["probe"]["ffprobe_per_file"] = times
            ff = statistics.median(times)
            ratio = ff / ours
            self.row("1. Probe, per file (500 files, 10 container variants)",
                     ms(ours), f"ffprobe {ms(ff)}",
                     f"{speed(ratio, 0)} (target ≥ 200× faster)", met(ratio >= 200))
        else:
            self.row("1. Probe vs ffprobe", ms(ours), "ffprobe not installed or "
                     "BENCH_FFPROBE_RUNS=0", "–", "not run")
        for peer in ("mutagen", "tinytag"):
            if peer in res:
                p = statistics.median(w for w, _ in res[peer]) / n
                self.row(f"1. Probe, per file, vs {peer} (one Python process)", ms(ours),
                         f"{peer} {ms(p)}", f"{speed(p / ours, 1)} (no target)", "info")
            else:
                self.row(f"1. Probe vs {peer}", ms(ours), "not installed (pip)", "–", "not run")
        self.notes.append(
            f"Probe: `archive probe --json` gets all {n} paths in one process (median of "
            f"{len(res['ours'])} runs, divided by {n}); mutagen and tinytag read the same {n} "
            f"files in one Python process each (interpreter start and imports included, as "
            f"ours includes process start); ffprobe runs once per file "
            f"(`ffprobe -v error -show_entries format=duration`), per-file time = median of "
            f"its {n * FFPROBE_RUNS} invocations.")
        self.accuracy(manifest, durations)
        self.probe_garbage()

    def probe_garbage(self):
        """Line 1, trailing-garbage corpus: MP3s followed by random bytes or zeros."""
        manifest = json.loads((self.bench / "data" / "garbage.json").read_text())
        paths = [m["path"] for m in manifest]
        n = len(paths)
        self.say(f"line 1: probe over {n} MP3s with trailing garbage (archive, ffprobe)")
        out = self.peers / "garbage-ours.json"
        res = self.repeat([("ours", None, lambda: self.run_to(
            [self.bin, "probe", "--json", *paths], "probe-garbage", out))], RUNS, budget=40)
        ours = statistics.median(w for w, _ in res["ours"]) / n
        reports = {d["path"]: d for d in json.loads(out.read_text())}
        errors = [abs(reports[m["path"]].get("duration", float("inf")) - m["decoded_duration"])
                  for m in manifest]
        trailing_right = sum(reports[m["path"]].get("trailing_bytes") == m["trailing_bytes"]
                             for m in manifest)
        self.raw["probe_garbage"] = {"ours": [w for w, _ in res["ours"]]}
        label = f"1. Probe, per file, {n} MP3s + 1–8 MiB random or zeros to 1 GiB"
        # ffprobe runs once per unique file (the rest are hard links to them).
        if shutil.which("ffprobe") and FFPROBE_RUNS > 0:
            times, ff_errors = [], []
            for m in manifest[::GARBAGE_COPIES]:
                t0 = time.perf_counter()
                proc = subprocess.run(
                    ["ffprobe", "-v", "error", "-show_entries", "format=duration",
                     "-of", "csv=p=0", m["path"]], stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL)
                times.append(time.perf_counter() - t0)
                try:
                    ff_errors.append(abs(float(proc.stdout.decode().strip())
                                         - m["decoded_duration"]))
                except ValueError:
                    ff_errors.append(float("inf"))
            self.raw["probe_garbage"]["ffprobe_per_file"] = times
            ff = statistics.median(times)
            self.row(label, ms(ours), f"ffprobe {ms(ff)}",
                     f"{speed(ff / ours, 0)} (target ≥ 200× faster)", met(ff / ours >= 200))
            self.row("1. Duration, trailing-garbage corpus: largest error vs decoded",
                     fmt_err(None, max(errors)), f"ffprobe {fmt_err(None, max(ff_errors))}",
                     "ours within 50 ms", met(max(errors) <= 0.05))
        else:
            self.row(label, ms(ours), "ffprobe not installed or BENCH_FFPROBE_RUNS=0", "–",
                     "not run")
        self.notes.append(
            f"Trailing garbage: {n} MP3s ({n // GARBAGE_COPIES} unique, each listed "
            f"{GARBAGE_COPIES} times; the MP3 variants of line 1) followed by 1–8 MiB of "
            f"random bytes or, every fifth, zeros up to 1 GiB (sparse); decoded = ffmpeg's "
            f"length of the MP3 alone. Ours reported the trailing bytes exactly on "
            f"{trailing_right} of {n}.")

    def run_to(self, cmd, log, path):
        with open(path, "wb") as f:
            return self.run(cmd, log, stdout=f)

    def accuracy(self, manifest, durations):
        tools = [t for t in ("ours", "ffprobe", "mutagen", "tinytag") if t in durations]
        errors = {}  # (variant, tool) -> max |error| in seconds, or None when unreadable
        signed = {}
        for m in manifest:
            for tool in tools:
                got = durations[tool].get(m["path"])
                key = (m["variant"], tool)
                if not isinstance(got, (int, float)):
                    errors[key] = float("inf")
                    continue
                err = got - m["decoded_duration"]
                if abs(err) >= abs(signed.get(key, 0.0)):
                    signed[key] = err
                errors[key] = max(errors.get(key, 0.0), abs(err))
        variants = list(dict.fromkeys(m["variant"] for m in manifest))
        table = ["| variant (50 files each) | " + " | ".join(
                    "archive" if t == "ours" else t for t in tools) + " |",
                 "|---|" + "---|" * len(tools)]
        for v in variants:
            cells = [fmt_err(signed.get((v, t)), errors[(v, t)]) for t in tools]
            table.append(f"| {v} | " + " | ".join(cells) + " |")
        self.details.append(
            "Duration error, largest |probed − decoded| per variant (decoded = samples ffmpeg "
            "decodes, counted once when the data is made; + means too long):\n\n"
            + "\n".join(table))
        self.raw["accuracy"] = {f"{v}/{t}": e for (v, t), e in errors.items()}
        v = "mp3-vbr-noxing"
        ours_err = errors[(v, "ours")]
        for tool in tools[1:]:
            self.row(f"1. Duration, MP3 VBR without Xing: largest error vs decoded",
                     fmt_err(signed.get((v, "ours")), ours_err),
                     f"{tool} {fmt_err(signed.get((v, tool)), errors[(v, tool)])}",
                     "ours within 50 ms (spec)", met(ours_err <= 0.05))
        worst = max(errors[(v2, "ours")] for v2 in variants)
        self.row("1. Duration, all 500 files: largest error vs decoded",
                 fmt_err(None, worst), "see the accuracy table", "within 50 ms (spec)",
                 met(worst <= 0.05))

    # ------------------------------------------------------------ 2. sync throughput

    def sync_throughput(self):
        self.say("line 2: sync of 200 recordings of 2 MB (archive, curl, aria2c)")
        root = self.arch / "sync"
        out = self.peers / "out-sync"

        sources = sorted((self.bench / "data" / "www" / "sync").glob("*.mp3"))
        sources += sorted((root / "feeds").glob("*.toml"))
        emptied = []  # whether each run started with the page cache emptied

        # Each tool's program and libraries too, so that no run includes loading itself from
        # disk, as no repeated run does.
        sources += program_files([self.bin, "curl", "aria2c", "openssl", "sh", EATMYDATA])

        def fresh_dir():
            self.set_aside([out])
            emptied.append(self.same_start(sources))
            out.mkdir()

        def clean():
            self.clean_archive(root)
            emptied.append(self.same_start(sources))

        cpu = {}  # user + sys seconds of each run, by tool

        def with_cpu(name, result):
            cpu.setdefault(name, []).append(self.last_cpu)
            return result

        steps = [("ours", clean,
                  lambda: with_cpu("ours", self.run(self.archive(root, "sync"), "sync")))]
        if EATMYDATA:  # diagnostic: the same sync with fsync turned off
            steps.append(("nofsync", clean, lambda: self.run(
                [EATMYDATA, *self.archive(root, "sync")], "sync")))
        # openssl uses the CPU's SHA instructions, as `archive` does; coreutils' sha256sum
        # (9.1) does not, and takes five times as long.
        hasher = ("openssl dgst -sha256" if shutil.which("openssl") else
                  "sha256sum --" if shutil.which("sha256sum") else None)
        if shutil.which("curl"):
            steps.append(("curl", fresh_dir, lambda: with_cpu("curl", self.run(
                ["curl", "--parallel", "--parallel-max", "4", "--no-progress-meter", "--fail",
                 "-K", str(self.peers / "sync.curl")], "sync", cwd=out))))
            if hasher:
                # diagnostic: what curl needs to name each recording by its content, as we do
                steps.append(("curl+sha256", fresh_dir, lambda: self.run(
                    ["sh", "-c", "curl --parallel --parallel-max 4 --no-progress-meter --fail "
                     f"-K {self.peers / 'sync.curl'} && {hasher} *.mp3"],
                    "sync", cwd=out)))
        if shutil.which("aria2c"):
            steps.append(("aria2c", fresh_dir, lambda: self.run(
                ["aria2c", "-j4", "-q", "--allow-overwrite=true", "--auto-file-renaming=false",
                 "-d", str(out), "-i", str(self.peers / "sync.aria2")], "sync")))
        mark = self.log_mark()
        res = self.repeat(steps, RUNS, budget=120)
        statuses, body = self.log_since(mark)
        published = len(list((root / "media" / "bench").glob("*.mp3")))
        ours = statistics.median(w for w, _ in res["ours"])
        self.raw["sync"] = {k: [w for w, _ in v] for k, v in res.items()}
        self.raw["sync_cpu"] = cpu
        total_mb = 200 * (self.bench / "data" / "www" / "sync" / "e000.mp3").stat().st_size / 1e6
        for peer in ("curl", "aria2c"):
            if peer not in res:
                self.row(f"2. Sync 200 × 2 MB vs {peer}", secs(ours), "not installed", "–",
                         "not run")
                continue
            p = statistics.median(w for w, _ in res[peer])
            target = peer == "curl"
            self.row(f"2. Sync 200 × 2 MB from loopback nginx, wall time",
                     secs(ours), f"{peer} {'--parallel-max 4' if peer == 'curl' else '-j4'} "
                     f"{secs(p)}",
                     f"{ours / p:.2f}× the peer's time"
                     + (" (target ≤ 1.10×)" if target else " (no target)"),
                     met(ours / p <= 1.10) if target else "info")
        if "curl" in cpu:
            ours_cpu = statistics.median(cpu["ours"]) / total_mb
            curl_cpu = statistics.median(cpu["curl"]) / total_mb
            self.row("2. CPU time per MB downloaded (user + sys), same sync",
                     f"{ours_cpu * 1000:.2f} ms/MB", f"curl {curl_cpu * 1000:.2f} ms/MB",
                     f"{ours_cpu / curl_cpu:.2f}× curl's CPU per MB (no target; ours also "
                     f"hashes, probes and builds the feeds)", "info")
        if "curl+sha256" in res:
            t = statistics.median(w for w, _ in res["curl+sha256"])
            self.row("2. Diagnostic: curl, then the SHA-256 of what it wrote", secs(ours),
                     f"curl + `{hasher.split(' --')[0]}` {secs(t)}",
                     f"{ours / t:.2f}× its time (ours hashes every byte as it arrives, to name "
                     f"each recording by its content; curl does not)", "info")
        if "nofsync" in res:
            t = statistics.median(w for w, _ in res["nofsync"])
            self.row("2. Diagnostic: the same sync with fsync off (eatmydata)", secs(t),
                     f"curl {secs(statistics.median(w for w, _ in res['curl']))}"
                     if "curl" in res else "–",
                     f"{t / statistics.median(w for w, _ in res['curl']):.2f}× curl's time; "
                     + (f"fsync costs {secs(ours - t)} of {secs(ours)}" if ours - t > 0 else
                      f"no measurable cost of fsync (as built: {secs(ours)})")
                     if "curl" in res else "–",
                     "info")
        self.notes.append(
            f"Sync: {len(res['ours'])} runs each, alternating, every run from empty (archive: "
            f"no media, state or feeds; peers: empty folder)"
            + (", each after the page cache was emptied and the server's files, and each "
               "tool's program and libraries, read back"
               if emptied and all(emptied) else
               ", with the page cache as the runs before left it (not root: it cannot be "
               "emptied)")
            + f". {total_mb:.0f} MB per run; "
            f"archive published {published} recordings in its last run. nginx logged "
            f"{dict(sorted(statuses.items()))} over all runs of all tools.")

    # ------------------------------------------------------------ 3. no-op re-sync

    def noop(self):
        self.say("line 3: no-op re-sync of 1,000 unchanged http episodes")
        root = self.arch / "noop"
        self.clean_archive(root)
        setup, _ = self.setup_sync(root, "noop")
        steps = [("ours", None, lambda: self.run(self.archive(root, "sync"), "noop"))]
        if shutil.which("curl"):
            steps.append(("curl", None, lambda: self.run(
                ["curl", "--parallel", "--parallel-max", "4", "--no-progress-meter",
                 "-K", str(self.peers / "noop.curl")], "noop-curl")))
        # Count the requests of archive's runs alone: run them first, then the peer's.
        mark = self.log_mark()
        res = self.repeat(steps[:1], RUNS, budget=20)
        statuses, body = self.log_since(mark)
        peer_res = self.repeat(steps[1:], RUNS, budget=10) if len(steps) > 1 else {}
        ours = statistics.median(w for w, _ in res["ours"])
        self.raw["noop"] = {"setup_sync": setup,
                            **{k: [w for w, _ in v] for k, v in {**res, **peer_res}.items()}}
        peer = (f"curl, 1,000 conditional GETs, 4 at a time: "
                f"{secs(statistics.median(w for w, _ in peer_res['curl']))}"
                if peer_res else "curl not installed")
        ok = ours < 0.15 and body == 0 and set(statuses) == {"304"}
        self.row("3. No-op re-sync, 1,000 unchanged http episodes", secs(ours), peer,
                 f"target < 0.15 s (issue 17); no recording bytes: {body} body bytes, "
                 f"{sum(statuses.values())} requests {fmt_statuses(statuses)}", met(ok))
        self.notes.append(
            f"No-op: the archive's first sync of the 1,000 episodes took {secs(setup)} (setup, "
            f"not in the table{self.setup_note()}); then {len(res['ours'])} timed re-syncs. nginx access log "
            f"over those re-syncs: {fmt_statuses(statuses)}, {body} body bytes sent.")

    # ------------------------------------------------------------ 4. feed build

    def build(self):
        self.say("line 4: feed build of 10,000 episodes (archive build, python-feedgen)")
        root = self.arch / "build"
        self.clean_archive(root)
        self.say("  first sync of the 10,000 local episodes (setup, not part of the line)")
        setup, setup_rss = self.setup_sync(root, "build")
        items = self.peers / "feed-items.json"
        write_items(root / "feeds" / "bench.xml", items)
        inputs, copies = self.bench / "build-inputs", self.bench / "build-runs"
        fresh.template(root, inputs)
        shutil.rmtree(copies, ignore_errors=True)
        runs = []

        def new_copy():
            runs.append(copies / f"run{len(runs)}")
            fresh.fresh_copy(inputs, runs[-1])

        steps = [("ours", new_copy, lambda: self.run(self.archive(runs[-1], "build"), "build"))]
        if self.python:
            steps.append(("feedgen", None, lambda: self.run(
                [self.python, str(SCRIPTS / "peers.py"), "feedgen", str(items),
                 str(self.peers / "feedgen.xml")], "build")))
        res = self.repeat(steps, RUNS, budget=90)
        ours = statistics.median(w for w, _ in res["ours"])
        ours_rss = max(r for _, r in res["ours"]) if GNU_TIME else None
        self.raw["build"] = {"setup_sync": setup,
                             **{k: [w for w, _ in v] for k, v in res.items()}}
        sizes = sum(p.stat().st_size for p in (runs[-1] / "feeds").rglob("*")
                    if p.suffix in fresh.OUTPUT_SUFFIXES)
        target = f"{secs(ours)} (target ≤ 0.3 s)"
        if "feedgen" in res:
            p = statistics.median(w for w, _ in res["feedgen"])
            self.row("4. Full build, 10,000 episodes, into a fresh copy of the inputs",
                     secs(ours), f"python-feedgen {secs(p)}",
                     f"{speed(p / ours, 2)} (target ≥ 3× faster); {target}",
                     met(ours <= 0.3 and p / ours >= 3))
        else:
            self.row("4. Full build, 10,000 episodes, into a fresh copy of the inputs",
                     secs(ours), "feedgen not installed", target, met(ours <= 0.3))
        if ours_rss:
            peer_rss = (statistics.median(r for _, r in res["feedgen"])
                        if "feedgen" in res else None)
            self.row("4. Peak RSS, full build of the 10,000-episode archive (largest run)",
                     mb(ours_rss), f"python-feedgen {mb(peer_rss)}" if peer_rss else "–",
                     "target ≤ 100 MiB", met(ours_rss <= 100 * 1024))
        self.rebuilds(runs[-1])
        self.notes.append(
            f"Build: {len(res['ours'])} run(s) each. Each full `archive build` runs in its own "
            f"fresh copy of the synced archive's inputs (catalog, sync records, recordings as "
            f"hard links; made and written back before the timed command), as on a fresh "
            f"clone: deleting the last run's ~30,000 outputs instead would time ext4's "
            f"handling of recently deleted inodes. It writes the 10,000-item feed, 10 speaker "
            f"feeds of 1,000 items, the web pages and the search's files "
            f"({sizes / 1e6:.0f} MB in all) and makes them durable; feedgen writes one feed of "
            f"the same 10,000 items with title, description, enclosure, guid, pubDate and "
            f"itunes:duration only ({(self.peers / 'feedgen.xml').stat().st_size / 1e6:.0f} "
            f"MB), without fsync. The no-op and one-change builds run in the last copy; a "
            f"change is one word of episode ep-05000's excerpt in `feeds/bench.toml`. The "
            f"first sync of the 10,000 local episodes (setup{self.setup_note()}) took "
            f"{secs(setup)}, peak RSS {mb(setup_rss)}.")
        shutil.rmtree(copies, ignore_errors=True)

    def rebuilds(self, root):
        """The no-op build and the build after one episode's excerpt changed, in `root`."""
        build = lambda: self.run(self.archive(root, "build"), "build")  # noqa: E731
        noop = self.repeat([("ours", None, build)], RUNS, budget=15)["ours"]
        t = statistics.median(w for w, _ in noop)
        self.row("4. No-op build, 10,000 episodes (nothing changed)", secs(t), "–",
                 f"{secs(t)} (target < 50 ms)", met(t < 0.05))
        catalog = root / "feeds" / "bench.toml"
        edit = lambda: fresh.edit_one_excerpt(catalog, "ep-05000")  # noqa: E731
        one = self.repeat([("ours", edit, build)], RUNS, budget=30)["ours"]
        u = statistics.median(w for w, _ in one)
        self.row("4. Build after one episode's excerpt changed, 10,000 episodes", secs(u), "–",
                 f"{secs(u)} (target < 150 ms)", met(u < 0.15))
        self.raw["build"]["unchanged"] = [w for w, _ in noop]
        self.raw["build"]["one_change"] = [w for w, _ in one]

    # ------------------------------------------------------------ 5. memory

    def memory(self):
        self.say("line 5: peak RSS of a sync of one ~1 GB recording (archive, curl)")
        if not GNU_TIME:
            self.row("5. Peak RSS", "–", "–", "GNU time not installed", "not run")
            return
        root = self.arch / "big"
        size = (self.bench / "data" / "www" / "big" / "big.mp3").stat().st_size
        out = self.peers / "big.mp3"
        steps = [("ours", lambda: self.clean_archive(root),
                  lambda: self.run(self.archive(root, "sync"), "big"))]
        if shutil.which("curl"):
            steps.append(("curl", lambda: self.set_aside([out]), lambda: self.run(
                ["curl", "--no-progress-meter", "--fail", "-o", str(out),
                 f"http://127.0.0.1:{self.port}/big/big.mp3"], "big")))
        res = self.repeat(steps, BIG_RUNS, budget=90)
        ours_rss = max(r for _, r in res["ours"])
        ours_t = statistics.median(w for w, _ in res["ours"])
        self.raw["memory"] = {k: v for k, v in res.items()}
        peer = "curl not installed"
        if "curl" in res:
            curl_t = statistics.median(w for w, _ in res["curl"])
            peer = f"curl -o {mb(max(r for _, r in res['curl']))} ({secs(curl_t)})"
            self.row(f"5. Sync of one {size / 1e9:.2f} GB recording, wall time",
                     secs(ours_t), f"curl -o {secs(curl_t)}",
                     f"{ours_t / curl_t:.2f}× the peer's time (target ≤ 1.10×)",
                     met(ours_t / curl_t <= 1.10))
        self.row(f"5. Peak RSS, sync of one {size / 1e9:.2f} GB recording",
                 f"{mb(ours_rss)} ({secs(ours_t)})", peer, "target < 32 MB",
                 met(ours_rss < 32 * 1024))
        self.clean_archive(root)
        self.set_aside([out])

    # ------------------------------------------------------------ 6. renditions

    def rendition(self):
        self.say("line 6: renditions of 20 × 10 min speech (archive's engine, ffmpeg loudnorm)")
        import rendition  # scripts/bench/rendition.py

        def time_cmd(cmd):
            out = self.logs / "rendition.out"
            with open(out, "wb") as f:
                wall, rss = self.run(cmd, "rendition", stdout=f)
            return wall, rss or 0, out.read_text()

        rows, notes, raw = rendition.line(self.bench, SCRIPTS.parent.parent, time_cmd)
        for row in rows:
            self.row(*row)
        self.notes.extend(notes)
        self.raw["rendition"] = raw

    # ------------------------------------------------------------ report

    def report(self, failures):
        total = time.time() - self.start
        head = git(["rev-parse", "--short", "HEAD"])
        dirty = git(["status", "--porcelain", "--", "src", "Cargo.toml", "Cargo.lock"])
        dirty_note = (f" plus {len(dirty.splitlines())} uncommitted change(s) under src/ or "
                      f"Cargo.*" if dirty else "")
        lines = [
            "| line | archive | peer | ratio / target | result |",
            "|---|---|---|---|---|",
            *[f"| {a} | {b} | {c} | {d} | {e} |" for a, b, c, d, e in self.rows],
        ]
        out = [
            f"Benchmark of `archive` (commit {head}{dirty_note}), {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
            f"{os.cpu_count()} cores ({cpu_model()}), {platform.system()} {platform.release()}. "
            f"Medians of up to {RUNS} runs per line, fewer where a line is slow. "
            f"Produced by `scripts/bench.sh`.",
            "",
            *lines,
            "",
            *[f"- {n}" for n in self.notes],
            "",
            *[d + "\n" for d in self.details],
            f"Peers: {peer_versions(self.python)}.",
            "",
            f"Total wall time of this run: {total:.0f} s, of which `cargo build --release` "
            f"{self.build_seconds:.0f} s.",
        ]
        if failures:
            out += ["", "Lines that could not run:", *[f"- {f}" for f in failures]]
        text = "\n".join(out) + "\n"
        (self.bench / "results.md").write_text(text)
        self.raw["total_seconds"] = total
        self.raw["build_seconds"] = self.build_seconds
        (self.bench / "results.json").write_text(json.dumps(self.raw, indent=1, default=str))
        print(text)


# ---------------------------------------------------------------- formatting


def ms(seconds):
    return f"{seconds * 1000:.2f} ms" if seconds < 0.1 else f"{seconds * 1000:.0f} ms"


def secs(seconds):
    return f"{seconds:.3f} s" if seconds < 10 else f"{seconds:.1f} s"


def mb(kib):
    return "–" if kib is None else f"{kib / 1024:.1f} MiB"


def speed(ratio, digits):
    """`ratio` = peer's time / ours, as words."""
    if ratio >= 1:
        return f"{ratio:.{digits}f}× faster"
    return f"{1 / ratio:.{max(digits, 1)}f}× slower"


def met(ok):
    return "met" if ok else "**MISSED**"


def fmt_err(signed, magnitude):
    if magnitude == float("inf"):
        return "unreadable"
    value = signed if signed is not None else magnitude
    if magnitude < 1:
        return f"{value * 1000:+.1f} ms" if signed is not None else f"{value * 1000:.1f} ms"
    return f"{value:+.2f} s" if signed is not None else f"{value:.2f} s"


def fmt_statuses(statuses):
    return ", ".join(f"{n}× {s}" for s, n in sorted(statuses.items())) or "none"


def git(args):
    try:
        return subprocess.run(["git", *args], cwd=SCRIPTS, capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.machine()


def peer_versions(python):
    found = []
    for cmd, pattern in [(["ffprobe", "-version"], r"ffprobe version (\S+)"),
                         (["curl", "--version"], r"curl (\S+)"),
                         (["aria2c", "--version"], r"aria2 version (\S+)"),
                         (["nginx", "-v"], r"nginx/(\S+)")]:
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True)
            m = re.search(pattern, proc.stdout + proc.stderr)
            found.append(f"{cmd[0]} {m.group(1) if m else '?'}")
        except OSError:
            found.append(f"{cmd[0]} not installed")
    if python:
        proc = subprocess.run(
            [python, "-c", "import importlib.metadata as m; print(', '.join("
             "f'{p} {m.version(p)}' for p in ('mutagen', 'tinytag', 'feedgen', 'lxml')))"],
            capture_output=True, text=True)
        found.append(proc.stdout.strip() or "Python peers not installed")
    return ", ".join(found)


def write_items(feed_xml, out):
    """The items of the feed `archive` wrote, as feedgen's input: the same items."""
    ns = {"itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd"}
    channel = ET.parse(feed_xml).getroot().find("channel")
    items = []
    for item in channel.iter("item"):
        enclosure = item.find("enclosure")
        items.append({
            "title": item.findtext("title"),
            "description": item.findtext("description"),
            "url": enclosure.get("url"),
            "length": int(enclosure.get("length")),
            "type": enclosure.get("type"),
            "guid": item.findtext("guid"),
            "published": email.utils.parsedate_to_datetime(item.findtext("pubDate")).isoformat(),
            "duration": int(item.findtext("itunes:duration", namespaces=ns)),
        })
    out.write_text(json.dumps({
        "channel": {
            "title": channel.findtext("title"),
            "description": channel.findtext("description"),
            "link": channel.findtext("link"),
            "language": channel.findtext("language"),
            "author": channel.findtext("itunes:author", namespaces=ns),
        },
        "items": items,
    }, ensure_ascii=False))


def main():
    bench, binary, port, start, build_seconds = sys.argv[1:6]
    b = Bench(Path(bench).resolve(), Path(binary).resolve(), int(port), float(start),
              float(build_seconds))
    failures = []
    server = os.environ.get("BENCH_SERVER") == "up"
    lines = [("1. probe", b.probe, False), ("2. sync throughput", b.sync_throughput, True),
             ("3. no-op re-sync", b.noop, True), ("4. feed build", b.build, False),
             ("5. memory", b.memory, True), ("6. rendition", b.rendition, False)]
    only = os.environ.get("BENCH_ONLY")  # e.g. "1,4" to run some lines while working on them
    for name, fn, needs_server in lines:
        if only and name[0] not in only.split(","):
            continue
        if needs_server and not server:
            failures.append(f"{name}: no loopback HTTP server (nginx not installed?)")
            b.row(name, "–", "–", "no loopback server", "not run")
            continue
        try:
            fn()
        except Exception as err:  # one broken line must not hide the others
            failures.append(f"{name}: {err}")
            b.row(name, "–", "–", f"failed: {err}", "not run")
        b.empty_trash()
    b.report(failures)


if __name__ == "__main__":
    main()
