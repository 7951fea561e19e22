#!/usr/bin/env python3
"""bench/chart.py - an SVG bar chart of zhttp against its peers, from results.

  bench/chart.py RUN.json [--go GO.txt] -o chart.svg

RUN.json is a zh_bench -json file. Rows named CASE/IMPL (the parser suite) are
grouped by CASE with one bar per implementation; with --go (the raw output of
bench/peers/fasthttp --out), each server/client row gets bars for zhttp,
fasthttp and net/http. Bar length is the time per operation relative to zhttp
in the same group (shorter is faster), on a log scale so net/http's 30x and
picohttpparser's 1.5x both read; the label gives ns/op and the ratio.
Python 3 standard library only.
"""
import argparse
import json
import math
import re
import statistics
import sys
from xml.sax.saxutils import escape

COLORS = {"zhttp": "#1b7837", "zhttp-scalar": "#7fbf7b", "pico": "#2166ac", "http-parser": "#b2182b",
          "fasthttp": "#e08214", "net/http": "#8073ac"}
GO_LINE = re.compile(r"^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+([\d.]+) ns/op")


def load_run(path):
    with open(path) as f:
        doc = json.load(f)
    out = {}
    for b in doc["benchmarks"]:
        if b.get("runs"):
            out[b["name"]] = statistics.median(r["ns_per_op"] for r in b["runs"])
    return doc, out


def load_go(path):
    runs = {}
    with open(path) as f:
        for line in f:
            m = GO_LINE.match(line.strip())
            if m:
                runs.setdefault(m.group(1), []).append(float(m.group(2)))
    return {k: statistics.median(v) for k, v in runs.items()}


def groups_from(run, go):
    groups = []
    seen = {}
    for name, ns in run.items():
        case, _, impl = name.rpartition("/")
        if case:
            if case not in seen:
                seen[case] = []
                groups.append((case, seen[case]))
            seen[case].append((impl, ns))
    if go:
        for name, ns in run.items():
            if "/" in name or name not in go:
                continue
            bars = [("zhttp", ns), ("fasthttp", go[name])]
            if "NetHTTP" + name in go:
                bars.append(("net/http", go["NetHTTP" + name]))
            groups.append((name, bars))
    return groups


def fmt_ns(v):
    return f"{v / 1000:.1f} µs" if v >= 10000 else f"{v:.0f} ns"


def render(groups, title, subtitle):
    left, bar_h, gap, width = 370, 14, 12, 1000
    plot_w = width - left - 190
    max_ratio = 1.0
    for _, bars in groups:
        base = next((ns for impl, ns in bars if impl == "zhttp"), None)
        for _, ns in bars:
            if base:
                max_ratio = max(max_ratio, ns / base)
    scale_max = math.log10(max_ratio * 1.15) if max_ratio > 1 else 1.0
    min_len = 0.02

    def length(ratio):
        # log scale from 1/2 (left edge) to max_ratio; zhttp's 1.0 stays visible
        lo = math.log10(0.5)
        return max(min_len, (math.log10(ratio) - lo) / (scale_max - lo)) * plot_w

    y = 70
    parts = []
    for case, bars in groups:
        base = next((ns for impl, ns in bars if impl == "zhttp"), None)
        top = y
        for impl, ns in bars:
            ratio = ns / base if base else 1.0
            w = length(ratio)
            color = COLORS.get(impl, "#999999")
            parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{color}"/>')
            parts.append(f'<text x="{left - 6}" y="{y + bar_h - 3}" text-anchor="end" font-size="11">{escape(impl)}</text>')
            label = fmt_ns(ns) + ("" if impl == "zhttp" or not base else f"  ({ratio:.2f}x)")
            parts.append(f'<text x="{left + w + 5:.1f}" y="{y + bar_h - 3}" font-size="11">{escape(label)}</text>')
            y += bar_h + 3
        parts.append(f'<text x="10" y="{(top + y) / 2 + 4:.0f}" font-size="12" font-weight="bold">{escape(case)}</text>')
        y += gap
    x1 = left + length(1.0)
    parts.insert(0, f'<line x1="{x1:.1f}" y1="60" x2="{x1:.1f}" y2="{y}" stroke="#444" stroke-dasharray="3,3"/>')
    height = y + 30
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
            f'font-family="DejaVu Sans, Arial, sans-serif">'
            f'<rect width="100%" height="100%" fill="white"/>'
            f'<text x="10" y="24" font-size="16" font-weight="bold">{escape(title)}</text>'
            f'<text x="10" y="44" font-size="11" fill="#444">{escape(subtitle)}</text>')
    foot = (f'<text x="{x1:.1f}" y="{height - 10}" font-size="10" fill="#444">'
            f'dashed: zhttp = 1.0; bars: time per op relative to zhttp (log scale, shorter is faster)</text></svg>\n')
    return head + "".join(parts) + foot


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("run", metavar="RUN.json")
    ap.add_argument("--go", metavar="GO.txt", help="raw Go benchmark output (bench/peers/fasthttp --out)")
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--only", metavar="REGEX", help="groups matching REGEX only")
    args = ap.parse_args()
    doc, run = load_run(args.run)
    go = load_go(args.go) if args.go else {}
    groups = groups_from(run, go)
    if args.only:
        groups = [g for g in groups if re.search(args.only, g[0])]
    if not groups:
        sys.exit("chart: nothing to draw")
    subtitle = (f"zh_bench rev {doc.get('rev', '?')}, {doc.get('date', '?')}, {doc.get('cpu', '?')}, "
                f"benchtime {doc.get('benchtime', '?')} x{doc.get('count', '?')} (medians); shared 2-core machine")
    svg = render(groups, "zhttp vs peers: time per operation", subtitle)
    with open(args.output, "w") as f:
        f.write(svg)
    print(f"chart: ok groups={len(groups)} file={args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
