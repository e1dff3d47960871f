#!/usr/bin/env python3
# Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
"""End-to-end test of sluiced's /metrics with a real Prometheus.

Starts sluiced (gRPC and metrics on 127.0.0.1 port 0, learnt from its two
stdout lines) and a Prometheus on loopback that scrapes it every second and
loads deploy/prometheus/alerts.yml. Drives every RPC kind with counted
messages, then checks through Prometheus's HTTP API that the gRPC and engine
metrics moved by exactly that much. It also evaluates every PromQL expression
of the Grafana dashboard and the alert rules, and runs promtool on the
exposition, the rules and the configs. Metric contract: docs/metrics.md.

Usage: prometheus_end2end_test.py --sluiced PATH [--prometheus PATH] [--promtool PATH]
(the stubs must be importable or generatable: run_test.sh does that).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import urllib.error
import urllib.parse
import urllib.request
from typing import Callable, Dict, Iterable, List, Optional, Tuple

import grpc

from sluice_client import Client, SluiceError, response_error

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
DASHBOARD = os.path.join(SOURCE_DIR, "deploy", "grafana", "sluice-dashboard.json")
ALERTS = os.path.join(SOURCE_DIR, "deploy", "prometheus", "alerts.yml")
SHIPPED_CONFIG = os.path.join(SOURCE_DIR, "deploy", "prometheus", "prometheus.yml")

GLOBAL_TIMEOUT_SECONDS = 120  # The whole test, whatever hangs.
WAIT_SECONDS = 20  # One wait for a process, a scrape or a value.
POLL_SECONDS = 0.1
JOB = "sluice"
SERVICE = "sluice.v1.Inference"
SVC = f'grpc_service="{SERVICE}"'
KINDS = {"Infer": "unary", "Ingest": "client_stream", "Generate": "server_stream",
         "Stream": "bidi_stream"}
# go-grpc-prometheus spells grpc_code as Go's codes.Code.String().
CODES = ["OK", "Canceled", "Unknown", "InvalidArgument", "DeadlineExceeded", "NotFound",
         "AlreadyExists", "PermissionDenied", "ResourceExhausted", "FailedPrecondition", "Aborted",
         "OutOfRange", "Unimplemented", "Internal", "Unavailable", "DataLoss", "Unauthenticated"]
# Every family of the contract and its type (docs/metrics.md).
SPEC_TYPES = {
    "grpc_server_started_total": "counter",
    "grpc_server_handled_total": "counter",
    "grpc_server_msg_received_total": "counter",
    "grpc_server_msg_sent_total": "counter",
    "grpc_server_handling_seconds": "histogram",
    "sluice_streams_active": "gauge",
    "sluice_time_to_first_response_seconds": "histogram",
    "sluice_response_gap_seconds": "histogram",
    "sluice_model_call_seconds": "histogram",
    "sluice_credits_in_use": "gauge",
    "sluice_credits_available": "gauge",
    "sluice_outbound_window_occupancy": "gauge",
    "sluice_outbound_window_capacity": "gauge",
    "sluice_mailbox_depth": "gauge",
    "sluice_mailbox_depth_max": "gauge",
    "sluice_streams_cancelled_total": "counter",
    "sluice_requests_rejected_total": "counter",
    "sluice_admission_rejected_total": "counter",
    "sluice_model_errors_total": "counter",
    "sluice_config_reloads_total": "counter",
    "sluice_build_info": "gauge",
    "process_cpu_seconds_total": "counter",
    "process_resident_memory_bytes": "gauge",
    "process_virtual_memory_bytes": "gauge",
    "process_open_fds": "gauge",
    "process_max_fds": "gauge",
    "process_start_time_seconds": "gauge",
    "process_threads": "gauge",
}
# What the tests put in place of Grafana's variables before evaluating.
SUBSTITUTIONS = [
    (re.compile(r"\$__rate_interval\b|\$\{__rate_interval\}"), "1m"),
    (re.compile(r"\$__interval\b|\$\{__interval\}"), "1m"),
    (re.compile(r"\$__range\b|\$\{__range\}"), "5m"),
    (re.compile(r"\$\{?(model|grpc_method)\}?"), ".*"),
]

Snapshot = Dict[Tuple[str, ...], float]


class TestFailure(AssertionError):
    pass


# ---------------------------------------------------------------------------
# Processes


class Children:
    """The processes this test started; killed on every exit path."""

    def __init__(self) -> None:
        self._procs: List[subprocess.Popen] = []
        self._lock = threading.Lock()

    def add(self, proc: subprocess.Popen) -> subprocess.Popen:
        with self._lock:
            self._procs.append(proc)
        return proc

    def kill_all(self) -> None:
        with self._lock:
            procs = list(self._procs)
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass


CHILDREN = Children()


def free_port() -> int:
    """A loopback port nothing listens on once this returns."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Sluiced:
    """sluiced with gRPC and metrics on port 0; the constructor returns once
    both stdout lines have named the ports."""

    def __init__(self, binary: str) -> None:
        self.proc = CHILDREN.add(subprocess.Popen(
            [binary, "--listen", "127.0.0.1:0", "--metrics_address", "127.0.0.1:0",
             "--tokens_per_second", "0", "--drain_seconds", "5"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
        self.stderr: List[str] = []
        lines: "queue.Queue[Optional[str]]" = queue.Queue()
        threading.Thread(target=self._drain_stdout, args=(lines,), daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()
        first = self._next_line(lines)
        second = self._next_line(lines)
        listening = re.search(r"^sluiced listening on (\S+:\d+)$", first.strip())
        metrics = re.search(r"^sluiced metrics on (http://(\S+:\d+)/metrics)$", second.strip())
        if not listening or not metrics:
            raise TestFailure(f"unexpected sluiced stdout: {first!r} {second!r}; "
                              f"stderr: {''.join(self.stderr)}")
        self.target = listening.group(1)
        self.metrics_url = metrics.group(1)
        self.metrics_target = metrics.group(2)

    def _drain_stdout(self, lines: "queue.Queue[Optional[str]]") -> None:
        for line in self.proc.stdout:
            lines.put(line)
        lines.put(None)

    def _drain_stderr(self) -> None:
        for line in self.proc.stderr:
            self.stderr.append(line)

    def _next_line(self, lines: "queue.Queue[Optional[str]]") -> str:
        try:
            line = lines.get(timeout=WAIT_SECONDS)
        except queue.Empty:
            raise TestFailure(f"sluiced printed no line for {WAIT_SECONDS} s; "
                              f"stderr: {''.join(self.stderr)}") from None
        if line is None:
            self.proc.wait(timeout=WAIT_SECONDS)
            raise TestFailure(f"sluiced exited ({self.proc.returncode}) before naming its ports; "
                              f"stderr: {''.join(self.stderr)}")
        return line

    def stop(self) -> int:
        """SIGTERM, then the exit status."""
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=WAIT_SECONDS)


def write_prometheus_config(directory: str, metrics_target: str) -> str:
    """A config scraping metrics_target every second, with alerts.yml beside it."""
    shutil.copy(ALERTS, os.path.join(directory, "alerts.yml"))
    path = os.path.join(directory, "prometheus.yml")
    with open(path, "w", encoding="utf-8") as out:
        out.write(f"""# Generated by {os.path.basename(__file__)}.
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - alerts.yml
scrape_configs:
  - job_name: {JOB}
    static_configs:
      - targets: ["{metrics_target}"]
""")
    return path


class Prometheus:
    """A Prometheus on a free loopback port; the constructor returns once it is ready."""

    def __init__(self, binary: str, config: str, directory: str) -> None:
        self.address = f"127.0.0.1:{free_port()}"
        self.log_path = os.path.join(directory, "prometheus.log")
        self._log = open(self.log_path, "w", encoding="utf-8")
        self.proc = CHILDREN.add(subprocess.Popen(
            [binary, f"--config.file={config}",
             f"--storage.tsdb.path={os.path.join(directory, 'data')}",
             f"--web.listen-address={self.address}"],
            stdout=self._log, stderr=subprocess.STDOUT, cwd=directory))
        try:
            poll_until(f"Prometheus ready on {self.address}", self._ready)
        except TestFailure as error:
            raise TestFailure(f"{error}; log: {self.log_tail()}") from None

    def _ready(self) -> bool:
        if self.proc.poll() is not None:
            raise TestFailure(f"prometheus exited ({self.proc.returncode}): {self.log_tail()}")
        try:
            with urllib.request.urlopen(f"http://{self.address}/-/ready", timeout=2) as reply:
                return reply.status == 200
        except (urllib.error.URLError, ConnectionError, OSError):
            return False

    def log_tail(self) -> str:
        self._log.flush()
        with open(self.log_path, encoding="utf-8", errors="replace") as log:
            return "".join(log.readlines()[-20:])

    def api(self, path: str, **params: str) -> dict:
        """GET /api/v1/<path>; the decoded JSON body, errors included."""
        url = f"http://{self.address}/api/v1/{path}"
        if params:
            url += "?" + urllib.parse.urlencode(params)
        try:
            with urllib.request.urlopen(url, timeout=10) as reply:
                return json.load(reply)
        except urllib.error.HTTPError as error:  # 400/422 carry a JSON error body.
            body = error.read().decode("utf-8", errors="replace")
            try:
                return json.loads(body)
            except json.JSONDecodeError:
                return {"status": "error", "error": f"HTTP {error.code}: {body}"}

    def query(self, expr: str) -> dict:
        return self.api("query", query=expr)

    def vector(self, expr: str, labels: Iterable[str]) -> Dict[Tuple[str, ...], float]:
        """An instant vector as {(label values...): value}."""
        reply = self.query(expr)
        if reply.get("status") != "success":
            raise TestFailure(f"query {expr!r} failed: {reply.get('error')}")
        result = reply["data"]["result"]
        return {tuple(sample["metric"].get(label, "") for label in labels):
                float(sample["value"][1]) for sample in result}

    def scalar(self, expr: str) -> Optional[float]:
        """The single value of expr, or None when it has no sample."""
        values = self.vector(expr, ())
        return values.get((), None)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=WAIT_SECONDS)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def poll_until(what: str, condition: Callable[[], bool], seconds: float = WAIT_SECONDS) -> None:
    """Calls condition() until it is true; fails after `seconds`."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise TestFailure(f"timed out after {seconds} s waiting for {what}")
        time.sleep(POLL_SECONDS)  # Poll interval; the deadline bounds the wait.


# ---------------------------------------------------------------------------
# Counting what the client did, and what Prometheus saw


class Tally:
    """What the test expects the counters to have gained, by snapshot key."""

    def __init__(self) -> None:
        self.delta: Dict[Tuple[str, ...], float] = {}

    def add(self, key: Tuple[str, ...], count: float = 1) -> None:
        self.delta[key] = self.delta.get(key, 0) + count

    def rpc(self, method: str, code: str, received: int, sent: int) -> None:
        self.add(("started", method))
        self.add(("handled", method, code))
        self.add(("msg_received", method), received)
        self.add(("msg_sent", method), sent)


def snapshot(prometheus: Prometheus) -> Snapshot:
    """Every counter the exact checks compare, as the last scrape saw them."""
    values: Snapshot = {}
    for name, family in (("started", "grpc_server_started_total"),
                         ("msg_received", "grpc_server_msg_received_total"),
                         ("msg_sent", "grpc_server_msg_sent_total")):
        for (method,), value in prometheus.vector(
                f"sum by (grpc_method) ({family}{{job=\"{JOB}\", {SVC}}})",
                ("grpc_method",)).items():
            values[(name, method)] = value
    for (method, code), value in prometheus.vector(
            f"sum by (grpc_method, grpc_code) (grpc_server_handled_total{{job=\"{JOB}\", {SVC}}})",
            ("grpc_method", "grpc_code")).items():
        values[("handled", method, code)] = value
    for name, family, label in (("cancelled", "sluice_streams_cancelled_total", "by"),
                                ("rejected", "sluice_requests_rejected_total", "reason"),
                                ("admission_rejected", "sluice_admission_rejected_total",
                                 "reason")):
        for (value_label,), value in prometheus.vector(
                f"sum by ({label}) ({family}{{job=\"{JOB}\"}})", (label,)).items():
            values[(name, value_label)] = value
    for (model, kind), value in prometheus.vector(
            f"sum by (model, kind) (sluice_model_errors_total{{job=\"{JOB}\"}})",
            ("model", "kind")).items():
        values[("model_errors", model, kind)] = value
    return values


def wait_for_scrape_after(prometheus: Prometheus, moment: float) -> None:
    """Returns once Prometheus holds a scrape of sluiced taken after `moment` (unix time)."""

    def scraped() -> bool:
        when = prometheus.scalar(f'timestamp(up{{job="{JOB}"}})')
        return when is not None and when > moment

    poll_until("a scrape after the traffic", scraped)


def expect_counts(prometheus: Prometheus, baseline: Snapshot, tally: Tally,
                  keys: Optional[Iterable[Tuple[str, ...]]] = None) -> None:
    """After a scrape later than now, waits until the counters equal baseline + tally
    (all of them, or only `keys`), then fails listing every one that differs."""
    wait_for_scrape_after(prometheus, time.time())
    chosen = set(keys) if keys is not None else None

    def expected_and_seen() -> Tuple[Snapshot, Snapshot]:
        seen = snapshot(prometheus)
        every = set(seen) | set(baseline) | set(tally.delta)
        if chosen is not None:
            every &= chosen
        expected = {k: baseline.get(k, 0) + tally.delta.get(k, 0) for k in every}
        return expected, {k: seen.get(k, 0) for k in every}

    def equal() -> bool:
        expected, seen = expected_and_seen()
        return expected == seen

    try:
        poll_until("the counters to reach the expected values", equal)
    except TestFailure:
        pass  # Reported below, with every difference.
    expected, seen = expected_and_seen()
    wrong = [f"  {'/'.join(k)}: expected {expected[k]:g}, Prometheus has {seen[k]:g}"
             for k in sorted(expected) if expected[k] != seen[k]]
    if wrong:
        raise TestFailure("counters differ from what the client did:\n" + "\n".join(wrong))


def expect_value(prometheus: Prometheus, expr: str, want: float) -> None:
    """After a scrape later than now, waits until expr equals want (no sample counts as 0)."""
    wait_for_scrape_after(prometheus, time.time())
    seen: List[Optional[float]] = [None]

    def reached() -> bool:
        seen[0] = prometheus.scalar(expr) or 0.0
        return seen[0] == want

    try:
        poll_until(f"{expr} == {want:g}", reached)
    except TestFailure:
        raise TestFailure(f"{expr}: expected {want:g}, Prometheus has {seen[0]}") from None


# ---------------------------------------------------------------------------
# Expressions in the deploy/ files


def substitute(expr: str) -> str:
    for pattern, value in SUBSTITUTIONS:
        expr = pattern.sub(value, expr)
    return expr


def dashboard_expressions(path: str = DASHBOARD) -> List[Tuple[str, str]]:
    """(where, PromQL) for every query of the dashboard: panel targets, annotations,
    and the series selectors of label_values() variables, variables substituted."""
    with open(path, encoding="utf-8") as dashboard_file:
        dashboard = json.load(dashboard_file)
    found: List[Tuple[str, str]] = []

    def walk(node, where: str) -> None:
        if isinstance(node, dict):
            here = node.get("title") or node.get("name") or where
            if isinstance(node.get("expr"), str):
                found.append((f"{here} [{node.get('refId', '')}]", substitute(node["expr"])))
            for child in node.values():
                walk(child, here)
        elif isinstance(node, list):
            for child in node:
                walk(child, where)

    walk(dashboard.get("panels", []), "panel")
    walk(dashboard.get("annotations", {}), "annotation")
    for variable in dashboard.get("templating", {}).get("list", []):
        if variable.get("type") != "query":
            continue
        query = variable.get("query")
        query = query.get("query", "") if isinstance(query, dict) else str(query or "")
        match = re.fullmatch(r"\s*label_values\((.*),\s*(\w+)\s*\)\s*", query, re.S)
        if match:
            found.append((f"variable {variable['name']}", substitute(match.group(1))))
        elif query:
            found.append((f"variable {variable['name']}", substitute(query)))
    return found


def rule_expressions(prometheus: Prometheus) -> List[Tuple[str, str]]:
    """(alert name, PromQL) for every rule Prometheus loaded from alerts.yml."""
    reply = prometheus.api("rules")
    if reply.get("status") != "success":
        raise TestFailure(f"/api/v1/rules failed: {reply}")
    return [(f"rule {rule['name']}", rule["query"])
            for group in reply["data"]["groups"] for rule in group["rules"]]


def check_expressions(prometheus: Prometheus, expressions: List[Tuple[str, str]]) -> None:
    """Evaluates each expression; fails listing every one Prometheus refuses."""
    failures = []
    for where, expr in expressions:
        if "$" in expr:
            failures.append(f"  {where}: a variable is left after substitution: {expr}")
            continue
        reply = prometheus.query(expr)
        if reply.get("status") != "success":
            failures.append(f"  {where}: {reply.get('error')}\n    {expr}")
    if failures:
        raise TestFailure(f"{len(failures)} of {len(expressions)} expressions fail:\n"
                          + "\n".join(failures))


def referenced_families(expressions: Iterable[str]) -> set:
    """The contract's families an expression names (histogram suffixes removed)."""
    names = set()
    for expr in expressions:
        for name in re.findall(r"\b((?:grpc_server|sluice|process)_[a-z_]+)\b", expr):
            base = re.sub(r"_(bucket|sum|count)$", "", name)
            names.add(base if base in SPEC_TYPES else name)
    return names


# ---------------------------------------------------------------------------
# The checks, in order. Each raises TestFailure (or any exception) to fail.


class Run:
    def __init__(self, args: argparse.Namespace, work: str) -> None:
        self.args = args
        self.work = work
        self.sluiced: Optional[Sluiced] = None
        self.prometheus: Optional[Prometheus] = None
        self.config = ""

    def client(self) -> Client:
        return Client(self.sluiced.target, timeout=30)

    def counters_now(self) -> Snapshot:
        """The counters after a scrape later than now: the baseline of one check,
        so that a miscount fails that check alone."""
        wait_for_scrape_after(self.prometheus, time.time())
        return snapshot(self.prometheus)

    def promtool(self, *args: str, stdin: Optional[str] = None) -> subprocess.CompletedProcess:
        return subprocess.run([self.args.promtool, *args], input=stdin, capture_output=True,
                              text=True, timeout=WAIT_SECONDS)

    # -- static checks

    def test_promtool_check_rules(self) -> None:
        result = self.promtool("check", "rules", ALERTS)
        if result.returncode != 0:
            raise TestFailure(f"promtool check rules: {result.stdout}{result.stderr}")

    def test_promtool_check_shipped_config(self) -> None:
        result = self.promtool("check", "config", SHIPPED_CONFIG)
        if result.returncode != 0:
            raise TestFailure(f"promtool check config {SHIPPED_CONFIG}: "
                              f"{result.stdout}{result.stderr}")

    def test_dashboard_names_only_contract_metrics(self) -> None:
        expressions = [expr for _, expr in dashboard_expressions()]
        with open(ALERTS, encoding="utf-8") as alerts:
            expressions.append(alerts.read())
        unknown = sorted(referenced_families(expressions) - set(SPEC_TYPES))
        if unknown:
            raise TestFailure(f"the dashboard or alerts name metrics outside the contract: "
                              f"{unknown}")

    def test_dashboard_rate_windows_use_rate_interval(self) -> None:
        with open(DASHBOARD, encoding="utf-8") as dashboard_file:
            dashboard = json.load(dashboard_file)
        exprs = [target["expr"] for panel in dashboard["panels"]
                 for target in panel.get("targets", [])]
        fixed = [expr for expr in exprs
                 for window in re.findall(r"\b(?:rate|irate|increase)\([^\[]*\[([^\]]*)\]", expr)
                 if window != "$__rate_interval"]
        if fixed:
            raise TestFailure("rate windows other than $__rate_interval:\n  " + "\n  ".join(fixed))

    # -- the servers

    def start(self) -> None:
        self.sluiced = Sluiced(self.args.sluiced)
        print(f"sluiced at {self.sluiced.target}, metrics at {self.sluiced.metrics_url}",
              flush=True)
        self.config = write_prometheus_config(self.work, self.sluiced.metrics_target)
        self.prometheus = Prometheus(self.args.prometheus, self.config, self.work)
        print(f"prometheus at {self.prometheus.address}", flush=True)

    def test_promtool_check_generated_config(self) -> None:
        result = self.promtool("check", "config", self.config)
        if result.returncode != 0:
            raise TestFailure(f"promtool check config: {result.stdout}{result.stderr}")

    def test_target_is_up(self) -> None:
        def up() -> bool:
            return self.prometheus.scalar(f'up{{job="{JOB}"}}') == 1

        try:
            poll_until("the sluice target to be up", up)
        except TestFailure:
            targets = self.prometheus.api("targets")
            raise TestFailure(f"target not up: {json.dumps(targets)[:2000]}") from None

    def test_grpc_labels_follow_the_contract(self) -> None:
        handled = self.prometheus.vector(
            f'count by (grpc_method, grpc_type, grpc_code) (grpc_server_handled_total{{{SVC}}})',
            ("grpc_method", "grpc_type", "grpc_code"))
        want = {(method, kind, code) for method, kind in KINDS.items() for code in CODES}
        problems = []
        if set(handled) != want:
            missing = sorted(want - set(handled))
            extra = sorted(set(handled) - want)
            shown = f"{missing[:10]}{' ...' if len(missing) > 10 else ''}"
            problems.append(f"grpc_server_handled_total is not pre-initialised with the 17 codes "
                            f"x 4 methods: missing {shown}, unexpected {extra}")
        info = self.prometheus.vector(f'sluice_build_info{{job="{JOB}"}}', ("version",))
        if len(info) != 1 or list(info.values()) != [1.0] or not list(info)[0][0]:
            problems.append(f"sluice_build_info should be one series = 1 with a version: {info}")
        if problems:
            raise TestFailure("\n".join(problems))

    # -- exact counts

    def test_every_rpc_kind_is_counted_exactly(self) -> None:
        baseline, tally = self.counters_now(), Tally()
        with self.client() as client:
            for i in range(5):  # Unary.
                client.infer("echo", f"infer {i}", timeout=10)
                tally.rpc("Infer", "OK", received=1, sent=1)
            for model, parameters in (("echo", None), ("echo", None), ("tokens", {"max_tokens": 5}),
                                      ("tokens", {"max_tokens": 3})):  # Server streaming.
                responses = list(client.generate(model, "generate", parameters, timeout=10))
                if not responses:
                    raise TestFailure(f"Generate on {model} returned no response")
                tally.rpc("Generate", "OK", received=1, sent=len(responses))
            for count in (1, 4, 7):  # Client streaming.
                client.ingest("echo", [f"ingest {i}" for i in range(count)], timeout=10)
                tally.rpc("Ingest", "OK", received=count, sent=1)
            for count in (1, 10, 25):  # Bidi.
                with client.stream("echo", timeout=10) as session:
                    for i in range(count):
                        session.send(f"stream {i}")
                    session.close_send()
                    responses = list(session)
                errors = [r for r in responses if response_error(r) is not None]
                if len(responses) != count or errors:
                    raise TestFailure(f"Stream echo: {len(responses)} responses, errors {errors}")
                tally.rpc("Stream", "OK", received=count, sent=len(responses))
            # A request naming another model on an open stream: an error response,
            # counted as a rejection; the stream goes on and ends OK.
            with client.stream("echo", timeout=10) as session:
                session.send("first")
                first = next(session)
                session.model = "tokens"
                session.send("second")
                second = next(session)
                session.model = "echo"
                session.send("third")
                third = next(session)
                session.close_send()
                rest = list(session)
            if response_error(first) or response_error(third) or rest:
                raise TestFailure("the model-mismatch stream did not go on as documented")
            failure = response_error(second)
            if failure is None or failure.code != grpc.StatusCode.INVALID_ARGUMENT:
                raise TestFailure(f"a request for another model was answered with {second}")
            tally.rpc("Stream", "OK", received=3, sent=3)
            tally.add(("rejected", "model_mismatch"))
        expect_counts(self.prometheus, baseline, tally)

    def test_open_streams_are_gauged(self) -> None:
        baseline, tally = self.counters_now(), Tally()
        streams = 4
        with self.client() as client:
            sessions = [client.stream("echo", timeout=30) for _ in range(streams)]
            try:
                for i, session in enumerate(sessions):
                    session.send(f"hold {i}")
                    if response_error(next(session)) is not None:
                        raise TestFailure("echo answered an open stream with an error")
                expect_value(self.prometheus, f'sum(sluice_streams_active{{job="{JOB}"}})',
                             streams)
                for session in sessions:
                    session.close_send()
                    if list(session):
                        raise TestFailure("a held stream sent more than its one response")
            finally:
                for session in sessions:
                    session.close_send()
                    session.cancel()  # A no-op on a finished call.
        for _ in range(streams):
            tally.rpc("Stream", "OK", received=1, sent=1)
        expect_value(self.prometheus, f'sum(sluice_streams_active{{job="{JOB}"}})', 0)
        expect_counts(self.prometheus, baseline, tally)

    def test_failed_calls_count_under_their_code(self) -> None:
        baseline, tally = self.counters_now(), Tally()

        def expect_failure(what: str, code: grpc.StatusCode, call: Callable[[], object]) -> None:
            try:
                call()
            except SluiceError as error:
                if error.code != code:
                    raise TestFailure(f"{what}: expected {code.name}, got {error}") from None
                return
            raise TestFailure(f"{what}: expected {code.name}, the call succeeded")

        def one_request_session(client: Client, model: str) -> None:
            with client.stream(model, timeout=10) as session:
                session.send("x")
                list(session)

        with self.client() as client:
            expect_failure("Infer on an unknown model", grpc.StatusCode.NOT_FOUND,
                           lambda: client.infer("no-such-model", "x", timeout=10))
            tally.rpc("Infer", "NotFound", received=1, sent=0)
            expect_failure("Generate on an unknown model", grpc.StatusCode.NOT_FOUND,
                           lambda: list(client.generate("no-such-model", "x", timeout=10)))
            tally.rpc("Generate", "NotFound", received=1, sent=0)
            expect_failure("Stream on an unknown model", grpc.StatusCode.NOT_FOUND,
                           lambda: one_request_session(client, "no-such-model"))
            tally.rpc("Stream", "NotFound", received=1, sent=0)
            expect_failure("Stream whose first request names no model",
                           grpc.StatusCode.INVALID_ARGUMENT,
                           lambda: one_request_session(client, ""))
            tally.rpc("Stream", "InvalidArgument", received=1, sent=0)
        expect_counts(self.prometheus, baseline, tally)

    def test_cancellations_count_by_who(self) -> None:
        # How many messages crossed before a cancel is not exact, so this
        # compares only the keys a cancellation must move.
        baseline, tally = self.counters_now(), Tally()
        keys = {("started", "Stream"), ("handled", "Stream", "Canceled"),
                ("started", "Generate"), ("handled", "Generate", "DeadlineExceeded"),
                ("cancelled", "client"), ("cancelled", "deadline"), ("cancelled", "server")}
        with self.client() as client:
            session = client.stream("echo")
            session.send("then cancel")
            next(session)
            session.cancel()
            tally.add(("started", "Stream"))
            tally.add(("handled", "Stream", "Canceled"))
            tally.add(("cancelled", "client"))
            try:
                list(client.generate("tokens", "slow", {"max_tokens": 100,
                                                        "tokens_per_second": 2}, timeout=0.5))
                raise TestFailure("a 50 s token stream beat a 0.5 s deadline")
            except SluiceError as error:
                if error.code != grpc.StatusCode.DEADLINE_EXCEEDED:
                    raise TestFailure(f"expected DEADLINE_EXCEEDED, got {error}") from None
            tally.add(("started", "Generate"))
            tally.add(("handled", "Generate", "DeadlineExceeded"))
            tally.add(("cancelled", "deadline"))
        expect_counts(self.prometheus, baseline, tally, keys)
        expect_value(self.prometheus, f'sum(sluice_streams_active{{job="{JOB}"}})', 0)

    # -- the deploy/ files against live data

    def test_dashboard_expressions_evaluate(self) -> None:
        expressions = dashboard_expressions()
        if len(expressions) < 20:
            raise TestFailure(f"only {len(expressions)} expressions found in {DASHBOARD}")
        check_expressions(self.prometheus, expressions)

    def test_alert_expressions_evaluate_and_rules_are_healthy(self) -> None:
        expressions = rule_expressions(self.prometheus)
        if not expressions:
            raise TestFailure("Prometheus loaded no rules from alerts.yml")
        check_expressions(self.prometheus, expressions)

        def all_evaluated() -> bool:
            groups = self.prometheus.api("rules")["data"]["groups"]
            return all(rule.get("lastEvaluation", "").startswith("20")
                       for group in groups for rule in group["rules"])

        poll_until("every rule to be evaluated once", all_evaluated)
        unhealthy = [f"  {rule['name']}: {rule.get('health')} {rule.get('lastError', '')}"
                     for group in self.prometheus.api("rules")["data"]["groups"]
                     for rule in group["rules"] if rule.get("health") != "ok"]
        if unhealthy:
            raise TestFailure("rules failing in Prometheus:\n" + "\n".join(unhealthy))

    def test_exposition_has_every_contract_family(self) -> None:
        text = self.fetch_metrics()
        types = dict(re.findall(r"^# TYPE (\S+) (\S+)$", text, re.M))
        wrong = [f"  {name}: expected {kind}, found {types.get(name, 'nothing')}"
                 for name, kind in SPEC_TYPES.items() if types.get(name) != kind]
        if wrong:
            raise TestFailure("families missing or mistyped in /metrics:\n" + "\n".join(wrong))

    def test_promtool_check_metrics(self) -> None:
        result = self.promtool("check", "metrics", stdin=self.fetch_metrics())
        if result.returncode != 0 or result.stdout.strip() or result.stderr.strip():
            raise TestFailure(f"promtool check metrics exited {result.returncode}:\n"
                              f"{result.stdout}{result.stderr}")

    def fetch_metrics(self) -> str:
        with urllib.request.urlopen(self.sluiced.metrics_url, timeout=10) as reply:
            if reply.status != 200:
                raise TestFailure(f"GET {self.sluiced.metrics_url}: HTTP {reply.status}")
            return reply.read().decode("utf-8")

    def test_sluiced_stops_cleanly(self) -> None:
        status = self.sluiced.stop()
        if status != 0:
            raise TestFailure(f"sluiced exited {status} on SIGTERM: {''.join(self.sluiced.stderr)}")

    def close(self) -> None:
        if self.prometheus is not None:
            self.prometheus.close()


STATIC_TESTS = ["test_promtool_check_rules", "test_promtool_check_shipped_config",
                "test_dashboard_names_only_contract_metrics",
                "test_dashboard_rate_windows_use_rate_interval"]
LIVE_TESTS = ["test_promtool_check_generated_config", "test_target_is_up",
              "test_grpc_labels_follow_the_contract", "test_every_rpc_kind_is_counted_exactly",
              "test_open_streams_are_gauged", "test_failed_calls_count_under_their_code",
              "test_cancellations_count_by_who", "test_dashboard_expressions_evaluate",
              "test_alert_expressions_evaluate_and_rules_are_healthy",
              "test_exposition_has_every_contract_family", "test_promtool_check_metrics",
              "test_sluiced_stops_cleanly"]
# Without these the rest has nothing to look at.
REQUIRED = {"test_target_is_up"}


def watchdog(work: str) -> None:
    print(f"FAIL: the test did not finish within {GLOBAL_TIMEOUT_SECONDS} s", flush=True)
    CHILDREN.kill_all()
    shutil.rmtree(work, ignore_errors=True)
    os._exit(1)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sluiced", required=True)
    parser.add_argument("--prometheus", default=shutil.which("prometheus") or "prometheus")
    parser.add_argument("--promtool", default=shutil.which("promtool") or "promtool")
    parser.add_argument("tests", nargs="*", help="run only these checks (names as printed)")
    args = parser.parse_args()
    for tool in (args.prometheus, args.promtool):
        if shutil.which(tool) is None:
            print(f"FAIL: {tool} not found (Debian package prometheus, see "
                  "tools/scripts/install-deps.sh)")
            return 1

    work = tempfile.mkdtemp(prefix="sluice-prometheus-test-")
    timer = threading.Timer(GLOBAL_TIMEOUT_SECONDS, watchdog, args=(work,))
    timer.daemon = True
    timer.start()
    run = Run(args, work)
    passed, failed = [], []

    def attempt(name: str) -> bool:
        if args.tests and name not in args.tests and name not in REQUIRED:
            return True
        started = time.monotonic()
        try:
            getattr(run, name)()
        except Exception as error:  # A failed check, or anything it did not expect.
            detail = str(error) if isinstance(error, TestFailure) else traceback.format_exc()
            print(f"FAIL {name} ({time.monotonic() - started:.1f} s)\n{detail}", flush=True)
            failed.append(name)
            return False
        print(f"ok   {name} ({time.monotonic() - started:.1f} s)", flush=True)
        passed.append(name)
        return True

    try:
        for name in STATIC_TESTS:
            attempt(name)
        try:
            run.start()
        except Exception:
            print(f"FAIL start\n{traceback.format_exc()}", flush=True)
            failed.append("start")
        else:
            for name in LIVE_TESTS:
                if not attempt(name) and name in REQUIRED:
                    print(f"prometheus log:\n{run.prometheus.log_tail()}", flush=True)
                    break
    finally:
        run.close()
        CHILDREN.kill_all()
        timer.cancel()
        shutil.rmtree(work, ignore_errors=True)
    if failed and run.sluiced is not None and run.sluiced.stderr:
        print(f"sluiced stderr:\n{''.join(run.sluiced.stderr)[-4000:]}")
    print(f"{len(passed)} passed, {len(failed)} failed")
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
