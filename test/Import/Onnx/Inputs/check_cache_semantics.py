#!/usr/bin/env python3
"""Checks the semantics costopt assumes for attention with a KV cache against
ONNX Runtime (PyPI onnxruntime; written with 1.32): GroupQueryAttention
with past_key/past_value lets query i see every cached key and the new keys
up to i (aligned at the bottom right, not the top left), and present_key is
the cache followed by the new keys. Run by hand (the tests need no Python):

    python3 check_cache_semantics.py

Prints the largest difference from each alignment; ONNX Runtime's CPU kernel
needs head sizes that are multiples of 8 and one sequence when several new
positions come with a cache, so the model here is gqa-past.onnx with heads
of 8.
"""
import os
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper, TensorProto
E = 8
def val(name, t, shape): return helper.make_tensor_value_info(name, t, shape)
g = helper.make_graph([helper.make_node("GroupQueryAttention",
        ["q", "k", "v", "past_key", "past_value", "seqlens_k", "total_sequence_length"],
        ["y", "present_key", "present_value"], name="/attn/GQA", domain="com.microsoft",
        num_heads=4, kv_num_heads=2)], "g",
    [val("q", TensorProto.FLOAT, ["batch", "sequence", 4*E]), val("k", TensorProto.FLOAT, ["batch", "sequence", 2*E]),
     val("v", TensorProto.FLOAT, ["batch", "sequence", 2*E]), val("past_key", TensorProto.FLOAT, ["batch", 2, "past", E]),
     val("past_value", TensorProto.FLOAT, ["batch", 2, "past", E]), val("seqlens_k", TensorProto.INT32, ["batch"]),
     val("total_sequence_length", TensorProto.INT32, [])],
    [val("y", TensorProto.FLOAT, ["batch", "sequence", 4*E]), val("present_key", TensorProto.FLOAT, None), val("present_value", TensorProto.FLOAT, None)])
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid("com.microsoft", 1)]); m.ir_version = 8
path = os.path.join(tempfile.mkdtemp(), "gqa8.onnx")
onnx.save(m, path)
sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
b, n, p = 1, 3, 4
rng = np.random.default_rng(1)
q = rng.standard_normal((b, n, 4*E)).astype(np.float32); k = rng.standard_normal((b, n, 2*E)).astype(np.float32)
v = rng.standard_normal((b, n, 2*E)).astype(np.float32)
pk = rng.standard_normal((b, 2, p, E)).astype(np.float32); pv = rng.standard_normal((b, 2, p, E)).astype(np.float32)
y, presk, presv = sess.run(None, dict(q=q, k=k, v=v, past_key=pk, past_value=pv,
    seqlens_k=np.full((b,), p + n - 1, np.int32), total_sequence_length=np.array(p + n, np.int32)))
K = np.concatenate([pk, k.reshape(b, n, 2, E).transpose(0, 2, 1, 3)], axis=2)
V = np.concatenate([pv, v.reshape(b, n, 2, E).transpose(0, 2, 1, 3)], axis=2)
Q = q.reshape(b, n, 4, E).transpose(0, 2, 1, 3)
for offset, label in [(p, "bottom-right"), (0, "top-left")]:
    out = np.zeros((b, 4, n, E), np.float32)
    for h in range(4):
        s = Q[:, h] @ K[:, h // 2].transpose(0, 2, 1) / np.sqrt(E)
        s = np.where(np.arange(p + n)[None, :] <= (np.arange(n)[:, None] + offset), s, -np.inf)
        w = np.exp(s - s.max(-1, keepdims=True)); w /= w.sum(-1, keepdims=True)
        out[:, h] = w @ V[:, h // 2]
    print(label, "max |ORT - numpy|:", np.abs(y - out.transpose(0, 2, 1, 3).reshape(b, n, 4*E)).max())
print("present_key is the cache then the new keys:", np.allclose(presk, K), presk.shape)
