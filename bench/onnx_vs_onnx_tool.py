#!/usr/bin/env python3
"""costopt's ONNX import against ONNX's own shape inference and onnx-tool,
on GPT-2 small (124M).

Exports Hugging Face GPT-2 (random weights, dynamic batch and sequence)
with the PyTorch dynamo exporter into a temporary folder, keeping the
weights (onnx-tool reads them), then for each sequence length:
  - PyTorch's FLOP counter (torch.utils.flop_counter.FlopCounterMode) runs
    the model that was exported at that one length and counts its matrix
    products and attention (FLOPs / 2 = multiply-accumulates), independently
    of ONNX and of costopt;
  - onnx-tool (PyPI `onnx-tool`), a FLOP counter for ONNX, is tried at the
    same length;
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
    return path, model


def torch_macs(model, n):
    """PyTorch's own FLOP counter (torch.utils.flop_counter) on the model
    that was exported, at one shape: matrix products and attention, 2 FLOPs
    per multiply-accumulate."""
    import torch
    from torch.utils.flop_counter import FlopCounterMode
    ids = torch.zeros((1, n), dtype=torch.long)
    start = time.perf_counter()
    counter = FlopCounterMode(display=False)
    with counter, torch.no_grad():
        model(ids)
    return counter.get_total_flops() // 2, time.perf_counter() - start


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


def shape_inference_macs(path, n):
    """The matrix products' multiply-accumulates from ONNX's own shape
    inference at one shape (the inputs' dims fixed to batch 1, n)."""
    import onnx
    from onnx import shape_inference
    start = time.perf_counter()
    model = onnx.load(path, load_external_data=False)
    for value in model.graph.input:
        dims = value.type.tensor_type.shape.dim
        for dim, size in zip(dims, (1, n)):
            dim.ClearField("dim_param")
            dim.dim_value = size
    del model.graph.value_info[:]
    model = shape_inference.infer_shapes(model, data_prop=True)
    shapes = {}
    for value in list(model.graph.value_info) + list(model.graph.input) + list(model.graph.output):
        dims = value.type.tensor_type.shape.dim
        if all(d.HasField("dim_value") for d in dims):
            shapes[value.name] = [d.dim_value for d in dims]
    for tensor in model.graph.initializer:
        shapes[tensor.name] = list(tensor.dims)
    macs = 0
    for node in model.graph.node:
        if node.op_type not in ("MatMul", "Gemm"):
            continue
        a, b = shapes.get(node.input[0]), shapes.get(node.input[1])
        out = shapes.get(node.output[0])
        if a is None or b is None or out is None:
            return None, time.perf_counter() - start
        if node.op_type == "Gemm":
            trans_a = any(x.name == "transA" and x.i for x in node.attribute)
            k = a[0] if trans_a else a[1]
        else:
            k = a[-1]
        volume = 1
        for d in out:
            volume *= d
        macs += volume * k
    return macs, time.perf_counter() - start


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
        path, model = export(folder)
        ours, our_seconds = costopt_macs(args.costopt, path, lengths)
        rows, total = [], 0.0
        for n in lengths:
            theirs, seconds = torch_macs(model, n)
            total += seconds
            try:
                tool, tool_seconds = onnx_tool_macs(path, n)
                tool = f"{tool:,} ({tool_seconds:.2f} s)"
            except Exception as error:  # onnx-tool fails on some exporters' graphs
                tool = f"fails: {type(error).__name__}"
            rows.append((n, theirs, ours[n], seconds, tool))
    print("| sequence | PyTorch FlopCounterMode: MACs | costopt matmul MACs | equal "
          "| PyTorch s | onnx-tool |")
    print("|---:|---:|---:|:---:|---:|---|")
    ok = True
    for n, theirs, mine, seconds, tool in rows:
        ok &= theirs == mine
        shown = f"{theirs:,}" if theirs is not None else "shapes unknown"
        print(f"| {n} | {shown} | {mine:,} | {'yes' if theirs == mine else 'NO'} "
              f"| {seconds:.2f} | {tool} |")
    print(f"\ncostopt, all {len(lengths)} lengths from one formula: {our_seconds:.2f} s; "
          f"PyTorch's counter, one shape at a time (running the model): {total:.2f} s")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
