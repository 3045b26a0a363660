#!/usr/bin/env python3
"""How costopt's ONNX import grows with the depth of the graph.

Exports Hugging Face Llama (d = 64, 4 query heads sharing 2 key/value
heads, random weights, dynamic batch and sequence) with 8, 32 and 128
layers through the PyTorch dynamo exporter into a temporary folder, then
times `costopt import` (read, import, parse and verify the generated model)
and a whole `costopt` report on each, best of three runs. The import should
grow linearly with the number of nodes: the last column (µs per node)
should stay flat. Prints a Markdown table for docs/Measurements.md.

Needs torch, transformers and onnxscript (none of them is used by costopt):

  python3 bench/onnx_import_scaling.py [--costopt build/bin/costopt] [--layers 8 32 128]
"""
import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time


def export(layers, path):
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM
    config = LlamaConfig(num_hidden_layers=layers, hidden_size=64, num_attention_heads=4,
                         num_key_value_heads=2, intermediate_size=160, vocab_size=1000,
                         max_position_embeddings=128, use_cache=False)
    model = LlamaForCausalLM(config).eval()
    batch = torch.export.Dim("batch", min=1, max=64)
    sequence = torch.export.Dim("sequence", min=2, max=128)
    torch.onnx.export(model, (torch.randint(0, 1000, (2, 16)),), path, dynamo=True,
                      dynamic_shapes={"input_ids": {0: batch, 1: sequence}},
                      input_names=["input_ids"], output_names=["logits"], external_data=True)


def best_of_three(command):
    best = None
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--costopt", default="build/bin/costopt")
    parser.add_argument("--layers", type=int, nargs="+", default=[8, 32, 128])
    args = parser.parse_args()
    import onnx
    print("| layers | nodes | costopt import s | µs per node | whole report s |")
    print("|---:|---:|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as folder:
        for layers in args.layers:
            path = os.path.join(folder, f"llama-{layers}.onnx")
            # The exporter reports its progress on stdout: keep the table clean.
            with contextlib.redirect_stdout(sys.stderr):
                export(layers, path)
            nodes = len(onnx.load(path, load_external_data=False).graph.node)
            imported = best_of_three([args.costopt, "import", path, "-o", os.devnull])
            report = best_of_three([args.costopt, path, "-D", "batch=1", "-D", "sequence=128"])
            print(f"| {layers} | {nodes} | {imported:.2f} | {imported / nodes * 1e6:.0f} | "
                  f"{report:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
