// RUN: costopt-opt %s | FileCheck %s
// RUN: costopt-opt %s | costopt-opt | FileCheck %s
// RUN: costopt-opt %s --mlir-print-op-generic | costopt-opt | FileCheck %s

// Every op and type of the nn dialect, printed and parsed back.

// CHECK-LABEL: nn.model @all_layers(
// CHECK-SAME: %[[T:.+]]: !nn.tokens<[b, n]>)
// CHECK-SAME: symbols(b, n, d = 512, h = 8, g, V, L, k, r, E)
// CHECK-SAME: where (d mod h == 0, h mod g == 0, k >= 2, g <= h, E >= 2, n >= 3)
nn.model @all_layers(%t: !nn.tokens<[b, n]>)
    symbols(b, n, d = 512, h = 8, g, V, L, k, r, E)
    where (d mod h == 0, h mod g == 0, k >= 2, g <= h, E >= 2, n >= 3) {
  // CHECK: %[[E:.+]] = nn.embedding %[[T]] {vocab = V} : !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>
  %e = nn.embedding %t {vocab = V} : !nn.tokens<[b, n]> -> !nn.seq<[b, n, d]>
  // CHECK: nn.positional %[[E]] {max_len = 2048} : !nn.seq<[b, n, d]>
  %p = nn.positional %e {max_len = 2048} : !nn.seq<[b, n, d]>
  // CHECK: nn.positional %{{.+}} {kind = "sinusoidal"} : !nn.seq<[b, n, d]>
  %s = nn.positional %p {kind = "sinusoidal"} : !nn.seq<[b, n, d]>
  // CHECK: %[[Y:.+]] = nn.repeat<L>(%[[H:.+]] = %{{.+}}) : !nn.seq<[b, n, d]> {
  %y = nn.repeat<L>(%h0 = %s) : !nn.seq<[b, n, d]> {
    // CHECK: nn.attention %[[H]] {causal, heads = h} : !nn.seq<[b, n, d]>
    %a = nn.attention %h0 {heads = h, causal} : !nn.seq<[b, n, d]>
    // CHECK: nn.attention %{{.+}} {flash, heads = h, kv_heads = g, rotary, window = r}
    %w = nn.attention %a {heads = h, kv_heads = g, window = r, flash, rotary} : !nn.seq<[b, n, d]>
    // CHECK: nn.attention %{{.+}} {feature_map = "relu", heads = h, kind = "linear", no_bias}
    %l = nn.attention %w {heads = h, kind = "linear", feature_map = "relu", no_bias} : !nn.seq<[b, n, d]>
    // CHECK: nn.add %[[H]], %{{.+}} : !nn.seq<[b, n, d]>
    %r = nn.add %h0, %l : !nn.seq<[b, n, d]>
    // CHECK: nn.layer_norm %{{.+}} : !nn.seq<[b, n, d]>
    %n1 = nn.layer_norm %r : !nn.seq<[b, n, d]>
    // CHECK: nn.rms_norm %{{.+}} : !nn.seq<[b, n, d]>
    %n2 = nn.rms_norm %n1 : !nn.seq<[b, n, d]>
    // CHECK: nn.ffn %{{.+}} {hidden = 4*d} : !nn.seq<[b, n, d]>
    %f = nn.ffn %n2 {hidden = 4 * d, activation = "relu"} : !nn.seq<[b, n, d]>
    // CHECK: nn.ffn %{{.+}} {activation = "silu", gated, hidden = 8*d/h, no_bias}
    %gf = nn.ffn %f {hidden = 8*d/h, activation = "silu", gated, no_bias} : !nn.seq<[b, n, d]>
    // CHECK: nn.moe %{{.+}} {activation = "silu", experts = E, gated, hidden = 4*d, top_k = 2}
    %m = nn.moe %gf {experts = E, top_k = 2, hidden = 4*d, activation = "silu", gated} : !nn.seq<[b, n, d]>
    // CHECK: nn.ssm %{{.+}} {expand = 2, state = 16} : !nn.seq<[b, n, d]>
    %ss = nn.ssm %m {state = 16, expand = 2} : !nn.seq<[b, n, d]>
    // CHECK: nn.yield %{{.+}} : !nn.seq<[b, n, d]>
    nn.yield %ss : !nn.seq<[b, n, d]>
  }
  // CHECK: nn.linear %[[Y]] : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, d/h]>
  %hd = nn.linear %y : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, d/h]>
  // CHECK: nn.linear %{{.+}} {no_bias} : !nn.seq<[b, n, d/h]> -> !nn.seq<[b, n, d]>
  %back = nn.linear %hd {no_bias} : !nn.seq<[b, n, d/h]> -> !nn.seq<[b, n, d]>
  // CHECK: nn.recurrent %{{.+}} {bidirectional, cell = "lstm", hidden = d, layers = 2} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 2*d]>
  %rnn = nn.recurrent %back {cell = "lstm", hidden = d, layers = 2, bidirectional} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 2*d]>
  // CHECK: nn.recurrent %{{.+}} {cell = "gru", hidden = d} : !nn.seq<[b, n, 2*d]> -> !nn.seq<[b, n, d]>
  %gru = nn.recurrent %rnn {cell = "gru", hidden = d} : !nn.seq<[b, n, 2*d]> -> !nn.seq<[b, n, d]>
  // CHECK: nn.conv %{{.+}} {causal, kernel = k} : !nn.seq<[b, n, d]>
  %c1 = nn.conv %gru {kernel = k, causal} : !nn.seq<[b, n, d]>
  // CHECK: nn.conv %{{.+}} {dilations = [1, 2, 4, 8], kernel = 2} : !nn.seq<[b, n, d]>
  %c2 = nn.conv %c1 {kernel = 2, dilations = [1, 2, 4, 8]} : !nn.seq<[b, n, d]>
  // CHECK: nn.conv %{{.+}} {kernel = k, stride = 2} : !nn.seq<[b, n, d]> -> !nn.seq<[b, ceil(n/2), d]>
  %c3 = nn.conv %c2 {kernel = k, stride = 2} : !nn.seq<[b, n, d]> -> !nn.seq<[b, ceil(n/2), d]>
  // CHECK: nn.conv %{{.+}} {kernel = k, separable} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 2*d]>
  %c4 = nn.conv %c2 {kernel = k, separable} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 2*d]>
  // One group divides any width, d/h included.
  // CHECK: nn.conv %{{.+}} {kernel = 3, separable} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, d/h]>
  %c7 = nn.conv %c2 {kernel = 3, separable} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, d/h]>
  // CHECK: nn.conv %{{.+}} {depthwise, kernel = k} : !nn.seq<[b, n, 2*d]>
  %c5 = nn.conv %c4 {kernel = k, depthwise} : !nn.seq<[b, n, 2*d]>
  // CHECK: nn.conv %{{.+}} {groups = h, kernel = 3, padding = "valid"} : !nn.seq<[b, n, 2*d]> -> !nn.seq<[b, n - 2, d]>
  %c6 = nn.conv %c5 {kernel = 3, groups = h, padding = "valid"} : !nn.seq<[b, n, 2*d]> -> !nn.seq<[b, n - 2, d]>
  // CHECK: nn.activation %{{.+}} {kind = "gelu"}
  %act = nn.activation %c2 {kind = "gelu"} : !nn.seq<[b, n, d]>
  // CHECK: nn.softmax %{{.+}} : !nn.seq<[b, n, d]>
  %sm = nn.softmax %act : !nn.seq<[b, n, d]>
  // CHECK: nn.attention %{{.+}}, %{{.+}} {heads = h} : !nn.seq<[b, n, d]>, !nn.seq<[b, ceil(n/2), d]>{{$}}
  %x = nn.attention %sm, %c3 {heads = h} : !nn.seq<[b, n, d]>, !nn.seq<[b, ceil(n/2), d]> -> !nn.seq<[b, n, d]>
  // CHECK: nn.unembedding %{{.+}} {tied, vocab = V} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, V]>
  %logits = nn.unembedding %x {vocab = V, tied} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, V]>
  // CHECK: nn.output %{{.+}}, %{{.+}} : !nn.seq<[b, n, V]>, !nn.seq<[b, n - 2, d]>
  nn.output %logits, %c6 : !nn.seq<[b, n, V]>, !nn.seq<[b, n - 2, d]>
}

// A model with no symbols and no inputs is legal (and costs nothing).
// CHECK-LABEL: nn.model @empty() symbols() {
// CHECK-NEXT: nn.output
nn.model @empty() symbols() {
  nn.output
}

// Sizes are canonical: equal expressions print identically.
// CHECK-LABEL: nn.model @canonical
// CHECK: !nn.seq<[b, n, 2*d*d + d]>
nn.model @canonical(%x: !nn.seq<[b, n, d + d*d*2]>) symbols(b, n, d) {
  nn.output %x : !nn.seq<[b, n, 2*d*d + d]>
}
