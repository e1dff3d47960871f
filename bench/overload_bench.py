#!/usr/bin/python3
# Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
"""Overload: a model with a real capacity offered twice what it can serve.

Runs sluiced with the `predict` model standing in for an accelerator-bound
model (compute_ms per prediction, worker_threads workers, so its capacity is
workers * 1000 / compute_ms predictions a second), and drives it with
`sluice bench` in an open loop (latency counted from when each call was due,
so a queue cannot hide). Four runs, one after another on one machine:

  capacity    closed loop, many calls in flight: what the model serves
  unloaded    open loop at half the capacity
  2x, no limit    open loop at twice the capacity, no admission limit
  2x, limit       the same, with models[].max_requests_in_flight set

and prints a Markdown table: admitted calls per second, rejected per second,
latency of admitted calls (p50, p99) with the ratio to the unloaded p99, and
the time to a refusal (p50, p99).

Usage: bench/overload_bench.py BUILD_DIR [--seconds S] [--compute-ms MS]
       [--workers N] [--limit N] [--server-cpu C] [--client-cpu C]
"""

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile


def start_sluiced(build, config_path, cpu):
    command = [os.path.join(build, "engine/sluiced"), "--config", config_path]
    if cpu is not None:
        command = ["taskset", "-c", str(cpu)] + command
    server = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    for line in server.stdout:
        match = re.match(r"sluiced listening on (\S+)", line)
        if match:
            return server, match.group(1)
    raise RuntimeError("sluiced exited before it listened")


def stop(server):
    server.terminate()
    server.wait(timeout=30)


def write_config(directory, compute_ms, workers, limit):
    path = os.path.join(directory, f"overload-{limit}.yaml")
    with open(path, "w") as config:
        config.write(
            "listeners:\n"
            "  grpc_address: 127.0.0.1:0\n"
            "  metrics_address: \"\"\n"
            "drain_seconds: 1\n"
            "models:\n"
            "  - name: predict\n"
            "    kind: predict\n"
            f"    worker_threads: {workers}\n"
            f"    max_requests_in_flight: {limit}\n"
            "    parameters:\n"
            f"      compute_ms: \"{compute_ms}\"\n")
    return path


def bench(build, target, cpu, server_pid, seconds, streams, rate=None):
    command = [os.path.join(build, "tools/sluice"), "bench", "--target", target, "--model",
               "predict", "--rpc", "infer", "--param", "x=1", "--streams", str(streams),
               "--duration", str(seconds), "--warmup", "1", "--json",
               "--server-pid", str(server_pid)]
    if rate is not None:
        command += ["--rate", str(int(rate))]
    if cpu is not None:
        command = ["taskset", "-c", str(cpu)] + command
    # Exit status 1 means some calls failed: expected when the server sheds load.
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode not in (0, 1):
        raise RuntimeError(f"sluice bench failed: {result.stderr}")
    return json.loads(result.stdout)


def ms(histogram, key):
    if not histogram or histogram.get("count", 0) == 0:
        return None
    return histogram[key] / 1000.0


def fmt(value, digits=1):
    return "—" if value is None else f"{value:.{digits}f}"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("build")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--compute-ms", type=float, default=2)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--limit", type=int, default=8,
                        help="models[].max_requests_in_flight in the limited run")
    parser.add_argument("--server-cpu", type=int, default=None)
    parser.add_argument("--client-cpu", type=int, default=None)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as directory:
        runs = []

        def run(name, limit, streams, rate_factor):
            server, target = start_sluiced(
                args.build, write_config(directory, args.compute_ms, args.workers, limit),
                args.server_cpu)
            try:
                rate = None if rate_factor is None else rate_factor * capacity[0]
                result = bench(args.build, target, args.client_cpu, server.pid, args.seconds,
                               streams, rate)
            finally:
                stop(server)
            runs.append((name, rate, result))
            return result

        capacity = [0.0]
        measured = run("capacity (closed loop)", 0, 64, None)
        capacity[0] = measured["calls_per_second"]
        run("unloaded (0.5x)", 0, 64, 0.5)
        run("2x, no limit", 0, 1024, 2.0)
        run(f"2x, max_requests_in_flight {args.limit}", args.limit, 1024, 2.0)

    unloaded_p99 = ms(runs[1][2]["latency_us"], "p99")
    print(f"predict with compute_ms {args.compute_ms} on {args.workers} workers: capacity "
          f"{args.workers * 1000 / args.compute_ms:.0f}/s in theory, "
          f"{capacity[0]:.0f}/s measured; {args.seconds:g} s per run\n")
    print("| run | offered/s | admitted/s | refused/s | admitted p50 ms | admitted p99 ms | "
          "p99 / unloaded | refusal p50 ms | refusal p99 ms | server CPU % |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, rate, result in runs:
        elapsed = result["elapsed_seconds"]
        admitted = result["calls_ok"] / elapsed
        refused = result["calls_failed"] / elapsed
        p99 = ms(result["latency_us"], "p99")
        ratio = None if p99 is None or not unloaded_p99 else p99 / unloaded_p99
        print(f"| {name} | {fmt(rate, 0) if rate else 'closed loop'} | {admitted:.0f} | "
              f"{refused:.0f} | {fmt(ms(result['latency_us'], 'p50'), 2)} | {fmt(p99, 2)} | "
              f"{fmt(ratio, 2)} | {fmt(ms(result.get('failure_latency_us'), 'p50'), 3)} | "
              f"{fmt(ms(result.get('failure_latency_us'), 'p99'), 3)} | "
              f"{fmt(result.get('server_cpu_percent'))} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
