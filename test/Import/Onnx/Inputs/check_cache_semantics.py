#!/usr/bin/env python3
"""Checks the semantics costopt assumes for attention with a KV cache against
ONNX Runtime (PyPI onnxruntime; written with 1.32): GroupQueryAttention
with past_key/past_value lets query i see every cached key and the new keys
up to i (aligned at the bottom right, not the top left), and present_key is
the cache followed by the new keys. Run by hand (the tests need no Python):

    python3 check_cache_semantics.py

Prints the largest difference from each alignment, and for ONNX's
Attention with a mask beside the cache, from each way of splitting the
mask's columns between the cached and the new keys; ONNX Runtime's CPU kernel
needs head sizes that are multiples of 8 and one sequence when several new
positions come with a cache, so the model here is gqa-past.onnx with heads
of 8.
"""
import os
import tempfile

import numpy as np
import onnx
import onnxruntime as ort
from onnx import TensorProto, helper

HEAD_SIZE = 8
HEADS, KV_HEADS = 4, 2


def value(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


def gqa_with_cache():
    """GroupQueryAttention with a cache, as in gqa-past.onnx, heads of 8."""
    f, e = TensorProto.FLOAT, HEAD_SIZE
    graph = helper.make_graph(
        [helper.make_node("GroupQueryAttention",
                          ["q", "k", "v", "past_key", "past_value", "seqlens_k",
                           "total_sequence_length"],
                          ["y", "present_key", "present_value"], name="/attn/GQA",
                          domain="com.microsoft", num_heads=HEADS, kv_num_heads=KV_HEADS)],
        "gqa_cache",
        [value("q", f, ["batch", "sequence", HEADS * e]),
         value("k", f, ["batch", "sequence", KV_HEADS * e]),
         value("v", f, ["batch", "sequence", KV_HEADS * e]),
         value("past_key", f, ["batch", KV_HEADS, "past", e]),
         value("past_value", f, ["batch", KV_HEADS, "past", e]),
         value("seqlens_k", TensorProto.INT32, ["batch"]),
         value("total_sequence_length", TensorProto.INT32, [])],
        [value("y", f, ["batch", "sequence", HEADS * e]), value("present_key", f, None),
         value("present_value", f, None)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 8
    path = os.path.join(tempfile.mkdtemp(), "gqa-cache.onnx")
    onnx.save(model, path)
    return path


def reference(q, keys, values, past, offset):
    """Softmax attention where query i sees keys j <= i + offset."""
    batch, n, e = q.shape[0], q.shape[2], q.shape[3]
    out = np.zeros((batch, HEADS, n, e), np.float32)
    visible = np.arange(past + n)[None, :] <= np.arange(n)[:, None] + offset
    for h in range(HEADS):
        g = h // (HEADS // KV_HEADS)
        scores = q[:, h] @ keys[:, g].transpose(0, 2, 1) / np.sqrt(e)
        scores = np.where(visible, scores, -np.inf)
        weights = np.exp(scores - scores.max(-1, keepdims=True))
        weights /= weights.sum(-1, keepdims=True)
        out[:, h] = weights @ values[:, g]
    return out.transpose(0, 2, 1, 3).reshape(batch, n, HEADS * e)


def main():
    session = ort.InferenceSession(gqa_with_cache(), providers=["CPUExecutionProvider"])
    batch, n, past, e = 1, 3, 4, HEAD_SIZE
    rng = np.random.default_rng(1)
    q = rng.standard_normal((batch, n, HEADS * e)).astype(np.float32)
    k = rng.standard_normal((batch, n, KV_HEADS * e)).astype(np.float32)
    v = rng.standard_normal((batch, n, KV_HEADS * e)).astype(np.float32)
    past_key = rng.standard_normal((batch, KV_HEADS, past, e)).astype(np.float32)
    past_value = rng.standard_normal((batch, KV_HEADS, past, e)).astype(np.float32)
    y, present_key, _ = session.run(None, dict(
        q=q, k=k, v=v, past_key=past_key, past_value=past_value,
        seqlens_k=np.full((batch,), past + n - 1, np.int32),
        total_sequence_length=np.array(past + n, np.int32)))
    split = lambda x: x.reshape(batch, n, -1, e).transpose(0, 2, 1, 3)  # noqa: E731
    keys = np.concatenate([past_key, split(k)], axis=2)
    values = np.concatenate([past_value, split(v)], axis=2)
    for offset, label in [(past, "bottom-right"), (0, "top-left")]:
        difference = np.abs(y - reference(split(q), keys, values, past, offset)).max()
        print(label, "max |ORT - numpy|:", difference)
    print("present_key is the cache then the new keys:", np.allclose(present_key, keys),
          present_key.shape)


def attention_with_mask_and_cache():
    """ONNX's Attention (opset 23) with attn_mask [sequence, past + sequence]
    and a cache, not causal, as attention-past-mask.onnx with heads of 8."""
    f, e = TensorProto.FLOAT, HEAD_SIZE
    graph = helper.make_graph(
        [helper.make_node("Attention", ["q", "k", "v", "m", "past_key", "past_value"],
                          ["y", "present_key", "present_value"], name="/attn/Attention")],
        "attention_mask_cache",
        [value("q", f, ["batch", HEADS, "sequence", e]),
         value("k", f, ["batch", KV_HEADS, "sequence", e]),
         value("v", f, ["batch", KV_HEADS, "sequence", e]),
         value("m", f, ["sequence", "total"]),
         value("past_key", f, ["batch", KV_HEADS, "past", e]),
         value("past_value", f, ["batch", KV_HEADS, "past", e])],
        [value("y", f, ["batch", HEADS, "sequence", e]), value("present_key", f, None),
         value("present_value", f, None)])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 23)])
    model.ir_version = 10
    path = os.path.join(tempfile.mkdtemp(), "attention-mask-cache.onnx")
    onnx.save(model, path)
    return path


def check_mask_beside_cache():
    """The mask's first past columns belong to the cached keys (the split
    the importer makes), not the last."""
    session = ort.InferenceSession(attention_with_mask_and_cache(),
                                   providers=["CPUExecutionProvider"])
    batch, n, past, e = 1, 3, 4, HEAD_SIZE
    rng = np.random.default_rng(2)
    q = rng.standard_normal((batch, HEADS, n, e)).astype(np.float32)
    k = rng.standard_normal((batch, KV_HEADS, n, e)).astype(np.float32)
    v = rng.standard_normal((batch, KV_HEADS, n, e)).astype(np.float32)
    m = rng.standard_normal((n, past + n)).astype(np.float32)
    past_key = rng.standard_normal((batch, KV_HEADS, past, e)).astype(np.float32)
    past_value = rng.standard_normal((batch, KV_HEADS, past, e)).astype(np.float32)
    y = session.run(None, dict(q=q, k=k, v=v, m=m, past_key=past_key,
                               past_value=past_value))[0]
    keys = np.concatenate([past_key, k], axis=2)
    values = np.concatenate([past_value, v], axis=2)

    def masked(mask):
        out = np.zeros_like(y)
        for h in range(HEADS):
            g = h // (HEADS // KV_HEADS)
            scores = q[:, h] @ keys[:, g].transpose(0, 2, 1) / np.sqrt(e) + mask
            weights = np.exp(scores - scores.max(-1, keepdims=True))
            weights /= weights.sum(-1, keepdims=True)
            out[:, h] = weights @ values[:, g]
        return out

    rolled = np.concatenate([m[:, n:], m[:, :n]], axis=1)  # the last past columns first
    print("mask beside a cache, first past columns to the cache: max |ORT - numpy|:",
          np.abs(y - masked(m)).max())
    print("mask beside a cache, last past columns to the cache: max |ORT - numpy|:",
          np.abs(y - masked(rolled)).max())


if __name__ == "__main__":
    main()
    check_mask_beside_cache()
