#!/usr/bin/env python3
"""costopt's ONNX import against onnx-tool, on GPT-2 small (124M).

Exports Hugging Face GPT-2 (random weights, dynamic batch and sequence)
with the PyTorch dynamo exporter into a temporary folder, keeping the
weights (onnx-tool reads them), then for each sequence length:
  - onnx-tool (PyPI `onnx-tool`) infers shapes at that one shape and
    profiles: its multiply-accumulates of MatMul and Gemm nodes, and the
    wall time of load + shape inference + profile;
  - costopt reads the same file once (`--count macs --sweep`), giving the
    matrix products' multiply-accumulates at every length from one formula,
    and its wall time.
The two counts must be equal: each is an independent count of the same
graph. Prints a Markdown table for docs/Measurements.md.

Needs torch, transformers, onnxscript and onnx-tool (none of them is used by
costopt itself):

  python3 bench/onnx_vs_onnx_tool.py [--costopt build/bin/costopt]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time


def export(folder):
    import torch
    from transformers import GPT2Config, GPT2LMHeadModel
    torch.manual_seed(0)
    config = GPT2Config(use_cache=False)
    model = GPT2LMHeadModel(config).eval()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(torch.randn_like(p))
    path = os.path.join(folder, "gpt2.onnx")
    ids = torch.randint(0, config.vocab_size, (2, 16))
    batch = torch.export.Dim("batch", min=1, max=64)
    sequence = torch.export.Dim("sequence", min=2, max=1024)
    torch.onnx.export(model, (ids,), path, dynamo=True, external_data=True,
                      dynamic_shapes={"input_ids": {0: batch, 1: sequence}},
                      input_names=["input_ids"], output_names=["logits"])
    return path


def onnx_tool_macs(path, n):
    import onnx_tool
    start = time.perf_counter()
    model = onnx_tool.Model(path)
    model.graph.shape_infer({"input_ids": (1, n)})
    model.graph.profile()
    seconds = time.perf_counter() - start
    macs = 0
    for name in model.graph.nodemap:
        node = model.graph.nodemap[name]
        if node.op_type in ("MatMul", "Gemm"):
            macs += int(sum(node.macs) if isinstance(node.macs, (list, tuple)) else node.macs)
    return macs, seconds


def costopt_macs(costopt, path, lengths):
    sweep = f"sequence={lengths[0]}..{lengths[-1]}:*2"
    start = time.perf_counter()
    out = subprocess.run([costopt, path, "-D", "batch=1", "--count", "macs", "--sweep", sweep,
                          "--format", "json"], check=True, capture_output=True, text=True).stdout
    seconds = time.perf_counter() - start
    points = json.loads(out)["models"][0]["sweep"]
    return {int(p["sequence"]): int(p["MACs"]) for p in points}, seconds


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--costopt", default="build/bin/costopt")
    args = parser.parse_args()
    lengths = [128, 256, 512, 1024]
    with tempfile.TemporaryDirectory() as folder:
        path = export(folder)
        ours, our_seconds = costopt_macs(args.costopt, path, lengths)
        rows, total = [], 0.0
        for n in lengths:
            theirs, seconds = onnx_tool_macs(path, n)
            total += seconds
            rows.append((n, theirs, ours[n], seconds))
    print("| sequence | onnx-tool MatMul+Gemm MACs | costopt matmul MACs | equal | onnx-tool s |")
    print("|---:|---:|---:|:---:|---:|")
    ok = True
    for n, theirs, mine, seconds in rows:
        ok &= theirs == mine
        print(f"| {n} | {theirs:,} | {mine:,} | {'yes' if theirs == mine else 'NO'} | {seconds:.2f} |")
    print(f"\ncostopt, all {len(lengths)} lengths from one formula: {our_seconds:.2f} s; "
          f"onnx-tool, one shape at a time: {total:.2f} s ({total / our_seconds:.0f}x)")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
