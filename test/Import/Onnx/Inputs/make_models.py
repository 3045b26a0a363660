#!/usr/bin/env python3
"""Writes the small ONNX models of test/Import/Onnx with the onnx package's
helper API (Debian's python3-onnx or PyPI's onnx): one per family of
operators, the shape subgraphs exporters write, external data, and broken
files. Run it from this folder; the outputs are committed so that the tests
need no Python:

    python3 make_models.py
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(0)


def weight(name, *shape):
    return numpy_helper.from_array(rng.standard_normal(shape).astype(np.float32), name)


def ints(name, values):
    return numpy_helper.from_array(np.array(values, dtype=np.int64), name)


def scalar(name, value):
    # Named as exporters name the constants they hoist (val_*): a one-element
    # initializer with a module's name would be a trained scalar.
    return numpy_helper.from_array(np.array(value, dtype=np.float32), name)


def save(graph, name, opset=17, **kwargs):
    opsets = [helper.make_opsetid("", opset), helper.make_opsetid("com.microsoft", 1)]
    if "location" in kwargs and os.path.exists(os.path.join(HERE, kwargs["location"])):
        os.remove(os.path.join(HERE, kwargs["location"]))
    model = helper.make_model(graph, opset_imports=opsets,
                              producer_name="costopt make_models.py")
    model.ir_version = 8
    onnx.save(model, os.path.join(HERE, name), **kwargs)


def value(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


# A two-layer perceptron: Gemm with bias, Relu, MatMul + Add, Softmax.
# Parameters: 16·32 + 32 + 32·4 + 4 = 676.
save(helper.make_graph(
    [helper.make_node("Gemm", ["x", "w1", "b1"], ["h"], name="/fc1/Gemm", transB=1),
     helper.make_node("Relu", ["h"], ["r"], name="/act/Relu"),
     helper.make_node("MatMul", ["r", "w2"], ["m"], name="/fc2/MatMul"),
     helper.make_node("Add", ["m", "b2"], ["y"], name="/fc2/Add"),
     helper.make_node("Softmax", ["y"], ["p"], name="/head/Softmax", axis=-1)],
    "mlp", [value("x", TensorProto.FLOAT, ["batch", 16])],
    [value("p", TensorProto.FLOAT, ["batch", 4])],
    [weight("w1", 32, 16), weight("b1", 32), weight("w2", 32, 4), weight("b2", 4)]),
    "mlp.onnx")

# The shape subgraph of a TorchScript export of multi-head attention:
# Shape -> Gather -> Unsqueeze -> Concat -> Reshape to [b, n, h, e], a
# transpose to [b, h, n, e], scores against the keys' transpose, a causal
# mask built from Range and compared (fixed: no FLOPs), softmax, context,
# and back to [b, n, d]. d = 8, h = 2, e = 4; one fused QKV weight stored
# as external data, a scale as a scalar initializer, opset 18 (ReduceMean
# axes as an input).
nodes = [
    helper.make_node("Shape", ["x"], ["shape"], name="/attn/Shape"),
    helper.make_node("Gather", ["shape", "zero"], ["b"], name="/attn/Gather", axis=0),
    helper.make_node("Gather", ["shape", "one"], ["n"], name="/attn/Gather_1", axis=0),
    helper.make_node("Unsqueeze", ["b", "axes0"], ["b1"], name="/attn/Unsqueeze"),
    helper.make_node("Unsqueeze", ["n", "axes0"], ["n1"], name="/attn/Unsqueeze_1"),
    helper.make_node("Concat", ["b1", "n1", "heads", "minus1"], ["split_shape"],
                     name="/attn/Concat", axis=0),
    helper.make_node("MatMul", ["x", "wqkv"], ["qkv"], name="/attn/qkv/MatMul"),
    helper.make_node("Split", ["qkv", "split3"], ["q", "k", "v"], name="/attn/Split", axis=2),
    helper.make_node("Reshape", ["q", "split_shape"], ["q4"], name="/attn/Reshape"),
    helper.make_node("Reshape", ["k", "split_shape"], ["k4"], name="/attn/Reshape_1"),
    helper.make_node("Reshape", ["v", "split_shape"], ["v4"], name="/attn/Reshape_2"),
    helper.make_node("Transpose", ["q4"], ["qt"], name="/attn/Transpose", perm=[0, 2, 1, 3]),
    helper.make_node("Transpose", ["k4"], ["kt"], name="/attn/Transpose_1", perm=[0, 2, 3, 1]),
    helper.make_node("Transpose", ["v4"], ["vt"], name="/attn/Transpose_2", perm=[0, 2, 1, 3]),
    helper.make_node("MatMul", ["qt", "kt"], ["s"], name="/attn/MatMul"),
    helper.make_node("Div", ["s", "val_scale"], ["ss"], name="/attn/Div"),
    helper.make_node("Range", ["zero_s", "n", "one_s"], ["pos"], name="/attn/Range"),
    helper.make_node("Unsqueeze", ["pos", "axes0"], ["row"], name="/attn/Unsqueeze_2"),
    helper.make_node("Unsqueeze", ["pos", "axes1"], ["col"], name="/attn/Unsqueeze_3"),
    helper.make_node("LessOrEqual", ["row", "col"], ["causal"], name="/attn/LessOrEqual"),
    helper.make_node("Where", ["causal", "ss", "val_ninf"], ["masked"], name="/attn/Where"),
    helper.make_node("Softmax", ["masked"], ["p"], name="/attn/Softmax", axis=-1),
    helper.make_node("MatMul", ["p", "vt"], ["ctx"], name="/attn/MatMul_1"),
    helper.make_node("Transpose", ["ctx"], ["ctxt"], name="/attn/Transpose_3", perm=[0, 2, 1, 3]),
    helper.make_node("Concat", ["b1", "n1", "width"], ["merge_shape"], name="/attn/Concat_1", axis=0),
    helper.make_node("Reshape", ["ctxt", "merge_shape"], ["merged"], name="/attn/Reshape_3"),
    helper.make_node("ReduceMean", ["merged", "axes_last"], ["mean"], name="/norm/ReduceMean"),
    helper.make_node("Sub", ["merged", "mean"], ["centred"], name="/norm/Sub"),
    helper.make_node("Pow", ["centred", "val_two"], ["sq"], name="/norm/Pow"),
    helper.make_node("ReduceMean", ["sq", "axes_last"], ["var"], name="/norm/ReduceMean_1"),
    helper.make_node("Add", ["var", "val_eps"], ["vareps"], name="/norm/Add"),
    helper.make_node("Sqrt", ["vareps"], ["std"], name="/norm/Sqrt"),
    helper.make_node("Div", ["centred", "std"], ["y"], name="/norm/Div"),
]
save(helper.make_graph(
    nodes, "attention", [value("x", TensorProto.FLOAT, ["batch", "sequence", 8])],
    [value("y", TensorProto.FLOAT, ["batch", "sequence", 8])],
    [weight("wqkv", 8, 24), ints("zero", 0), ints("one", 1), ints("axes0", [0]),
     ints("axes1", [1]), ints("heads", [2]), ints("minus1", [-1]), ints("split3", [8, 8, 8]),
     ints("width", [8]), ints("axes_last", [-1]), ints("zero_s", 0), ints("one_s", 1),
     scalar("val_scale", 2.0), scalar("val_ninf", -np.inf), scalar("val_two", 2.0), scalar("val_eps", 1e-5)],
    value_info=[value("q4", TensorProto.FLOAT, ["batch", "sequence", 2, 4]),
                value("s", TensorProto.FLOAT, ["batch", 2, "sequence", "sequence"])]),
    "attention.onnx", opset=18, save_as_external_data=True, all_tensors_to_one_file=True,
    location="attention.onnx.data", size_threshold=256)

# Convolutions: a strided, padded 2-D convolution with a bias, a grouped
# and dilated one, global average pooling as ReduceMean, Flatten, Gemm.
save(helper.make_graph(
    [helper.make_node("Conv", ["img", "c1w", "c1b"], ["c1"], name="/stem/Conv",
                      strides=[2, 2], pads=[1, 1, 1, 1], kernel_shape=[3, 3]),
     helper.make_node("Relu", ["c1"], ["r1"], name="/stem/Relu"),
     helper.make_node("Conv", ["r1", "c2w"], ["c2"], name="/block/Conv", group=4,
                      dilations=[2, 2], pads=[2, 2, 2, 2], kernel_shape=[3, 3]),
     helper.make_node("Add", ["c2", "r1"], ["res"], name="/block/Add"),
     helper.make_node("ReduceMean", ["res"], ["pool"], name="/head/ReduceMean",
                      axes=[2, 3], keepdims=1),
     helper.make_node("Flatten", ["pool"], ["flat"], name="/head/Flatten", axis=1),
     helper.make_node("Gemm", ["flat", "fcw", "fcb"], ["logits"], name="/head/Gemm", transB=1)],
    "convnet", [value("img", TensorProto.FLOAT, ["batch", 3, "height", "width"])],
    [value("logits", TensorProto.FLOAT, ["batch", 10])],
    [weight("c1w", 8, 3, 3, 3), weight("c1b", 8), weight("c2w", 8, 2, 3, 3),
     weight("fcw", 10, 8), weight("fcb", 10)]),
    "convnet.onnx")

# Recurrences: a GRU in PyTorch's form (linear_before_reset = 1) and in
# ONNX's default, and a bidirectional RNN; input width 4, hidden 3, the
# sequence first (layout 0).
for name, op, extra in [("gru", "GRU", {"linear_before_reset": 1}),
                        ("gru-reset-first", "GRU", {}),
                        ("rnn-bidirectional", "RNN", {"direction": "bidirectional"})]:
    directions = 2 if extra.get("direction") == "bidirectional" else 1
    gates = 3 if op == "GRU" else 1
    save(helper.make_graph(
        [helper.make_node(op, ["x", "w", "r", "b"], ["y", "y_h"], name="/rnn/" + op,
                          hidden_size=3, **extra)],
        name, [value("x", TensorProto.FLOAT, ["sequence", "batch", 4])],
        [value("y", TensorProto.FLOAT, ["sequence", directions, "batch", 3]),
         value("y_h", TensorProto.FLOAT, [directions, "batch", 3])],
        [weight("w", directions, 3 * gates, 4), weight("r", directions, 3 * gates, 3),
         weight("b", directions, 6 * gates)]), name + ".onnx")

# Opset 20 operators around an attention written with Einsum: LayerNorm,
# Reshape with 0 (copy an axis) in the target, Einsum for the scores and the
# context, Gelu (tanh), Microsoft's SimplifiedLayerNormalization (RMS norm),
# ReduceSum with its axes as an input and keepdims = 0.
save(helper.make_graph(
    [helper.make_node("LayerNormalization", ["x", "g", "beta"], ["ln"], name="/ln/LN", axis=-1),
     helper.make_node("MatMul", ["ln", "wq"], ["q"], name="/attn/q/MatMul"),
     helper.make_node("MatMul", ["ln", "wk"], ["k"], name="/attn/k/MatMul"),
     helper.make_node("Reshape", ["q", "heads"], ["q4"], name="/attn/Reshape"),
     helper.make_node("Reshape", ["k", "heads"], ["k4"], name="/attn/Reshape_1"),
     helper.make_node("Transpose", ["q4"], ["qt"], name="/attn/Transpose", perm=[0, 2, 1, 3]),
     helper.make_node("Transpose", ["k4"], ["kt"], name="/attn/Transpose_1", perm=[0, 2, 1, 3]),
     helper.make_node("Einsum", ["qt", "kt"], ["s"], name="/attn/Einsum",
                      equation="bhqd,bhkd->bhqk"),
     helper.make_node("Softmax", ["s"], ["p"], name="/attn/Softmax", axis=-1),
     helper.make_node("Einsum", ["p", "qt"], ["ctx"], name="/attn/Einsum_1",
                      equation="bhqk,bhkd->bhqd"),
     helper.make_node("Transpose", ["ctx"], ["ctxt"], name="/attn/Transpose_2", perm=[0, 2, 1, 3]),
     helper.make_node("Reshape", ["ctxt", "merge"], ["merged"], name="/attn/Reshape_2"),
     helper.make_node("Gelu", ["merged"], ["act"], name="/mlp/Gelu", approximate="tanh"),
     helper.make_node("SimplifiedLayerNormalization", ["act", "rms"], ["normed"],
                      name="/norm/RMS", domain="com.microsoft", axis=-1, epsilon=1e-6),
     helper.make_node("ReduceSum", ["normed", "last"], ["y"], name="/head/ReduceSum",
                      keepdims=0)],
    "ops", [value("x", TensorProto.FLOAT, ["batch", "sequence", 8])],
    [value("y", TensorProto.FLOAT, ["batch", "sequence"])],
    [weight("g", 8), weight("beta", 8), weight("wq", 8, 8), weight("wk", 8, 8),
     weight("rms", 8), ints("heads", [0, 0, 2, 4]), ints("merge", [0, 0, 8]),
     ints("last", [-1])]), "ops.onnx", opset=20)

# A 1-D convolution over a sequence laid out channels first ([batch, 4,
# sequence]): its positions are the last axis, and a kernel of 3 reaches one
# position each way.
save(helper.make_graph(
    [helper.make_node("Conv", ["x", "w", "b"], ["y"], name="/conv/Conv", pads=[1, 1],
                      kernel_shape=[3])],
    "conv1d", [value("x", TensorProto.FLOAT, ["batch", 4, "sequence"])],
    [value("y", TensorProto.FLOAT, ["batch", 8, "sequence"])],
    [weight("w", 8, 4, 3), weight("b", 8)]), "conv1d.onnx")

# ONNX's Attention (opset 23): grouped queries (4 query heads share 2 key
# and value heads, head size 2), causal; and Microsoft's MultiHeadAttention
# with one bias for Q, K and V.
save(helper.make_graph(
    [helper.make_node("Attention", ["q", "k", "v"], ["y"], name="/attn/Attention",
                      q_num_heads=4, kv_num_heads=2, is_causal=1)],
    "gqa", [value("q", TensorProto.FLOAT, ["batch", "sequence", 8]),
            value("k", TensorProto.FLOAT, ["batch", "sequence", 4]),
            value("v", TensorProto.FLOAT, ["batch", "sequence", 4])],
    [value("y", TensorProto.FLOAT, ["batch", "sequence", 8])]), "gqa.onnx", opset=23)
save(helper.make_graph(
    [helper.make_node("MultiHeadAttention", ["q", "k", "v", "bias"], ["y"], name="/mha/MHA",
                      domain="com.microsoft", num_heads=2)],
    "mha", [value("q", TensorProto.FLOAT, ["batch", "sequence", 8]),
            value("k", TensorProto.FLOAT, ["batch", "sequence", 8]),
            value("v", TensorProto.FLOAT, ["batch", "sequence", 8])],
    [value("y", TensorProto.FLOAT, ["batch", "sequence", 8])], [weight("bias", 24)]), "mha.onnx")

# Hostile graphs: each must be a located error (test/Import/Onnx/errors.test).
os.makedirs(os.path.join(HERE, "hostile"), exist_ok=True)
x4 = [value("x", TensorProto.FLOAT, ["batch", 4])]
hostile = {
    "missing-input": ([helper.make_node("Identity", [""], ["y"], name="/id")], x4, []),
    "unsqueeze-twice": ([helper.make_node("Unsqueeze", ["x", "axes"], ["y"], name="/u")], x4,
                        [ints("axes", [0, 0])]),
    "slice-rank": ([helper.make_node("Slice", ["x", "s", "e"], ["y"], name="/s")], x4,
                   [ints("s", [0, 0, 0]), ints("e", [1, 1, 1])]),
    "reshape-fraction": ([helper.make_node("Reshape", ["x", "shape"], ["y"], name="/r")], x4,
                         [ints("shape", [3, -1])]),
    "range-step-zero": ([helper.make_node("Range", ["a", "b", "c"], ["r"], name="/range"),
                         helper.make_node("Add", ["x", "r"], ["y"], name="/add")], x4,
                        [ints("a", 0), ints("b", 4), ints("c", 0)]),
    "gathernd-batch": ([helper.make_node("GatherND", ["x", "i"], ["y"], name="/g",
                                         batch_dims=-1)], x4, [ints("i", [[0]])]),
    "heads": ([helper.make_node("Attention", ["q", "q", "q"], ["y"], name="/a", q_num_heads=3,
                                kv_num_heads=3)],
              [value("q", TensorProto.FLOAT, ["batch", "sequence", 4])], []),
    "attention-kv-lengths": ([helper.make_node("Attention", ["q", "k", "v"], ["y"], name="/a",
                                               q_num_heads=4, kv_num_heads=2)],
                             [value("q", TensorProto.FLOAT, ["batch", "sequence", 8]),
                              value("k", TensorProto.FLOAT, ["batch", "sequence", 4]),
                              value("v", TensorProto.FLOAT, ["batch", "memory", 4])], []),
    "attention-mask-heads": ([helper.make_node("Attention", ["q", "q", "q", "m"], ["y"],
                                               name="/a", q_num_heads=4, kv_num_heads=4)],
                             [value("q", TensorProto.FLOAT, ["batch", "sequence", 8]),
                              value("m", TensorProto.FLOAT, [1, 3, "sequence", "sequence"])],
                             []),
    "unknown-domain": ([helper.make_node("Foo", ["x"], ["y"], name="/foo", domain="org.example")],
                       x4, []),
}
for name, (nodes, inputs, inits) in hostile.items():
    save(helper.make_graph(nodes, name, inputs, [value("y", TensorProto.FLOAT, None)], inits),
         os.path.join("hostile", name + ".onnx"), opset=23)
# A float tensor whose contents sit in int64_data: malformed, not zeros.
bad = helper.make_tensor("w", TensorProto.FLOAT, [2], [1, 2])
bad.ClearField("float_data")
bad.int64_data.extend([1, 2])
save(helper.make_graph([helper.make_node("Mul", ["x", "w"], ["y"], name="/mul")], "typed",
                       [value("x", TensorProto.FLOAT, ["batch", 2])],
                       [value("y", TensorProto.FLOAT, ["batch", 2])], [bad]),
     os.path.join("hostile", "misplaced-data.onnx"))

# Broken and unsupported inputs.
save(helper.make_graph(
    [helper.make_node("NonMaxSuppression", ["x", "x"], ["y"], name="/nms")],
    "unsupported", [value("x", TensorProto.FLOAT, ["batch", 4])],
    [value("y", TensorProto.FLOAT, ["batch", 4])]), "unsupported.onnx")
save(helper.make_graph(
    [helper.make_node("Relu", ["x"], ["y"], name="/relu")],
    "unnamed", [value("x", TensorProto.FLOAT, [None, 4])],
    [value("y", TensorProto.FLOAT, [None, 4])]), "unnamed-dim.onnx")
save(helper.make_graph(
    [helper.make_node("MatMul", ["x", "w"], ["y"], name="/mm")],
    "mismatch", [value("x", TensorProto.FLOAT, ["batch", 4])],
    [value("y", TensorProto.FLOAT, ["batch", 4])], [weight("w", 5, 3)]), "mismatch.onnx")
with open(os.path.join(HERE, "mlp.onnx"), "rb") as f:
    data = f.read()
with open(os.path.join(HERE, "truncated.onnx"), "wb") as f:
    f.write(data[: len(data) // 2])

# A GRU read straight from a graph input whose time axis has a dim_param no
# rule names ("steps"): the recurrence makes it the positions. With a fixed
# number of steps nothing counts positions, and the GRU is an error.
for name, time in [("gru-steps", "steps"), ("hostile/gru-fixed-steps", 5)]:
    save(helper.make_graph(
        [helper.make_node("GRU", ["x", "w", "r", "b"], ["y", "y_h"], name="/rnn/GRU",
                          hidden_size=3, linear_before_reset=1)],
        "gru", [value("x", TensorProto.FLOAT, [time, "batch", 4])],
        [value("y", TensorProto.FLOAT, [time, 1, "batch", 3]),
         value("y_h", TensorProto.FLOAT, [1, "batch", 3])],
        [weight("w", 1, 9, 4), weight("r", 1, 9, 3), weight("b", 1, 18)]), name + ".onnx")

# Operators costopt does not know, for --allow-unknown: a custom op of
# another domain, TopK (whose K is a size) and NonZero (whose output size
# only the data decides: dim_param "nonzero"). Every output's shape is
# declared, as onnx.shape_inference writes them; without one, the import
# is an error even with --allow-unknown.
k = ints("k", [2])
save(helper.make_graph(
    [helper.make_node("MatMul", ["x", "w"], ["h"], name="/proj/MatMul"),
     helper.make_node("FancyMix", ["h"], ["m"], name="/mix/FancyMix", domain="org.example"),
     helper.make_node("TopK", ["m", "k"], ["vals", "idx"], name="/top/TopK"),
     helper.make_node("Relu", ["vals"], ["y"], name="/top/Relu"),
     helper.make_node("NonZero", ["h"], ["nz"], name="/nz/NonZero")],
    "unknown", [value("x", TensorProto.FLOAT, ["batch", "sequence", 8])],
    [value("y", TensorProto.FLOAT, ["batch", "sequence", 2]),
     value("nz", TensorProto.INT64, [3, "nonzero"])],
    [weight("w", 8, 8), k],
    value_info=[value("m", TensorProto.FLOAT, ["batch", "sequence", 8]),
                value("vals", TensorProto.FLOAT, ["batch", "sequence", 2]),
                value("idx", TensorProto.INT64, ["batch", "sequence", 2])]),
    "unknown-ops.onnx")
save(helper.make_graph(
    [helper.make_node("FancyMix", ["x"], ["y"], name="/mix/FancyMix", domain="org.example")],
    "unknown", [value("x", TensorProto.FLOAT, ["batch", 8])], [value("y", TensorProto.FLOAT, None)]),
    "hostile/unknown-no-shape.onnx")

# Microsoft's GroupQueryAttention (ONNX Runtime's form, always causal), the
# same attention as gqa.onnx: 4 query heads share 2 key and value heads of
# size 2. seqlens_k and total_sequence_length describe padding; present_key
# is the keys as [batch, kv heads, sequence, head size]. With past keys
# (a cache of "past" positions), see the end of the file.
gqa_inputs = [value("q", TensorProto.FLOAT, ["batch", "sequence", 8]),
              value("k", TensorProto.FLOAT, ["batch", "sequence", 4]),
              value("v", TensorProto.FLOAT, ["batch", "sequence", 4]),
              value("seqlens_k", TensorProto.INT32, ["batch"]),
              value("total_sequence_length", TensorProto.INT32, [])]
save(helper.make_graph(
    [helper.make_node("GroupQueryAttention",
                      ["q", "k", "v", "", "", "seqlens_k", "total_sequence_length"],
                      ["y", "present_key", "present_value"], name="/attn/GroupQueryAttention",
                      domain="com.microsoft", num_heads=4, kv_num_heads=2)],
    "gqa_contrib", gqa_inputs,
    [value("y", TensorProto.FLOAT, ["batch", "sequence", 8]),
     value("present_key", TensorProto.FLOAT, ["batch", 2, "sequence", 2]),
     value("present_value", TensorProto.FLOAT, ["batch", 2, "sequence", 2])]),
    "gqa-contrib.onnx")

# The normalizations of convolutional nets on [batch, 8, height, width]:
# BatchNormalization in eval mode (its running mean and variance, here
# named like weights, are statistics, not parameters), InstanceNormalization,
# and GroupNormalization (opset 21: scale and bias per channel) in 2 groups.
save(helper.make_graph(
    [helper.make_node("BatchNormalization", ["x", "bn_scale", "bn_bias", "bn_mean", "bn_var"],
                      ["a"], name="/bn/BatchNormalization", epsilon=1e-5),
     helper.make_node("InstanceNormalization", ["a", "in_scale", "in_bias"], ["c"],
                      name="/in/InstanceNormalization"),
     helper.make_node("GroupNormalization", ["c", "gn_scale", "gn_bias"], ["y"],
                      name="/gn/GroupNormalization", num_groups=2)],
    "norms", [value("x", TensorProto.FLOAT, ["batch", 8, "height", "width"])],
    [value("y", TensorProto.FLOAT, ["batch", 8, "height", "width"])],
    [weight("bn_scale", 8), weight("bn_bias", 8), weight("bn_mean", 8),
     numpy_helper.from_array(np.abs(rng.standard_normal(8)).astype(np.float32) + 0.5, "bn_var"),
     weight("in_scale", 8), weight("in_bias", 8), weight("gn_scale", 8), weight("gn_bias", 8)]),
    "norms.onnx", opset=21)

# auto_pad as TensorFlow's exporters write it: SAME_UPPER with stride 1 (the
# pads are span − 1 whatever the size) on [batch, 4, height, width], then
# SAME_LOWER with stride 2 on a fixed 7 × 7 input. With stride 2 on a
# symbolic size the pads depend on the size modulo 2: an error.
save(helper.make_graph(
    [helper.make_node("Conv", ["x", "w1", "b1"], ["h"], name="/same/Conv", auto_pad="SAME_UPPER")],
    "same", [value("x", TensorProto.FLOAT, ["batch", 4, "height", "width"])],
    [value("h", TensorProto.FLOAT, ["batch", 4, "height", "width"])],
    [weight("w1", 4, 4, 3, 3), weight("b1", 4)]), "conv-same.onnx")
save(helper.make_graph(
    [helper.make_node("Conv", ["x", "w1"], ["h"], name="/lower/Conv", auto_pad="SAME_LOWER",
                      strides=[2, 2])],
    "same_lower", [value("x", TensorProto.FLOAT, ["batch", 4, 7, 7])],
    [value("h", TensorProto.FLOAT, ["batch", 4, 4, 4])],
    [weight("w1", 4, 4, 3, 3)]), "conv-same-stride.onnx")
save(helper.make_graph(
    [helper.make_node("Conv", ["x", "w1"], ["h"], name="/same/Conv", auto_pad="SAME_UPPER",
                      strides=[2, 2])],
    "same_symbolic", [value("x", TensorProto.FLOAT, ["batch", 4, "height", "width"])],
    [value("h", TensorProto.FLOAT, None)],
    [weight("w1", 4, 4, 3, 3)]), "hostile/conv-same-stride-symbolic.onnx")

# Strided slices, as an interleaved rotary embedding reads the even and odd
# features (x[..., 0::2], x[..., 1::2]); a reversal (step -1) and a stride
# over a symbolic axis whose last step may run past its end are errors.
save(helper.make_graph(
    [helper.make_node("Slice", ["x", "s0", "e", "axes", "two"], ["even"], name="/rot/even"),
     helper.make_node("Slice", ["x", "s1", "e", "axes", "two"], ["odd"], name="/rot/odd"),
     helper.make_node("Mul", ["even", "odd"], ["y"], name="/rot/Mul")],
    "strided", [value("x", TensorProto.FLOAT, ["batch", "sequence", 8])],
    [value("y", TensorProto.FLOAT, ["batch", "sequence", 4])],
    [ints("s0", [0]), ints("s1", [1]), ints("e", [2**62]), ints("axes", [-1]),
     ints("two", [2])]), "strided-slice.onnx")
for name, starts, ends, axes, steps in [("slice-reversed", [-1], [-(2**62)], [-1], [-1]),
                                        ("slice-stride-symbolic", [0], [2**62], [1], [2])]:
    save(helper.make_graph(
        [helper.make_node("Slice", ["x", "s", "e", "a", "k"], ["y"], name="/s")],
        name, [value("x", TensorProto.FLOAT, ["batch", "sequence", 8])],
        [value("y", TensorProto.FLOAT, None)],
        [ints("s", starts), ints("e", ends), ints("a", axes), ints("k", steps)]),
        os.path.join("hostile", name + ".onnx"))

# Einsum with '...' (leading axes, broadcast as NumPy does): a projection
# written "...d,de->...e", scores "...qe,...ke->...qk", and the implicit
# output "...d,de" (the leading axes, then the letters seen once).
save(helper.make_graph(
    [helper.make_node("Einsum", ["x", "w"], ["h"], name="/proj/Einsum", equation="...d,de->...e"),
     helper.make_node("Einsum", ["h", "h"], ["s"], name="/scores/Einsum",
                      equation="...qe, ...ke -> ...qk"),
     helper.make_node("Einsum", ["x", "w"], ["g"], name="/implicit/Einsum", equation="...d,de")],
    "ellipsis", [value("x", TensorProto.FLOAT, ["batch", "sequence", 8])],
    [value("s", TensorProto.FLOAT, ["batch", "sequence", "sequence"]),
     value("g", TensorProto.FLOAT, ["batch", "sequence", 4])],
    [weight("w", 8, 4)]), "einsum-ellipsis.onnx", opset=20)

# Review findings (2026-12-01). A mask built with an operator the importer
# evaluates only on sizes (Mod on a Range, every other position); a node
# without an operator type; strided slices of a numeric axis whose last
# step would run past it (refused), and of one entry (a plain slice).
save(helper.make_graph(
    [helper.make_node("Shape", ["x"], ["shp"], name="/mask/Shape"),
     helper.make_node("Gather", ["shp", "one"], ["n"], name="/mask/Gather", axis=0),
     helper.make_node("Range", ["zero", "n", "step"], ["r"], name="/mask/Range"),
     helper.make_node("Mod", ["r", "two"], ["m"], name="/mask/Mod"),
     helper.make_node("Equal", ["m", "zero"], ["even"], name="/mask/Equal"),
     helper.make_node("Unsqueeze", ["even", "axis1"], ["even2"], name="/mask/Unsqueeze"),
     helper.make_node("Where", ["even2", "x", "x"], ["y"], name="/pick/Where")],
    "mod_mask", [value("x", TensorProto.FLOAT, ["batch", "sequence", 4])],
    [value("y", TensorProto.FLOAT, ["batch", "sequence", 4])],
    [ints("one", 1), ints("zero", 0), ints("step", 1), ints("two", 2), ints("axis1", [1])]),
    "mod-mask.onnx")
save(helper.make_graph([helper.make_node("", ["x"], ["y"], name="/nothing")], "empty_op",
                       x4, [value("y", TensorProto.FLOAT, ["batch", 4])]),
     os.path.join("hostile", "empty-op-type.onnx"))
for name, extent, start, end, step in [("slice-stride-past-end", 7, 0, 7, 2),
                                       ("slice-stride-one-entry", 10, 3, 10, 20)]:
    save(helper.make_graph(
        [helper.make_node("Slice", ["x", "s", "e", "a", "k"], ["y"], name="/s")], name,
        [value("x", TensorProto.FLOAT, ["batch", extent])], [value("y", TensorProto.FLOAT, None)],
        [ints("s", [start]), ints("e", [end]), ints("a", [1]), ints("k", [step])]),
        os.path.join("hostile", name + ".onnx"))

# ConvTranspose as a DCGAN-style generator upsamples: 4 × 4 kernels of
# stride 2 cropped by one on each side (h → 2h), then a grouped one with
# every attribute at once: strides [2, 1], dilations [1, 2], asymmetric
# pads [0, 2, 1, 2] and output_padding [1, 1] (2h → 4h + 1, 2w → 2w + 1).
# PyTorch's FlopCounterMode counts 2 · batch · prod(w) · prod(input
# spatial): 2·8·4·16·h·w = 1024·b·h·w and 2·4·2·9·(2h)(2w) = 576·b·h·w.
save(helper.make_graph(
    [helper.make_node("ConvTranspose", ["x", "w1", "b1"], ["u"], name="/up/ConvTranspose",
                      strides=[2, 2], pads=[1, 1, 1, 1], kernel_shape=[4, 4]),
     helper.make_node("ConvTranspose", ["u", "w2"], ["y"], name="/mix/ConvTranspose", group=2,
                      strides=[2, 1], dilations=[1, 2], pads=[0, 2, 1, 2],
                      output_padding=[1, 1])],
    "generator", [value("x", TensorProto.FLOAT, ["batch", 8, "height", "width"])],
    [value("y", TensorProto.FLOAT, None)],
    [weight("w1", 8, 4, 4, 4), weight("b1", 4), weight("w2", 4, 2, 3, 3)]),
    "conv-transpose.onnx")
# Along the positions: a stride-1 ConvTranspose of 3 taps cropped by one on
# each side keeps the length, and reads one position either side.
save(helper.make_graph(
    [helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="/smooth/ConvTranspose",
                      pads=[1, 1])],
    "smooth", [value("x", TensorProto.FLOAT, ["batch", 4, "sequence"])],
    [value("y", TensorProto.FLOAT, ["batch", 4, "sequence"])],
    [weight("w", 4, 4, 3)]), "conv-transpose-1d.onnx")
# Refused: output_shape and SAME auto_pad (how to split the padding),
# output_padding not below the stride, pads that crop every position.
for name, attributes, width in [
        ("conv-transpose-output-shape", dict(strides=[2], output_shape=[9]), 4),
        ("conv-transpose-same", dict(strides=[2], auto_pad="SAME_UPPER"), 4),
        ("conv-transpose-output-padding", dict(strides=[2], output_padding=[2]), 4),
        ("conv-transpose-cropped", dict(pads=[2, 2]), 1)]:
    save(helper.make_graph(
        [helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="/t", **attributes)], name,
        [value("x", TensorProto.FLOAT, ["batch", 2, width])], [value("y", TensorProto.FLOAT, None)],
        [weight("w", 2, 2, 3)]), os.path.join("hostile", name + ".onnx"))

# Scan: an Elman RNN cell written as a Scan body,
# h' = tanh(x_t·Wx + Wb + h·Wh + Rb) over [batch, sequence, 4] scanned along axis 1, the new state also the per-step output (through an
# Identity), stacked at axis 1. The same cell as ONNX's RNN operator costs
# the same: 224·batch·sequence, 112 parameters. A second Scan runs the
# same body backwards (scan_input_directions and scan_output_directions 1).
def elman_body(name):
    return helper.make_graph(
        [helper.make_node("MatMul", ["x_t", "wx"], ["a"], name="/cell/MatMul"),
         helper.make_node("Add", ["a", "wb"], ["a2"], name="/cell/Add"),
         helper.make_node("MatMul", ["h", "wh"], ["c"], name="/cell/MatMul_1"),
         helper.make_node("Add", ["c", "rb"], ["c2"], name="/cell/Add_1"),
         helper.make_node("Add", ["a2", "c2"], ["s"], name="/cell/Add_2"),
         helper.make_node("Tanh", ["s"], ["h_new"], name="/cell/Tanh"),
         helper.make_node("Identity", ["h_new"], ["y_t"], name="/cell/Identity")],
        name, [value("h", TensorProto.FLOAT, ["batch", 8]), value("x_t", TensorProto.FLOAT, ["batch", 4])],
        [value("h_new", TensorProto.FLOAT, ["batch", 8]), value("y_t", TensorProto.FLOAT, ["batch", 8])])


scan_weights = [weight("wx", 4, 8), weight("wb", 8), weight("wh", 8, 8), weight("rb", 8)]
save(helper.make_graph(
    [helper.make_node("Scan", ["h0", "x"], ["h_last", "ys"], name="/rnn/Scan", num_scan_inputs=1,
                      scan_input_axes=[1], scan_output_axes=[1], body=elman_body("cell"))],
    "scan_rnn", [value("h0", TensorProto.FLOAT, ["batch", 8]),
                 value("x", TensorProto.FLOAT, ["batch", "sequence", 4])],
    [value("h_last", TensorProto.FLOAT, ["batch", 8]),
     value("ys", TensorProto.FLOAT, ["batch", "sequence", 8])], scan_weights), "scan-rnn.onnx")
save(helper.make_graph(
    [helper.make_node("Scan", ["h0", "x"], ["h_first", "ys"], name="/rnn/Scan", num_scan_inputs=1,
                      scan_input_directions=[1], scan_output_directions=[1],
                      body=elman_body("cell"))],
    "scan_reverse", [value("h0", TensorProto.FLOAT, ["batch", 8]),
                     value("x", TensorProto.FLOAT, ["sequence", "batch", 4])],
    [value("h_first", TensorProto.FLOAT, ["batch", 8]),
     value("ys", TensorProto.FLOAT, ["sequence", "batch", 8])], scan_weights),
    "scan-rnn-reverse.onnx")
save(helper.make_graph(
    [helper.make_node("RNN", ["x", "W", "R", "B", "", "h0"], ["", "h_last"], name="/rnn/RNN",
                      hidden_size=8, layout=1)],
    "elman", [value("x", TensorProto.FLOAT, ["batch", "sequence", 4]),
              value("h0", TensorProto.FLOAT, ["batch", 1, 8])],
    [value("h_last", TensorProto.FLOAT, ["batch", 1, 8])],
    [weight("W", 1, 8, 4), weight("R", 1, 8, 8), weight("B", 1, 16)]), "rnn-elman.onnx")
# Refused Scans: a per-step output that is not a state; a scan axis of a
# fixed size; a reverse scan stacking its outputs in scan order (against
# the positions).
not_state = elman_body("cell")
not_state.node[-1].op_type = "Relu"
for name, body, x_shape, attributes in [
        ("scan-output-not-state", not_state, ["sequence", "batch", 4], {}),
        ("scan-fixed-steps", elman_body("cell"), [5, "batch", 4], {}),
        ("scan-reverse-appended", elman_body("cell"), ["sequence", "batch", 4],
         dict(scan_input_directions=[1]))]:
    save(helper.make_graph(
        [helper.make_node("Scan", ["h0", "x"], ["h_last", "ys"], name="/s", num_scan_inputs=1,
                          body=body, **attributes)],
        name, [value("h0", TensorProto.FLOAT, ["batch", 8]), value("x", TensorProto.FLOAT, x_shape)],
        [value("h_last", TensorProto.FLOAT, None), value("ys", TensorProto.FLOAT, None)],
        scan_weights), os.path.join("hostile", name + ".onnx"))

# Loop in its plainest form over the positions: a trip count read from the
# input's shape, a condition that stays true, and the body reading step i of the
# input as Gather(x, i): the same Elman cell, the same 224·batch·sequence.
def elman_loop_body(extra_nodes=(), cond="cond_in", gather_index="i"):
    return helper.make_graph(
        [helper.make_node("Gather", ["x", gather_index], ["x_t"], name="/cell/Gather", axis=0),
         *elman_body("cell").node, *extra_nodes,
         helper.make_node("Identity", [cond], ["cond_out"], name="/cell/Identity_1")],
        "loop_body", [value("i", TensorProto.INT64, []), value("cond_in", TensorProto.BOOL, []),
                      value("h", TensorProto.FLOAT, ["batch", 8])],
        [value("cond_out", TensorProto.BOOL, []), value("h_new", TensorProto.FLOAT, ["batch", 8]),
         value("y_t", TensorProto.FLOAT, ["batch", 8])])


def loop_graph(name, body, trip_count="n"):
    return helper.make_graph(
        [helper.make_node("Shape", ["x"], ["shp"], name="/rnn/Shape"),
         helper.make_node("Gather", ["shp", "zero"], ["n"], name="/rnn/Gather", axis=0),
         helper.make_node("Loop", [trip_count, "true", "h0"], ["h_last", "ys"], name="/rnn/Loop",
                          body=body)],
        name, [value("x", TensorProto.FLOAT, ["sequence", "batch", 4]),
               value("h0", TensorProto.FLOAT, ["batch", 8])],
        [value("h_last", TensorProto.FLOAT, ["batch", 8]),
         value("ys", TensorProto.FLOAT, ["sequence", "batch", 8])],
        scan_weights + [ints("zero", 0),
                        numpy_helper.from_array(np.array(True), "true")])


save(loop_graph("loop_rnn", elman_loop_body()), "loop-rnn.onnx")
# Refused Loops: without a trip count; a condition the body computes from
# data; the iteration number read other than by a Gather of an outer value.
save(loop_graph("loop_no_trip_count", elman_loop_body(), trip_count=""),
     os.path.join("hostile", "loop-no-trip-count.onnx"))
data_condition = elman_loop_body(
    [helper.make_node("ReduceSum", ["h_new"], ["total"], name="/cell/ReduceSum", keepdims=1),
     helper.make_node("Greater", ["total", "zero_f"], ["positive"], name="/cell/Greater")],
    cond="positive")
data_condition.initializer.append(numpy_helper.from_array(np.array(0.0, dtype=np.float32), "zero_f"))
data_condition.output[0].CopyFrom(value("cond_out", TensorProto.BOOL, None))
save(loop_graph("loop_data_condition", data_condition),
     os.path.join("hostile", "loop-data-condition.onnx"))
iteration_as_data = elman_loop_body(
    [helper.make_node("Cast", ["i"], ["i_f"], name="/cell/Cast", to=TensorProto.FLOAT)])
save(loop_graph("loop_iteration_as_data", iteration_as_data),
     os.path.join("hostile", "loop-iteration-as-data.onnx"))
# A Scan body whose declared step shape disagrees with the scan input's.
wrong_step = elman_body("cell")
wrong_step.input[1].CopyFrom(value("x_t", TensorProto.FLOAT, ["batch", 5]))
save(helper.make_graph(
    [helper.make_node("Scan", ["h0", "x"], ["h_last", "ys"], name="/s", num_scan_inputs=1,
                      body=wrong_step)],
    "scan_declared", [value("h0", TensorProto.FLOAT, ["batch", 8]),
                      value("x", TensorProto.FLOAT, ["sequence", "batch", 4])],
    [value("h_last", TensorProto.FLOAT, None), value("ys", TensorProto.FLOAT, None)],
    scan_weights), os.path.join("hostile", "scan-body-declared.onnx"))
# Review findings (2026-12-01, second review): ConvTranspose pads beyond
# the kernel's reach (up to 2^31, which crops all but a few outputs of a
# huge target) and a kernel_shape other than the weights'; a recurrence
# nested in a Scan body.
for name, attributes in [("conv-transpose-pad-reach", dict(strides=[4], pads=[3, 0])),
                         ("conv-transpose-kernel-shape", dict(kernel_shape=[5]))]:
    save(helper.make_graph(
        [helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="/t", **attributes)], name,
        [value("x", TensorProto.FLOAT, ["batch", 2, 4])], [value("y", TensorProto.FLOAT, None)],
        [weight("w", 2, 2, 3)]), os.path.join("hostile", name + ".onnx"))
inner_scan = helper.make_graph(
    [helper.make_node("Scan", ["h", "x_t"], ["h_new", "y_t"], name="/inner", num_scan_inputs=1,
                      body=elman_body("cell"))], "outer",
    [value("h", TensorProto.FLOAT, ["batch", 8]), value("x_t", TensorProto.FLOAT, ["batch", 4])],
    [value("h_new", TensorProto.FLOAT, ["batch", 8]), value("y_t", TensorProto.FLOAT, ["batch", 8])])
save(helper.make_graph(
    [helper.make_node("Scan", ["h0", "x"], ["h_last", "ys"], name="/s", num_scan_inputs=1,
                      body=inner_scan)],
    "scan_nested", [value("h0", TensorProto.FLOAT, ["batch", 8]),
                    value("x", TensorProto.FLOAT, ["sequence", "batch", 4])],
    [value("h_last", TensorProto.FLOAT, None), value("ys", TensorProto.FLOAT, None)],
    scan_weights), os.path.join("hostile", "scan-nested.onnx"))
# Loops in tf2onnx's form: a counter k carried from 0 by 1 indexes the
# steps, and the condition compares counters with the trip count. Refused:
# a condition that stops one step early (k + 1 < n - 1), one comparing a
# counter from the right (n < k + 1), and a counter by 2.
def counter_loop(name, condition_nodes, step=1, folder="hostile"):
    body = helper.make_graph(
        [helper.make_node("Gather", ["x", "k"], ["x_t"], name="/cell/Gather", axis=0),
         *elman_body("cell").node,
         helper.make_node("Add", ["k", "step"], ["k_next"], name="/cell/count"),
         *condition_nodes],
        "counter_body", [value("i", TensorProto.INT64, []), value("cond_in", TensorProto.BOOL, []),
                         value("k", TensorProto.INT64, []), value("h", TensorProto.FLOAT, ["batch", 8])],
        [value("cond_out", TensorProto.BOOL, []), value("k_next", TensorProto.INT64, []),
         value("h_new", TensorProto.FLOAT, ["batch", 8]), value("y_t", TensorProto.FLOAT, ["batch", 8])],
        [ints("step", step), ints("one", 1)])
    save(helper.make_graph(
        [helper.make_node("Shape", ["x"], ["shp"], name="/rnn/Shape"),
         helper.make_node("Gather", ["shp", "zero"], ["n"], name="/rnn/Gather", axis=0),
         helper.make_node("Sub", ["n", "one_outer"], ["n_1"], name="/rnn/Sub"),
         helper.make_node("Loop", ["n", "true", "zero", "h0"], ["c_last", "h_last", "ys"],
                          name="/rnn/Loop", body=body)],
        name, [value("x", TensorProto.FLOAT, ["sequence", "batch", 4]),
               value("h0", TensorProto.FLOAT, ["batch", 8])],
        [value("h_last", TensorProto.FLOAT, ["batch", 8]),
         value("ys", TensorProto.FLOAT, ["sequence", "batch", 8])],
        scan_weights + [ints("zero", 0), ints("one_outer", 1),
                        numpy_helper.from_array(np.array(True), "true")]),
        os.path.join(folder, name + ".onnx"))


counter_loop("loop-stops-early",
             [helper.make_node("Less", ["k_next", "n_1"], ["cond_out"], name="/cell/Less")])
counter_loop("loop-counter-right",
             [helper.make_node("Less", ["n", "k_next"], ["not_yet"], name="/cell/Less"),
              helper.make_node("Not", ["not_yet"], ["cond_out"], name="/cell/Not")])
counter_loop("loop-counter-by-two",
             [helper.make_node("Less", ["k_next", "n"], ["cond_out"], name="/cell/Less")], step=2)
# Accepted: the same loop with the condition k + 1 < n && i < n.
counter_loop("loop-counter",
             [helper.make_node("Less", ["k_next", "n"], ["more"], name="/cell/Less"),
              helper.make_node("Less", ["i", "n"], ["within"], name="/cell/Less_1"),
              helper.make_node("And", ["more", "within"], ["cond_out"], name="/cell/And")],
             folder=".")
# A Scan body that assigns one of its input names again.
twice = elman_body("cell")
twice.node[-1].output[0] = "h"
twice.output[1].CopyFrom(value("h", TensorProto.FLOAT, ["batch", 8]))
save(helper.make_graph(
    [helper.make_node("Scan", ["h0", "x"], ["h_last", "ys"], name="/s", num_scan_inputs=1,
                      body=twice)],
    "scan_twice", [value("h0", TensorProto.FLOAT, ["batch", 8]),
                   value("x", TensorProto.FLOAT, ["sequence", "batch", 4])],
    [value("h_last", TensorProto.FLOAT, None), value("ys", TensorProto.FLOAT, None)],
    scan_weights), os.path.join("hostile", "scan-name-twice.onnx"))
# A fuzz finding (2026-12-01): a Relu given a second input, which was read
# as an operand of the element-wise map.
save(helper.make_graph(
    [helper.make_node("Relu", ["x", "w"], ["y"], name="/act/Relu")], "relu_two",
    [value("x", TensorProto.FLOAT, ["batch", 4])], [value("y", TensorProto.FLOAT, None)],
    [weight("w", 3, 5)]), os.path.join("hostile", "unary-two-inputs.onnx"))
# Slices of a symbolic axis with constant bounds (2026-12-02): from 1 to the
# end (written as INT64_MAX, INT32_MAX or -1), from 2 to 10, and the last 3
# entries. Each needs the axis long enough, which becomes a constraint of
# the model; a slice that is always empty is an error.
symbolic_slices = [("tail", 1, 2**63 - 1), ("tail32", 1, 2**31 - 1), ("inner", 1, -1),
                   ("mid", 2, 10), ("last3", -3, 2**63 - 1)]

def slices_then_relu(graph_name, slices, path):
    """Slices (tag, start, end) of axis 1 of x[batch, sequence, 8], each
    followed by a Relu, so that the report prices each slice's length."""
    save(helper.make_graph(
        [node for tag, _, _ in slices for node in (
            helper.make_node("Slice", ["x", "s_" + tag, "e_" + tag, "axis1"], [tag],
                             name="/" + tag + "/Slice"),
            helper.make_node("Relu", [tag], ["y_" + tag], name="/" + tag + "/Relu"))],
        graph_name, [value("x", TensorProto.FLOAT, ["batch", "sequence", 8])],
        [value("y_" + tag, TensorProto.FLOAT, None) for tag, _, _ in slices],
        [ints("axis1", [1])] +
        [t for tag, s, e in slices for t in (ints("s_" + tag, [s]), ints("e_" + tag, [e]))]),
        path)


slices_then_relu("symbolic_slices", symbolic_slices, "symbolic-slices.onnx")
save(helper.make_graph(
    [helper.make_node("Slice", ["x", "s", "e", "a"], ["y"], name="/s")], "slice_empty",
    [value("x", TensorProto.FLOAT, ["batch", "sequence", 8])], [value("y", TensorProto.FLOAT, None)],
    [ints("s", [5]), ints("e", [3]), ints("a", [1])]), os.path.join("hostile", "slice-empty.onnx"))

# Attention with a cache (2026-12-02): the keys and values of "past"
# positions before the new ones, [batch, kv heads, past, head size].
# GroupQueryAttention (always causal: query i sees the cached keys and the
# new ones up to i), ONNX's Attention causal with 4-D inputs and not causal
# with 3-D ones, and MultiHeadAttention with unidirectional. Refused: a
# cache kept in one buffer of a fixed length (present as long as past), a
# past_key without past_value, and a mask beside a cache whose width is a
# dim_param of its own (the end of the file has one of past + sequence).
cache = [value("past_key", TensorProto.FLOAT, ["batch", 2, "past", 2]),
         value("past_value", TensorProto.FLOAT, ["batch", 2, "past", 2])]
gqa_past_inputs = ["q", "k", "v", "past_key", "past_value", "seqlens_k", "total_sequence_length"]


def gqa_with_cache(graph_name, present_shape, path):
    save(helper.make_graph(
        [helper.make_node("GroupQueryAttention", gqa_past_inputs,
                          ["y", "present_key", "present_value"], name="/attn/GroupQueryAttention",
                          domain="com.microsoft", num_heads=4, kv_num_heads=2)],
        graph_name, gqa_inputs + cache,
        [value("y", TensorProto.FLOAT, ["batch", "sequence", 8]),
         value("present_key", TensorProto.FLOAT, present_shape),
         value("present_value", TensorProto.FLOAT, present_shape)]), path)


gqa_with_cache("gqa_past", None, "gqa-past.onnx")
# ONNX's Attention on 4-D inputs with a cache: 4 query heads, 2 kv heads of 2.
attention_past_inputs = [value("q", TensorProto.FLOAT, ["batch", 4, "sequence", 2]),
                         value("k", TensorProto.FLOAT, ["batch", 2, "sequence", 2]),
                         value("v", TensorProto.FLOAT, ["batch", 2, "sequence", 2])] + cache
attention_past_outputs = [value("y", TensorProto.FLOAT, ["batch", 4, "sequence", 2]),
                          value("present_key", TensorProto.FLOAT, None),
                          value("present_value", TensorProto.FLOAT, None)]
save(helper.make_graph(
    [helper.make_node("Attention", ["q", "k", "v", "", "past_key", "past_value"],
                      ["y", "present_key", "present_value"], name="/attn/Attention",
                      is_causal=1)],
    "attention_past", attention_past_inputs, attention_past_outputs), "attention-past.onnx", opset=23)
save(helper.make_graph(
    [helper.make_node("Attention", ["q", "k", "v", "", "past_key", "past_value"], ["y"],
                      name="/attn/Attention", q_num_heads=4, kv_num_heads=2)],
    "attention_past_3d", gqa_inputs[:3] + cache,
    [value("y", TensorProto.FLOAT, ["batch", "sequence", 8])]), "attention-past-3d.onnx",
    opset=23)
mha_cache = [value("past_key", TensorProto.FLOAT, ["batch", 2, "past", 4]),
             value("past_value", TensorProto.FLOAT, ["batch", 2, "past", 4])]
save(helper.make_graph(
    [helper.make_node("MultiHeadAttention", ["q", "k", "v", "", "", "", "past_key", "past_value"],
                      ["y", "present_key", "present_value"], name="/mha/MHA",
                      domain="com.microsoft", num_heads=2, unidirectional=1)],
    "mha_past", [value("q", TensorProto.FLOAT, ["batch", "sequence", 8]),
                 value("k", TensorProto.FLOAT, ["batch", "sequence", 8]),
                 value("v", TensorProto.FLOAT, ["batch", "sequence", 8])] + mha_cache,
    [value("y", TensorProto.FLOAT, ["batch", "sequence", 8]),
     value("present_key", TensorProto.FLOAT, None),
     value("present_value", TensorProto.FLOAT, None)]), "mha-past.onnx")
gqa_with_cache("gqa_shared_buffer", ["batch", 2, "past", 2],
               os.path.join("hostile", "gqa-shared-buffer.onnx"))
save(helper.make_graph(
    [helper.make_node("GroupQueryAttention", ["q", "k", "v", "past_key", ""], ["y"],
                      name="/attn/GroupQueryAttention", domain="com.microsoft", num_heads=4,
                      kv_num_heads=2)],
    "gqa_half_cache", gqa_inputs[:3] + cache[:1],
    [value("y", TensorProto.FLOAT, ["batch", "sequence", 8])]),
    os.path.join("hostile", "gqa-half-cache.onnx"))
save(helper.make_graph(
    [helper.make_node("Attention", ["q", "k", "v", "m", "past_key", "past_value"], ["y"],
                      name="/attn/Attention", q_num_heads=4, kv_num_heads=2)],
    "attention_mask_cache", gqa_inputs[:3] + cache +
    [value("m", TensorProto.FLOAT, ["sequence", "total"])],
    [value("y", TensorProto.FLOAT, ["batch", "sequence", 8])]),
    os.path.join("hostile", "attention-mask-cache.onnx"), opset=23)

# Review findings (2026-12-02): the last 3 entries to INT32_MAX, and the
# whole axis from INT32_MIN (exporters' "to the end" and "from the start");
# a decoding step of GroupQueryAttention (one new position, fixed), whose
# seqlens_k [batch] is no token-id input: batch is not the positions.
int32_slices = [("last3_i32", -3, 2**31 - 1), ("whole_i32", -(2**31), 2**63 - 1)]
slices_then_relu("int32_slices", int32_slices, "int32-slices.onnx")
save(helper.make_graph(
    [helper.make_node("GroupQueryAttention", gqa_past_inputs,
                      ["y", "present_key", "present_value"], name="/attn/GroupQueryAttention",
                      domain="com.microsoft", num_heads=4, kv_num_heads=2)],
    "gqa_decode", [value("q", TensorProto.FLOAT, ["batch", 1, 8]),
                   value("k", TensorProto.FLOAT, ["batch", 1, 4]),
                   value("v", TensorProto.FLOAT, ["batch", 1, 4]),
                   value("seqlens_k", TensorProto.INT32, ["batch"]),
                   value("total_sequence_length", TensorProto.INT32, [])] + cache,
    [value("y", TensorProto.FLOAT, ["batch", 1, 8]),
     value("present_key", TensorProto.FLOAT, None),
     value("present_value", TensorProto.FLOAT, None)]), "gqa-decode.onnx")

# A causal-mask buffer cut to the keys with a cache, as GPT-2's
# TorchScript export with past_key_values does: bias[k - q : k, :k] of a
# [64, 64] buffer, with k = past + sequence from the shapes; scores of the
# queries against the cached and new keys, masked with Where (review
# finding: the slice was refused as "may be empty").
save(helper.make_graph(
    [helper.make_node("Concat", ["past_k", "q"], ["k_all"], axis=1, name="/attn/Concat"),
     helper.make_node("Transpose", ["k_all"], ["kT"], perm=[0, 2, 1], name="/attn/Transpose"),
     helper.make_node("MatMul", ["q", "kT"], ["scores"], name="/attn/MatMul"),
     helper.make_node("Shape", ["k_all"], ["k_shape"], name="/mask/Shape"),
     helper.make_node("Gather", ["k_shape", "one"], ["k_len"], axis=0, name="/mask/Gather"),
     helper.make_node("Shape", ["q"], ["q_shape"], name="/mask/Shape_1"),
     helper.make_node("Gather", ["q_shape", "one"], ["q_len"], axis=0, name="/mask/Gather_1"),
     helper.make_node("Sub", ["k_len", "q_len"], ["first"], name="/mask/Sub"),
     helper.make_node("Unsqueeze", ["first", "axis0"], ["starts"], name="/mask/Unsqueeze"),
     helper.make_node("Unsqueeze", ["k_len", "axis0"], ["ends"], name="/mask/Unsqueeze_1"),
     helper.make_node("Slice", ["bias", "starts", "ends", "axis0"], ["rows"], name="/mask/Slice"),
     helper.make_node("Slice", ["rows", "axis0", "ends", "axis1"], ["mask"], name="/mask/Slice_1"),
     helper.make_node("Where", ["mask", "scores", "masked"], ["y"], name="/attn/Where")],
    "mask_buffer_cache", [value("q", TensorProto.FLOAT, ["batch", "sequence", 4]),
                          value("past_k", TensorProto.FLOAT, ["batch", "past", 4])],
    [value("y", TensorProto.FLOAT, None)],
    [numpy_helper.from_array(np.tril(np.ones((64, 64), dtype=bool)), "bias"), ints("one", 1),
     ints("axis0", [0]), ints("axis1", [1]), scalar("masked", -1e9)]), "mask-buffer-cache.onnx")

# Review finding (2026-12-02): a slice from 1 to the end of a strided
# convolution's output, of floor((sequence - 3)/2) + 1 positions, needs
# sequence >= 5 (it was refused: the sign test did not bound a floor).
save(helper.make_graph(
    [helper.make_node("Conv", ["x", "w"], ["h"], name="/conv/Conv", strides=[2],
                      kernel_shape=[3]),
     helper.make_node("Slice", ["h", "s", "e", "a"], ["y"], name="/tail/Slice")],
    "strided_tail", [value("x", TensorProto.FLOAT, ["batch", 4, "sequence"])],
    [value("y", TensorProto.FLOAT, None)],
    [weight("w", 4, 4, 3), ints("s", [1]), ints("e", [2**63 - 1]), ints("a", [2])]),
    "strided-conv-tail.onnx")
# Bodies of the wrong arity: a Scan body taking an input more than its
# state and scan input, a Scan body yielding fewer outputs than the node
# returns, and a Loop body yielding no per-step output for the node's ys.
extra_input = elman_body("cell")
extra_input.input.append(value("z", TensorProto.FLOAT, ["batch", 8]))
one_output = elman_body("cell")
del one_output.output[1]
for name, body in [("scan-body-inputs", extra_input), ("scan-body-outputs", one_output)]:
    save(helper.make_graph(
        [helper.make_node("Scan", ["h0", "x"], ["h_last", "ys"], name="/s", num_scan_inputs=1,
                          body=body)],
        name.replace("-", "_"), [value("h0", TensorProto.FLOAT, ["batch", 8]),
                                 value("x", TensorProto.FLOAT, ["sequence", "batch", 4])],
        [value("h_last", TensorProto.FLOAT, None), value("ys", TensorProto.FLOAT, None)],
        scan_weights), os.path.join("hostile", name + ".onnx"))
no_step_output = elman_loop_body()
del no_step_output.output[2]
save(loop_graph("loop_body_outputs", no_step_output),
     os.path.join("hostile", "loop-body-outputs.onnx"))
# Position ids after a cache, as GPT-2's export with past_key_values
# writes them: Range(past, past + sequence) into a learned table of 64
# rows. The rows read are past .. past + sequence - 1, so the table bounds
# past + sequence, not sequence alone.
save(helper.make_graph(
    [helper.make_node("Shape", ["past_k"], ["past_shape"], name="/pos/Shape"),
     helper.make_node("Gather", ["past_shape", "one"], ["past"], name="/pos/Gather", axis=0),
     helper.make_node("Shape", ["x"], ["x_shape"], name="/pos/Shape_1"),
     helper.make_node("Gather", ["x_shape", "one"], ["sequence"], name="/pos/Gather_1", axis=0),
     helper.make_node("Add", ["past", "sequence"], ["end"], name="/pos/Add"),
     helper.make_node("Range", ["past", "end", "one"], ["ids"], name="/pos/Range"),
     helper.make_node("Gather", ["wpe", "ids"], ["pe"], name="/wpe/Gather", axis=0),
     helper.make_node("Add", ["x", "pe"], ["y"], name="/add/Add")],
    "position_ids_cache", [value("x", TensorProto.FLOAT, ["batch", "sequence", 4]),
                           value("past_k", TensorProto.FLOAT, ["batch", "past", 4])],
    [value("y", TensorProto.FLOAT, ["batch", "sequence", 4])],
    [weight("wpe", 64, 4), ints("one", 1)]), "position-ids-cache.onnx")
# Review findings (2026-12-02): position ids from a start past a 64-row
# table; a buffer bounding sequence by 64 and a slice needing sequence
# >= 100 (no sizes meet both); ids from -1, which wrap around the table
# (a lookup, not a run of its rows).
for name, start, folder in [("position-ids-past-table", 100, "hostile"),
                            ("position-ids-negative", -1, ".")]:
    save(helper.make_graph(
        [helper.make_node("Shape", ["x"], ["x_shape"], name="/pos/Shape"),
         helper.make_node("Gather", ["x_shape", "one"], ["sequence"], name="/pos/Gather", axis=0),
         helper.make_node("Add", ["sequence", "start"], ["end"], name="/pos/Add"),
         helper.make_node("Range", ["start", "end", "one"], ["ids"], name="/pos/Range"),
         helper.make_node("Gather", ["wpe", "ids"], ["pe"], name="/wpe/Gather", axis=0),
         helper.make_node("Add", ["x", "pe"], ["y"], name="/add/Add")],
        name.replace("-", "_"), [value("x", TensorProto.FLOAT, ["batch", "sequence", 4])],
        [value("y", TensorProto.FLOAT, ["batch", "sequence", 4])],
        [weight("wpe", 64, 4), ints("one", 1), ints("start", start)]),
        os.path.join(folder, name + ".onnx"))
save(helper.make_graph(
    [helper.make_node("Shape", ["x"], ["x_shape"], name="/s/Shape"),
     helper.make_node("Gather", ["x_shape", "axis1"], ["sequence"], name="/s/Gather", axis=0),
     helper.make_node("Unsqueeze", ["sequence", "zero"], ["sequence1"], name="/s/Unsqueeze"),
     helper.make_node("Slice", ["bias", "zero", "sequence1", "zero"], ["cut"], name="/bias/Slice"),
     helper.make_node("Add", ["x", "cut"], ["y0"], name="/add/Add"),
     helper.make_node("Slice", ["y0", "from", "end", "one"], ["y"], name="/tail/Slice")],
    "buffer_unsatisfiable", [value("x", TensorProto.FLOAT, ["batch", "sequence", 4])],
    [value("y", TensorProto.FLOAT, None)],
    [numpy_helper.from_array(np.zeros((64, 4), dtype=np.float32), "bias"), ints("one", [1]),
     ints("axis1", 1),
     ints("zero", [0]), ints("from", [99]), ints("end", [2**31 - 1])]),
    os.path.join("hostile", "buffer-unsatisfiable.onnx"))

# Attention with a cache and a mask (2026-12-02): the mask covers the
# cached keys and the new ones, [sequence, past + sequence], cut from a
# [64, 64] buffer of additive biases (named as Hugging Face names its
# causal mask buffers, so it is not a parameter) by sizes the graph reads
# off the shapes; its first past columns apply to the cached block.
save(helper.make_graph(
    [helper.make_node("Shape", ["q"], ["q_shape"], name="/mask/ShapeQ"),
     helper.make_node("Gather", ["q_shape", "two"], ["sequence"], name="/mask/GatherQ", axis=0),
     helper.make_node("Shape", ["past_key"], ["past_shape"], name="/mask/ShapePast"),
     helper.make_node("Gather", ["past_shape", "two"], ["past"], name="/mask/GatherPast", axis=0),
     helper.make_node("Add", ["past", "sequence"], ["total"], name="/mask/Add"),
     helper.make_node("Concat", ["sequence", "total"], ["ends"], name="/mask/Concat", axis=0),
     helper.make_node("Slice", ["causal_mask", "zeros", "ends", "axes"], ["m"], name="/mask/Slice"),
     helper.make_node("Attention", ["q", "k", "v", "m", "past_key", "past_value"],
                      ["y", "present_key", "present_value"], name="/attn/Attention",
                      is_causal=1)],
    "attention_past_mask", attention_past_inputs, attention_past_outputs,
    [numpy_helper.from_array(np.random.default_rng(7).standard_normal((64, 64)).astype(np.float32),
                             "causal_mask"),
     ints("two", [2]), ints("zeros", [0, 0]), ints("axes", [0, 1])]),
    "attention-past-mask.onnx", opset=23)

# Review finding (2026-12-02): a mask of one column broadcasts along the
# keys, with or without a cache (it was cut into past and sequence
# columns it does not have).
save(helper.make_graph(
    [helper.make_node("Attention", ["q", "k", "v", "m", "past_key", "past_value"],
                      ["y", "present_key", "present_value"], name="/attn/Attention")],
    "attention_past_mask_column",
    attention_past_inputs + [value("m", TensorProto.FLOAT, ["batch", 1, "sequence", 1])],
    attention_past_outputs), "attention-past-mask-column.onnx", opset=23)
save(helper.make_graph(
    [helper.make_node("Attention", ["q", "k", "v", "m"], ["y"], name="/attn/Attention")],
    "attention_mask_column",
    attention_past_inputs[:3] + [value("m", TensorProto.FLOAT, ["sequence", 1])],
    attention_past_outputs[:1]), "attention-mask-column.onnx", opset=23)
