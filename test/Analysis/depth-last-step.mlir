// RUN: costopt-opt %s --split-input-file --pass-pipeline='builtin.module(nn.model(costopt-annotate-costs))' | FileCheck %s

// The last state of a recurrence (an RNN classifier's input, ONNX's Y_h)
// has no position axis, yet it waits for every step: n steps deep, and the
// path from the first position to it runs along all n of them. (It once
// read as depth 1: the positions were dropped before their depths were.)
// CHECK-LABEL: nn.model @last_state
// CHECK-SAME: costopt.max_path_length = "n"
// CHECK-SAME: costopt.sequential_depth = "n + 1"
nn.model @last_state(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  %w = nn.param : !nn.tensor<[d, d]>
  %h0 = nn.constant : !nn.tensor<[b, d]>
  %hs = nn.recur (%x) init (%h0) : (!nn.seq<[b, n, d]>) init (!nn.tensor<[b, d]>) -> !nn.seq<[b, n, d]> {
  ^bb0(%xt: !nn.tensor<[b, d]>, %h: !nn.tensor<[b, d]>):
    %z = nn.contract %h, %w, %xt {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>]} : !nn.tensor<[b, d]>, !nn.tensor<[d, d]>, !nn.tensor<[b, d]> -> !nn.tensor<[b, d]>
    %hn = nn.map %z : !nn.tensor<[b, d]> -> !nn.tensor<[b, d]> {
    ^bb0(%a: f32):
      %t = math.tanh %a : f32
      nn.yield %t : f32
    }
    nn.yield %hn : !nn.tensor<[b, d]>
  }
  %last = nn.extract %hs {dim = 1, offset = n - 1} : !nn.seq<[b, n, d]> -> !nn.tensor<[b, 1, d]>
  nn.output %last : !nn.tensor<[b, 1, d]>
}

// -----

// The sequences themselves, for comparison: position n - 1 is n steps deep.
// CHECK-LABEL: nn.model @all_states
// CHECK-SAME: costopt.max_path_length = "n"
// CHECK-SAME: costopt.sequential_depth = "n"
nn.model @all_states(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  %w = nn.param : !nn.tensor<[d, d]>
  %h0 = nn.constant : !nn.tensor<[b, d]>
  %hs = nn.recur (%x) init (%h0) : (!nn.seq<[b, n, d]>) init (!nn.tensor<[b, d]>) -> !nn.seq<[b, n, d]> {
  ^bb0(%xt: !nn.tensor<[b, d]>, %h: !nn.tensor<[b, d]>):
    %z = nn.contract %h, %w, %xt {indexing_maps = [affine_map<(i, j, k) -> (i, k)>, affine_map<(i, j, k) -> (k, j)>, affine_map<(i, j, k) -> (i, j)>]} : !nn.tensor<[b, d]>, !nn.tensor<[d, d]>, !nn.tensor<[b, d]> -> !nn.tensor<[b, d]>
    %hn = nn.map %z : !nn.tensor<[b, d]> -> !nn.tensor<[b, d]> {
    ^bb0(%a: f32):
      %t = math.tanh %a : f32
      nn.yield %t : f32
    }
    nn.yield %hn : !nn.tensor<[b, d]>
  }
  nn.output %hs : !nn.seq<[b, n, d]>
}
