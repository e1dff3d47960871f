#!/usr/bin/python3
# Copyright 2026 The Sluice Authors. SPDX-License-Identifier: Apache-2.0
"""plot_results.py: bar charts of a sluice_stream_bench --json run.

Reads the JSON that `sluice_stream_bench --json` prints (or writes with
--json-file) and writes PNG charts to OUT_DIR, each bar a server's median over the
rounds with its min-max range as an error bar:

  throughput.png  one panel per throughput workload (msg/s, calls/s, GB/s, readings/s)
  latency.png     ping-pong p50 and p99 (us)
  cpu.png         server CPU time per unit, per workload
  memory.png      peak RSS per workload, and bytes per idle stream

Needs matplotlib (Debian: python3-matplotlib, in tools/scripts/install-deps.sh).
Usage: bench/plot_results.py RESULTS.json OUT_DIR   (RESULTS.json may be - for stdin)
"""

import argparse
import json
import math
import os
import sys

import matplotlib

matplotlib.use("Agg")  # Files only; no display needed.
import matplotlib.pyplot as plt  # noqa: E402  (after use())


def server_order(results):
    """Server labels in the order the bench ran them: the baseline first."""
    return list(results["servers"].keys())


def metrics_where(results, keep):
    return [metric for metric in results["workloads"] if keep(metric)]


def is_throughput(metric):
    return metric["key"].endswith("_per_s")


def is_latency(metric):
    return metric["key"].startswith("ping_pong_p")


def is_cpu(metric):
    return metric["key"].startswith("server_cpu_")


def is_memory(metric):
    return metric["key"].startswith("peak_rss_") or metric["key"] == "idle_10k_bytes_per_stream"


def bars(axis, metric, servers, colors):
    """One bar per server that ran `metric`, with the min-max range."""
    labels, medians, low, high, shades = [], [], [], [], []
    for label in servers:
        figures = metric["servers"].get(label)
        if figures is None or figures.get("median") is None:
            continue
        median = figures["median"]
        labels.append(label)
        medians.append(median)
        low.append(median - (figures.get("min") if figures.get("min") is not None else median))
        high.append((figures.get("max") if figures.get("max") is not None else median) - median)
        shades.append(colors[label])
    positions = range(len(labels))
    axis.bar(positions, medians, yerr=[low, high], capsize=3, color=shades)
    axis.set_xticks(list(positions))
    axis.set_xticklabels(labels, rotation=30, ha="right", fontsize=8)
    axis.set_title(metric["name"], fontsize=9)
    axis.set_ylabel(metric["unit"], fontsize=8)
    axis.tick_params(axis="y", labelsize=8)
    axis.grid(axis="y", alpha=0.3)


def panel_chart(path, title, metrics, servers, colors, columns=3):
    """A grid of panels, one per metric; False if there is nothing to draw."""
    if not metrics:
        return False
    rows = math.ceil(len(metrics) / columns)
    columns = min(columns, len(metrics))
    figure, axes = plt.subplots(rows, columns, figsize=(4.2 * columns, 3.4 * rows), squeeze=False)
    for index, metric in enumerate(metrics):
        bars(axes[index // columns][index % columns], metric, servers, colors)
    for index in range(len(metrics), rows * columns):
        axes[index // columns][index % columns].axis("off")
    figure.suptitle(title, fontsize=11)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", help="JSON from sluice_stream_bench --json, or - for stdin")
    parser.add_argument("out_dir", help="directory for the PNG files (created if missing)")
    args = parser.parse_args()
    if args.results == "-":
        results = json.load(sys.stdin)
    else:
        with open(args.results, encoding="utf-8") as file:
            results = json.load(file)
    os.makedirs(args.out_dir, exist_ok=True)

    servers = server_order(results)
    palette = plt.get_cmap("tab10")
    colors = {label: palette(index % 10) for index, label in enumerate(servers)}
    config = results.get("config", {})
    machine = results.get("machine", {})
    subtitle = (f"{machine.get('cpu_model', '?')}, {machine.get('cores', '?')} cores, "
                f"{machine.get('date', '?')}; median of {config.get('rounds', '?')} rounds, "
                f"bars = min-max")
    charts = [
        ("throughput.png", "Throughput per workload", is_throughput),
        ("latency.png", "Bidi ping-pong latency", is_latency),
        ("cpu.png", "Server CPU time per unit", is_cpu),
        ("memory.png", "Server memory", is_memory),
    ]
    written = []
    for name, title, keep in charts:
        path = os.path.join(args.out_dir, name)
        columns = 2 if keep is is_latency else 3
        if panel_chart(path, f"{title}\n{subtitle}", metrics_where(results, keep), servers, colors,
                       columns):
            written.append(path)
    if not written:
        print("plot_results: the results hold no workloads to chart", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
