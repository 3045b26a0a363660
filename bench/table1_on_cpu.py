#!/usr/bin/env python3
"""Table 1 of "Attention Is All You Need", on this CPU.

Runs the four mixing cores of bench/table1-cores.mlir with `costopt verify`
over n at fixed d, checks that every count is exact, and compares
  - each layer's measured growth of time (log-log slope) with the growth of
    its predicted FLOPs over the same sizes, and
  - the measured attention/recurrence crossover (where their times are
    equal) with the predicted one (where their FLOPs are equal).
Prints a Markdown table for docs/Measurements.md and writes an SVG plot.

  python3 bench/table1_on_cpu.py [--costopt build/bin/costopt] [--svg docs/table1-on-cpu.svg]
"""
import argparse
import json
import math
import os
import subprocess
import sys

MODELS = ["self_attention", "recurrent", "convolution", "restricted_attention"]
LABELS = {
    "self_attention": "self-attention, O(n²·d)",
    "recurrent": "recurrent, O(n·d²)",
    "convolution": "convolution k=3, O(k·n·d²)",
    "restricted_attention": "restricted r=32, O(r·n·d)",
}
COLOURS = {"self_attention": "#d62728", "recurrent": "#1f77b4",
           "convolution": "#2ca02c", "restricted_attention": "#9467bd"}


def slope(xs, ys):
    lx = [math.log(x) for x in xs]
    ly = [math.log(y) for y in ys]
    n = len(lx)
    mx, my = sum(lx) / n, sum(ly) / n
    return sum((a - mx) * (b - my) for a, b in zip(lx, ly)) / sum((a - mx) ** 2 for a in lx)


def crossover(xs, a, b):
    """The x where a and b cross (log-log interpolation), or None."""
    for i in range(len(xs) - 1):
        d0 = math.log(a[i]) - math.log(b[i])
        d1 = math.log(a[i + 1]) - math.log(b[i + 1])
        if d0 == 0:
            return xs[i]
        if d0 * d1 < 0:
            t = d0 / (d0 - d1)
            return math.exp(math.log(xs[i]) + t * (math.log(xs[i + 1]) - math.log(xs[i])))
    return None


def svg(results, xs, path):
    w, h, left, right, top, bottom = 640, 400, 70, 200, 20, 50
    ts = [t for m in MODELS for t in results[m]["best"]]
    lo, hi = math.log10(min(ts)), math.log10(max(ts))
    lx0, lx1 = math.log10(xs[0]), math.log10(xs[-1])

    def px(x):
        return left + (math.log10(x) - lx0) / (lx1 - lx0) * (w - left - right)

    def py(t):
        return top + (hi - math.log10(t)) / (hi - lo) * (h - top - bottom)

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" '
           f'font-family="sans-serif" font-size="12">',
           f'<rect width="{w}" height="{h}" fill="white"/>']
    for x in xs:
        out.append(f'<line x1="{px(x):.1f}" y1="{top}" x2="{px(x):.1f}" y2="{h - bottom}" stroke="#eee"/>')
        out.append(f'<text x="{px(x):.1f}" y="{h - bottom + 16}" text-anchor="middle">{x}</text>')
    for e in range(math.floor(lo), math.ceil(hi) + 1):
        t = 10.0 ** e
        if lo <= e <= hi:
            out.append(f'<line x1="{left}" y1="{py(t):.1f}" x2="{w - right}" y2="{py(t):.1f}" stroke="#eee"/>')
            label = f"{t * 1e3:g} ms"
            out.append(f'<text x="{left - 6}" y="{py(t) + 4:.1f}" text-anchor="end">{label}</text>')
    out.append(f'<text x="{(left + w - right) / 2:.0f}" y="{h - 12}" text-anchor="middle">n (d = 64)</text>')
    out.append(f'<text x="14" y="{(top + h - bottom) / 2:.0f}" text-anchor="middle" '
               f'transform="rotate(-90 14 {(top + h - bottom) / 2:.0f})">thread CPU time (best)</text>')
    for i, m in enumerate(MODELS):
        pts = " ".join(f"{px(x):.1f},{py(t):.1f}" for x, t in zip(xs, results[m]["best"]))
        out.append(f'<polyline points="{pts}" fill="none" stroke="{COLOURS[m]}" stroke-width="2"/>')
        y = top + 16 + 18 * i
        out.append(f'<line x1="{w - right + 10}" y1="{y - 4}" x2="{w - right + 30}" y2="{y - 4}" '
                   f'stroke="{COLOURS[m]}" stroke-width="2"/>')
        out.append(f'<text x="{w - right + 34}" y="{y}">{LABELS[m]}</text>')
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--costopt", default=os.path.join(here, "..", "build", "bin", "costopt"))
    parser.add_argument("--sweep", default="n=32..2048")
    parser.add_argument("--d", default="64")
    parser.add_argument("--repeat", default="5")
    parser.add_argument("--svg", default=None)
    args = parser.parse_args()
    model_file = os.path.join(here, "table1-cores.mlir")
    results = {}
    for m in MODELS:
        run = subprocess.run([args.costopt, "verify", model_file, "--model", m, "-D", "d=" + args.d,
                              "--sweep", args.sweep, "--repeat", args.repeat,
                              "--format", "json"], capture_output=True, text=True)
        if run.returncode != 0:
            sys.exit(f"costopt verify --model {m} failed:\n{run.stderr}{run.stdout}")
        doc = json.loads(run.stdout)
        pts = doc["points"]
        results[m] = {
            "x": [p["bindings"]["n"] for p in pts],
            "flops": [p["predicted_flops"] for p in pts],
            "exact": all(p["exact"] for p in pts),
            "best": [p["best_seconds"] for p in pts],
            "predicted_exponent": doc["predicted_exponent"],
            "measured_exponent": doc["measured_exponent"],
        }
    xs = results[MODELS[0]]["x"]
    print("| layer | counts exact | predicted exponent | measured exponent | "
          + " | ".join(f"n = {x}" for x in xs) + " |")
    print("|---|---|---|---|" + "---|" * len(xs))
    for m in MODELS:
        r = results[m]
        print(f"| {LABELS[m]} | {'✓' if r['exact'] else '✗'} | {r['predicted_exponent']:.2f} | "
              f"{r['measured_exponent']:.2f} | "
              + " | ".join(f"{t * 1e3:.3g} ms" for t in r["best"]) + " |")
    att, rnn = results["self_attention"], results["recurrent"]
    predicted = crossover(xs, att["flops"], rnn["flops"])
    measured = crossover(xs, att["best"], rnn["best"])
    fmt = lambda v: "none in range" if v is None else f"n ≈ {v:.0f}"
    print()
    print(f"Attention/recurrence crossover at d = {args.d}: predicted (equal FLOPs) {fmt(predicted)}, "
          f"measured (equal time) {fmt(measured)}.")
    rates = {m: [f / t for f, t in zip(results[m]["flops"], results[m]["best"])] for m in MODELS}
    print("FLOP/s at the largest n: " + ", ".join(
        f"{m} {rates[m][-1] / 1e9:.2f} GFLOP/s" for m in MODELS) + ".")
    if args.svg:
        svg(results, xs, args.svg)
    if not all(results[m]["exact"] for m in MODELS):
        sys.exit("a count or value differs from the prediction")


if __name__ == "__main__":
    main()
