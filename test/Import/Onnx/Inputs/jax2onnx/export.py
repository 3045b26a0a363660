#!/usr/bin/env python3
"""Exports a Flax (nnx) pre-norm Transformer block with jax2onnx, as a
researcher would, with random weights (kept inline: they are small). Needs
jax, flax and jax2onnx (written with jax 0.10.2, flax 0.12.8, jax2onnx
0.17.1):

    python3 export.py            # writes transformer-block.onnx next to this script

Symbolic axes are named in the input spec ("B", "N"). jax2onnx names every
initializer after its use (kernel2d_0, const_12, dpa_scale_0), never after
a Flax module, and hoists scalar literals (the attention scale, ε) as
one-element initializers. The causal mask is jnp.tril of an N × N matrix,
exported as Trilu feeding the attention's Where: the graph scores every
pair and masks afterwards. The script prints Flax's own parameter count,
which the test checks against costopt's.
"""
import os

import jax
import jax.numpy as jnp
import numpy as np
import onnx
from flax import nnx
from jax2onnx import to_onnx

HERE = os.path.dirname(os.path.abspath(__file__))
D, HEADS = 32, 4


class Block(nnx.Module):
    def __init__(self, rngs):
        self.ln1 = nnx.LayerNorm(D, rngs=rngs)
        self.attn = nnx.MultiHeadAttention(num_heads=HEADS, in_features=D, decode=False,
                                           rngs=rngs)
        self.ln2 = nnx.LayerNorm(D, rngs=rngs)
        self.fc1 = nnx.Linear(D, 4 * D, rngs=rngs)
        self.fc2 = nnx.Linear(4 * D, D, rngs=rngs)

    def __call__(self, x):
        n = x.shape[1]
        causal = jnp.tril(jnp.ones((n, n), dtype=bool))
        x = x + self.attn(self.ln1(x), mask=causal[None, None])
        return x + self.fc2(nnx.gelu(self.fc1(self.ln2(x))))


if __name__ == "__main__":
    block = Block(nnx.Rngs(0))
    params = nnx.state(block, nnx.Param)
    print("Flax parameters:", sum(int(np.prod(p.shape)) for p in jax.tree.leaves(params)))
    onnx.save(to_onnx(block, [("B", "N", D)]), os.path.join(HERE, "transformer-block.onnx"))
