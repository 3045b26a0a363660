// RUN: not costopt-opt %s --split-input-file --pass-pipeline='builtin.module(nn.model(costopt-annotate-costs{mode=decode}))' 2>/dev/null | FileCheck %s
// RUN: not costopt-opt %s --split-input-file --pass-pipeline='builtin.module(nn.model(costopt-annotate-costs{mode=decode}))' 2>&1 >/dev/null | FileCheck %s --check-prefix=ERR

// One decoding step: the new token against the n cached keys and its own
// (n + 1 keys, as the reference implementations append before attending).
// Q, K, V and output projections for one position: 8·b·d²; biases 4·b·d;
// QKᵀ and AV 2·b·d·(n + 1) each; softmax 4·b·h·(n + 1).
// CHECK-LABEL: nn.model @causal_step
// CHECK-SAME: costopt.max_path_length = "1"
// CHECK-SAME: costopt.sequential_depth = "1"
nn.model @causal_step(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, h) where (d mod h == 0) {
  // CHECK: nn.attention
  // CHECK-SAME: costopt.core = "4*b*d*n + 4*b*d"
  // CHECK-SAME: costopt.flops = "8*b*d^2 + 4*b*d*n + 4*b*h*n + 8*b*d + 4*b*h"
  // CHECK-SAME: costopt.kv_cache = "2*b*d*n"
  // CHECK-SAME: costopt.workspace = "b*h*n + b*h"
  %a = nn.attention %x {heads = h, causal} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

// A window of r keys: the last min(r, n + 1) positions, exact on both sides
// of n = r.
// CHECK-LABEL: nn.model @window_step
nn.model @window_step(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, h, r) where (d mod h == 0) {
  // CHECK: nn.attention
  // CHECK-SAME: costopt.core = "4*b*d*min(r, n + 1)"
  // CHECK-SAME: costopt.kv_cache = "2*b*d*min(n, r)"
  %a = nn.attention %x {heads = h, window = r, causal} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

// A recurrence advances one step per layer: the step's depth is the layer
// count, not n.
// CHECK-LABEL: nn.model @lstm_step
// CHECK-SAME: costopt.sequential_depth = "2"
nn.model @lstm_step(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  %h = nn.recurrent %x {cell = "lstm", hidden = d, layers = 2} : !nn.seq<[b, n, d]>
  nn.output %h : !nn.seq<[b, n, d]>
}

// -----

// An encoder over the source (length m) runs once before decoding: a step
// computes nothing of it, while its weights still count.
// CHECK-LABEL: nn.model @encoder_decoder
// CHECK-SAME: costopt.total_params = "8*d^2 + 8*d"
nn.model @encoder_decoder(%src: !nn.seq<[b, m, d]>, %tgt: !nn.seq<[b, n, d]>)
    symbols(b, n, m, d, h) where (d mod h == 0) {
  // CHECK: nn.attention
  // CHECK-SAME: costopt.flops = "0"
  // CHECK-SAME: costopt.params = "4*d^2 + 4*d"
  %memory = nn.attention %src {heads = h} : !nn.seq<[b, m, d]>
  // CHECK: nn.attention
  // CHECK-SAME: costopt.flops = "4*b*d^2 + 4*b*d*m + 4*b*h*m + 2*b*d"
  %y = nn.attention %tgt, %memory {heads = h} : !nn.seq<[b, n, d]>, !nn.seq<[b, m, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// -----

// Layers that need later positions cannot be decoded one token at a time.
nn.model @bidirectional(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // ERR: decode.mlir:[[@LINE+1]]:8: error: 'nn.recurrent' cannot run one token at a time (--mode decode): its backward direction needs the whole sequence
  %h = nn.recurrent %x {cell = "gru", hidden = d, bidirectional} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 2*d]>
  nn.output %h : !nn.seq<[b, n, 2*d]>
}

// -----

nn.model @encoder_only(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, h) where (d mod h == 0) {
  // ERR: decode.mlir:[[@LINE+1]]:8: error: 'nn.attention' cannot run one token at a time (--mode decode): its attention is not causal: every position sees later ones
  %a = nn.attention %x {heads = h} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @centred_conv(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // ERR: decode.mlir:[[@LINE+1]]:8: error: 'nn.conv' cannot run one token at a time (--mode decode): its kernel is centred: each output reads later positions (use 'causal')
  %c = nn.conv %x {kernel = 3} : !nn.seq<[b, n, d]>
  nn.output %c : !nn.seq<[b, n, d]>
}
