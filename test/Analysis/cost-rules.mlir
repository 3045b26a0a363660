// RUN: costopt-opt %s --pass-pipeline='builtin.module(nn.model(costopt-annotate-costs))' | FileCheck %s
// RUN: costopt-opt %s --pass-pipeline='builtin.module(nn.model(costopt-annotate-costs{mode=train}))' | FileCheck %s --check-prefix=TRAIN
// RUN: costopt-opt %s --pass-pipeline='builtin.module(nn.model(costopt-annotate-costs{mode=backward}))' | FileCheck %s --check-prefix=BACKWARD

// The exact formula of every op. Conventions: docs/CountingConventions.md.

// CHECK-LABEL: nn.model @attention
nn.model @attention(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, h, g, r)
    where (d mod h == 0, h mod g == 0, g <= h, r <= n) {
  // Full: 4 projections 8·b·n·d², biases 4·b·n·d, QKᵀ and AV 2·b·n²·d each,
  // softmax 4 per score.
  // CHECK: nn.attention
  // CHECK-SAME: costopt.core = "4*b*d*n^2"
  // CHECK-SAME: costopt.flops = "8*b*d^2*n + 4*b*d*n^2 + 4*b*h*n^2 + 4*b*d*n"
  // CHECK-SAME: costopt.kv_cache = "2*b*d*n"
  // CHECK-SAME: costopt.params = "4*d^2 + 4*d"
  // CHECK-SAME: costopt.workspace = "b*h*n^2"
  // TRAIN: nn.attention
  // TRAIN-SAME: costopt.flops = "24*b*d^2*n + 12*b*d*n^2 + 8*b*h*n^2 + 8*b*d*n"
  %full = nn.attention %x {heads = h} : !nn.seq<[b, n, d]>
  // Causal: n(n+1)/2 scored pairs per head, exactly.
  // CHECK: nn.attention
  // CHECK-SAME: costopt.core = "2*b*d*n^2 + 2*b*d*n"
  // CHECK-SAME: costopt.flops = "8*b*d^2*n + 2*b*d*n^2 + 2*b*h*n^2 + 6*b*d*n + 2*b*h*n"
  %causal = nn.attention %full {heads = h, causal} : !nn.seq<[b, n, d]>
  // Causal window r <= n: query t scores min(t+1, r) keys, r·n − r(r−1)/2 in all;
  // grouped K/V projections shrink by g/h; flash keeps no score matrix.
  // CHECK: nn.attention
  // CHECK-SAME: costopt.core = "4*b*d*n*r - 2*b*d*r^2 + 2*b*d*r"
  // CHECK-SAME: costopt.flops = "4*b*d^2*g*n/h + 4*b*d^2*n + 4*b*d*n*r + 4*b*h*n*r - 2*b*d*r^2 - 2*b*h*r^2 + 2*b*d*r + 2*b*h*r"
  // CHECK-SAME: costopt.kv_cache = "2*b*d*g*r/h"
  // CHECK-NOT: costopt.workspace
  // CHECK-SAME: no_bias
  %window = nn.attention %causal {heads = h, kv_heads = g, window = r, causal, flash, no_bias} : !nn.seq<[b, n, d]>
  // Linear attention: φ(K)ᵀV and φ(Q)(φ(K)ᵀV) cost 2·n·dk² per head each;
  // the normaliser's ε is 1 per position and head.
  // CHECK: nn.attention
  // CHECK-SAME: costopt.core = "4*b*d^2*n/h"
  // CHECK-SAME: costopt.flops = "8*b*d^2*n + 4*b*d^2*n/h + 6*b*d*n + b*h*n"
  // CHECK-SAME: costopt.kv_cache = "b*d^2/h + b*d"
  %linear = nn.attention %window {heads = h, kind = "linear", feature_map = "relu", no_bias} : !nn.seq<[b, n, d]>
  nn.output %linear : !nn.seq<[b, n, d]>
}

// FlashAttention recomputes QKᵀ and the softmax in its backward pass. Causal,
// no biases, S = n(n+1)/2 pairs per head, h·dk = d:
//   projections 8·b·n·d²; QKᵀ = AV = 2·b·h·S·dk = b·d·n² + b·d·n;
//   softmax 4·b·h·S = 2·b·h·n² + 2·b·h·n.
// Forward (both): 8·b·d²·n + 2·b·d·n² + 2·b·h·n² + 2·b·d·n + 2·b·h·n.
// Backward, plain: matmuls ×2, softmax ×1:
//   16·b·d²·n + 4·b·d·n² + 2·b·h·n² + 4·b·d·n + 2·b·h·n.
// Backward, flash: + QKᵀ again (b·d·n² + b·d·n) + softmax again
//   (2·b·h·n² + 2·b·h·n): 16·b·d²·n + 5·b·d·n² + 4·b·h·n² + 5·b·d·n + 4·b·h·n;
//   its QKᵀ/AV matmuls are 5·(b·d·n² + b·d·n), 2.5 × the forward's two.
// Train = forward + backward.
// CHECK-LABEL: nn.model @flash
// BACKWARD-LABEL: nn.model @flash
// TRAIN-LABEL: nn.model @flash
nn.model @flash(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, h) where (d mod h == 0) {
  // CHECK: nn.attention
  // CHECK-SAME: costopt.flops = "8*b*d^2*n + 2*b*d*n^2 + 2*b*h*n^2 + 2*b*d*n + 2*b*h*n"
  // BACKWARD: nn.attention
  // BACKWARD-SAME: costopt.flops = "16*b*d^2*n + 4*b*d*n^2 + 2*b*h*n^2 + 4*b*d*n + 2*b*h*n"
  // TRAIN: nn.attention
  // TRAIN-SAME: costopt.flops = "24*b*d^2*n + 6*b*d*n^2 + 4*b*h*n^2 + 6*b*d*n + 4*b*h*n"
  %plain = nn.attention %x {heads = h, causal, no_bias} : !nn.seq<[b, n, d]>
  // CHECK: nn.attention
  // CHECK-SAME: costopt.flops = "8*b*d^2*n + 2*b*d*n^2 + 2*b*h*n^2 + 2*b*d*n + 2*b*h*n"
  // BACKWARD: nn.attention
  // BACKWARD-SAME: costopt.flops = "16*b*d^2*n + 5*b*d*n^2 + 4*b*h*n^2 + 5*b*d*n + 4*b*h*n"
  // TRAIN: nn.attention
  // TRAIN-SAME: costopt.flops = "24*b*d^2*n + 7*b*d*n^2 + 6*b*h*n^2 + 7*b*d*n + 6*b*h*n"
  %flash = nn.attention %plain {heads = h, causal, flash, no_bias} : !nn.seq<[b, n, d]>
  nn.output %flash : !nn.seq<[b, n, d]>
}

// CHECK-LABEL: nn.model @cross
nn.model @cross(%y: !nn.seq<[b, m, d]>, %mem: !nn.seq<[b, n, e]>) symbols(b, n, m, d, e, h)
    where (d mod h == 0) {
  // Queries from m target positions, keys and values from n memory positions
  // of width e.
  // CHECK: nn.attention
  // CHECK-SAME: costopt.core = "4*b*d*m*n"
  // CHECK-SAME: costopt.flops = "4*b*d^2*m + 4*b*d*e*n + 4*b*d*m*n + 4*b*h*m*n + 2*b*d*m + 2*b*d*n"
  // CHECK-SAME: costopt.params = "2*d^2 + 2*d*e + 4*d"
  %c = nn.attention %y, %mem {heads = h} : !nn.seq<[b, m, d]>, !nn.seq<[b, n, e]>
  nn.output %c : !nn.seq<[b, m, d]>
}

// CHECK-LABEL: nn.model @dense
nn.model @dense(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, E) where (E >= 2) {
  // CHECK: nn.linear
  // CHECK-SAME: costopt.flops = "4*b*d^2*n + 2*b*d*n"
  // CHECK-SAME: costopt.params = "2*d^2 + 2*d"
  %l = nn.linear %x : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 2*d]>
  // CHECK: nn.linear
  // CHECK-SAME: costopt.flops = "4*b*d^2*n"
  // CHECK-SAME: costopt.params = "2*d^2"
  %p = nn.linear %l {no_bias} : !nn.seq<[b, n, 2*d]> -> !nn.seq<[b, n, d]>
  // Two d×4d matmuls, GELU (2 per element), biases 4d + d.
  // CHECK: nn.ffn
  // CHECK-SAME: costopt.flops = "16*b*d^2*n + 13*b*d*n"
  // CHECK-SAME: costopt.params = "8*d^2 + 5*d"
  %f = nn.ffn %p {hidden = 4*d, activation = "gelu"} : !nn.seq<[b, n, d]>
  // SwiGLU: three matrices, SiLU and the gate product.
  // CHECK: nn.ffn
  // CHECK-SAME: costopt.flops = "24*b*d^2*n + 12*b*d*n"
  // CHECK-SAME: costopt.params = "12*d^2"
  %g = nn.ffn %f {hidden = 4*d, activation = "silu", gated, no_bias} : !nn.seq<[b, n, d]>
  // Router d×E, top-2 experts per position, combine 2 per expert output.
  // CHECK: nn.moe
  // CHECK-SAME: costopt.flops = "2*E*b*d*n + 48*b*d^2*n + 3*E*b*n + 28*b*d*n"
  // CHECK-SAME: costopt.params = "12*E*d^2 + E*d"
  %m = nn.moe %g {experts = E, top_k = 2, hidden = 4*d, activation = "silu", gated, no_bias} : !nn.seq<[b, n, d]>
  // CHECK: nn.layer_norm
  // CHECK-SAME: costopt.flops = "7*b*d*n"
  // CHECK-SAME: costopt.params = "2*d"
  %n1 = nn.layer_norm %m : !nn.seq<[b, n, d]>
  // CHECK: nn.rms_norm
  // CHECK-SAME: costopt.flops = "4*b*d*n"
  // CHECK-SAME: costopt.params = "d"
  %n2 = nn.rms_norm %n1 : !nn.seq<[b, n, d]>
  // CHECK: nn.softmax
  // CHECK-SAME: costopt.flops = "3*b*d*n"
  %s = nn.softmax %n2 : !nn.seq<[b, n, d]>
  // CHECK: nn.activation
  // CHECK-SAME: costopt.flops = "b*d*n"
  %a = nn.activation %s {kind = "relu"} : !nn.seq<[b, n, d]>
  // CHECK: nn.add
  // CHECK-SAME: costopt.flops = "b*d*n"
  %r = nn.add %a, %x : !nn.seq<[b, n, d]>
  nn.output %r : !nn.seq<[b, n, d]>
}

// CHECK-LABEL: nn.model @embeddings
nn.model @embeddings(%t: !nn.tokens<[b, n]>) symbols(b, n, d, V) {
  // CHECK: nn.embedding
  // CHECK-SAME: costopt.flops = "0"
  // CHECK-SAME: costopt.params = "V*d"
  // TRAIN: nn.embedding
  // TRAIN-SAME: costopt.flops = "b*d*n"
  %e = nn.embedding %t {vocab = V} : !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>
  // CHECK: nn.positional
  // CHECK-SAME: costopt.flops = "b*d*n"
  // CHECK-SAME: costopt.params = "1024*d"
  %p = nn.positional %e {max_len = 1024} : !nn.seq<[b, n, d]>
  // Tied: the table is the embedding's; no parameters of its own.
  // CHECK: nn.unembedding
  // CHECK-SAME: costopt.flops = "2*V*b*d*n"
  // CHECK-SAME: costopt.params = "0"
  %l = nn.unembedding %p {vocab = V, tied} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, V]>
  nn.output %l : !nn.seq<[b, n, V]>
}

// CHECK-LABEL: nn.model @recurrence
nn.model @recurrence(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, H) {
  // Elman: input and recurrent d×H matmuls, two biases, tanh.
  // CHECK: nn.recurrent
  // CHECK-SAME: costopt.core = "2*H^2*b*n + 2*H*b*d*n"
  // CHECK-SAME: costopt.flops = "2*H^2*b*n + 2*H*b*d*n + 3*H*b*n"
  // CHECK-SAME: costopt.params = "H^2 + H*d + 2*H"
  %e = nn.recurrent %x {cell = "elman", hidden = H} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, H]>
  // LSTM, 2 layers: 4 gates; the second layer reads H.
  // CHECK: nn.recurrent
  // CHECK-SAME: costopt.core = "32*H^2*b*n"
  // CHECK-SAME: costopt.flops = "32*H^2*b*n + 34*H*b*n"
  // CHECK-SAME: costopt.kv_cache = "4*H*b"
  // CHECK-SAME: costopt.params = "16*H^2 + 16*H"
  %l = nn.recurrent %e {cell = "lstm", hidden = H, layers = 2} : !nn.seq<[b, n, H]>
  // Bidirectional GRU: 3 gates per direction.
  // CHECK: nn.recurrent
  // CHECK-SAME: costopt.flops = "24*H^2*b*n + 28*H*b*n"
  // CHECK-SAME: costopt.params = "12*H^2 + 12*H"
  %g = nn.recurrent %l {cell = "gru", hidden = H, bidirectional} : !nn.seq<[b, n, H]> -> !nn.seq<[b, n, 2*H]>
  nn.output %g : !nn.seq<[b, n, 2*H]>
}

// CHECK-LABEL: nn.model @convolution
nn.model @convolution(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, k) where (k >= 2, n >= 3, d mod 4 == 0) {
  // CHECK: nn.conv
  // CHECK-SAME: costopt.core = "2*b*d^2*k*n"
  // CHECK-SAME: costopt.params = "d^2*k + d"
  %c = nn.conv %x {kernel = k, causal} : !nn.seq<[b, n, d]>
  // Strided: ceil(n/2) outputs.
  // CHECK: nn.conv
  // CHECK-SAME: costopt.flops = "2*b*d^2*k*ceil(n/2) + b*d*ceil(n/2)"
  %s = nn.conv %c {kernel = k, stride = 2} : !nn.seq<[b, n, d]> -> !nn.seq<[b, ceil(n/2), d]>
  // Valid padding, kernel 3: n − 2 outputs; 4 groups: d/4 inputs per output.
  // CHECK: nn.conv
  // CHECK-SAME: costopt.flops = "3*b*d^2*n/2 + b*d*n - 3*b*d^2 - 2*b*d"
  // CHECK-SAME: costopt.params = "3*d^2/4 + d"
  %v = nn.conv %c {kernel = 3, groups = 4, padding = "valid"} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n - 2, d]>
  // Separable: depthwise k taps + pointwise d×d.
  // CHECK: nn.conv
  // CHECK-SAME: costopt.core = "2*b*d^2*n + 2*b*d*k*n"
  // CHECK-SAME: costopt.params = "d^2 + d*k + 2*d"
  %p = nn.conv %c {kernel = k, separable} : !nn.seq<[b, n, d]>
  // A dilation stack is one layer per dilation.
  // CHECK: nn.conv
  // CHECK-SAME: costopt.core = "12*b*d^2*n"
  // CHECK-SAME: costopt.kv_cache = "7*b*d"
  %w = nn.conv %p {kernel = 2, dilations = [1, 2, 4], causal} : !nn.seq<[b, n, d]>
  nn.output %w, %s, %v : !nn.seq<[b, n, d]>, !nn.seq<[b, ceil(n/2), d]>, !nn.seq<[b, n - 2, d]>
}

// A separable dilation stack written out holds, besides its input, a
// layer's depthwise output beside its output and, in the second layer, the
// first one's output too: 4·b·n·d with the input. Stored for backward: the
// input, the output, both depthwise outputs and the first layer's output.
// CHECK-LABEL: nn.model @convolution_memory
// CHECK-SAME: costopt.peak_activations = "4*b*d*n"
// TRAIN-LABEL: nn.model @convolution_memory
// TRAIN-SAME: costopt.peak_activations = "5*b*d*n"
nn.model @convolution_memory(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  %s = nn.conv %x {kernel = 3, dilations = [1, 2], separable} : !nn.seq<[b, n, d]>
  nn.output %s : !nn.seq<[b, n, d]>
}

// CHECK-LABEL: nn.model @mamba
nn.model @mamba(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) where (d mod 16 == 0) {
  // E = 2, N = 16, dt_rank = ceil(d/16) = d/16 here, conv kernel 4 (the
  // Mamba defaults).
  // CHECK: nn.ssm
  // CHECK-SAME: costopt.core = "256*b*d*n"
  // CHECK-SAME: costopt.flops = "25*b*d^2*n/2 + 420*b*d*n"
  // CHECK-SAME: costopt.kv_cache = "38*b*d"
  // CHECK-SAME: costopt.params = "25*d^2/4 + 110*d"
  %s = nn.ssm %x {state = 16} : !nn.seq<[b, n, d]>
  nn.output %s : !nn.seq<[b, n, d]>
}
