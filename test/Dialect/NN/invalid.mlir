// RUN: costopt-opt %s -split-input-file -verify-diagnostics

// Every verifier and parser error of the nn dialect.

nn.model @undeclared(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{uses undeclared symbol 'h'; declare it in the model's symbols(...)}}
  %a = nn.attention %x {heads = h} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

// expected-error @+1 {{uses undeclared symbol 'm'}}
nn.model @undeclared_input(%x: !nn.seq<[b, m, d]>) symbols(b, n, d) {
  nn.output %x : !nn.seq<[b, m, d]>
}

// -----

// expected-error @+1 {{uses undeclared symbol 'q'}}
nn.model @undeclared_in_constraint() symbols(n) where (n >= q) {
  nn.output
}

// -----

nn.model @negative_kernel(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{'kernel' must be at least 1, got -3}}
  %c = nn.conv %x {kernel = -3} : !nn.seq<[b, n, d]>
  nn.output %c : !nn.seq<[b, n, d]>
}

// -----

nn.model @zero_heads(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{'heads' must be at least 1, got 0}}
  %a = nn.attention %x {heads = 0} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @unprovable_size(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, k) {
  // expected-error @+1 {{cannot prove 'window' n - k >= 1; constrain the symbols}}
  %a = nn.attention %x {heads = 1, window = n - k} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @heads_must_divide(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, h) {
  // expected-error @+1 {{cannot prove that heads h divides width d; add 'd mod h == 0' to the model's where clause}}
  %a = nn.attention %x {heads = h} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @heads_constant(%x: !nn.seq<[b, n, 10]>) symbols(b, n) {
  // expected-error @+1 {{heads 4 does not divide width 10}}
  %a = nn.attention %x {heads = 4} : !nn.seq<[b, n, 10]>
  nn.output %a : !nn.seq<[b, n, 10]>
}

// -----

nn.model @kv_heads(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, h, g) where (d mod h == 0) {
  // expected-error @+1 {{cannot prove kv_heads g <= heads h}}
  %a = nn.attention %x {heads = h, kv_heads = g} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @causal_cross(%x: !nn.seq<[b, n, d]>, %m: !nn.seq<[b, m, d]>) symbols(b, n, m, d) {
  // expected-error @+1 {{a causal mask needs self-attention}}
  %a = nn.attention %x, %m {heads = 1, causal} : !nn.seq<[b, n, d]>, !nn.seq<[b, m, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @cross_batch(%x: !nn.seq<[b, n, d]>, %m: !nn.seq<[c, m, d]>) symbols(b, c, n, m, d) {
  // expected-error @+1 {{result dimension 0 is c but input dimension 0 is b}}
  %a = nn.attention %x, %m {heads = 1} : !nn.seq<[b, n, d]>, !nn.seq<[c, m, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @linear_flash(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{'window' and 'flash' apply to softmax attention only}}
  %a = nn.attention %x {heads = 1, kind = "linear", flash} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @attention_kind(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{unknown attention kind 'sparse'; expected one of "softmax", "linear"}}
  %a = nn.attention %x {heads = 1, kind = "sparse"} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @feature_map(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{unknown feature map 'cosine'}}
  %a = nn.attention %x {heads = 1, kind = "linear", feature_map = "cosine"} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @attention_rank(%x: !nn.seq<[d]>) symbols(d) {
  // expected-error @+1 {{expects a [..., n, d] tensor of rank >= 2, got rank 1}}
  %a = nn.attention %x {heads = 1} : !nn.seq<[d]>
  nn.output %a : !nn.seq<[d]>
}

// -----

nn.model @mismatched_dims(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{all of {input, result} have same type}}
  %a = nn.ffn %x {hidden = d} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 2*d]>
  nn.output %a : !nn.seq<[b, n, 2*d]>
}

// -----

nn.model @add_mismatch(%x: !nn.seq<[b, n, d]>, %y: !nn.seq<[b, n, e]>) symbols(b, n, d, e) {
  // expected-error @+1 {{all of {input, other, result} have same type}}
  %a = nn.add %x, %y : !nn.seq<[b, n, d]>, !nn.seq<[b, n, e]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @activation(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{unknown activation 'swishy'; expected one of "relu", "gelu", "gelu_tanh", "quick_gelu", "silu", "swish", "tanh", "sigmoid"}}
  %a = nn.ffn %x {hidden = d, activation = "swishy"} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @activation_op(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{unknown activation 'step'}}
  %a = nn.activation %x {kind = "step"} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @moe_topk(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{top_k 4 exceeds experts 2}}
  %a = nn.moe %x {experts = 2, top_k = 4, hidden = d} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @moe_unprovable(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, E, K) {
  // expected-error @+1 {{cannot prove top_k K <= experts E}}
  %a = nn.moe %x {experts = E, top_k = K, hidden = d} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @rnn_cell(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{unknown cell 'transformer'; expected one of "elman", "lstm", "gru"}}
  %a = nn.recurrent %x {cell = "transformer", hidden = d} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @rnn_width(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{result width is d but must be 2*d}}
  %a = nn.recurrent %x {cell = "lstm", hidden = d, bidirectional} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @conv_length(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{result length is n but must be ceil(n/2)}}
  %a = nn.conv %x {kernel = 3, stride = 2} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @conv_both_dilations(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{give either 'dilation' or 'dilations', not both}}
  %a = nn.conv %x {kernel = 2, dilation = 2, dilations = [1, 2]} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @conv_groups(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, g) {
  // expected-error @+1 {{cannot prove that groups g divides input channels d}}
  %a = nn.conv %x {kernel = 2, groups = g} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @conv_valid_too_long(%x: !nn.seq<[b, 4, d]>) symbols(b, d) {
  // expected-error @+1 {{dimension must be at least 1, got -2}}
  %a = nn.conv %x {kernel = 7, padding = "valid"} : !nn.seq<[b, 4, d]> -> !nn.seq<[b, -2, d]>
  nn.output %a : !nn.seq<[b, -2, d]>
}

// -----

nn.model @conv_causal_valid(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{'causal' pads on the left; it excludes padding = "valid"}}
  %a = nn.conv %x {kernel = 2, causal, padding = "valid"} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n - 1, d]>
  nn.output %a : !nn.seq<[b, n - 1, d]>
}

// -----

nn.model @conv_depthwise_groups(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{'depthwise' fixes the groups}}
  %a = nn.conv %x {kernel = 2, depthwise, groups = 2} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @conv_separable_groups(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) where (d mod 2 == 0) {
  // expected-error @+1 {{'separable' is a depthwise then a pointwise convolution; it excludes 'groups'}}
  %a = nn.conv %x {kernel = 2, separable, groups = 2} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @conv_dilations_channels(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{a 'dilations' stack keeps the channels}}
  %a = nn.conv %x {kernel = 2, dilations = [1, 2]} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 2*d]>
  nn.output %a : !nn.seq<[b, n, 2*d]>
}

// -----

nn.model @positional(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{learned positions need 'max_len'}}
  %a = nn.positional %x : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @positional_kind(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{unknown positional encoding 'rotary'; expected one of "learned", "sinusoidal"}}
  %a = nn.positional %x {kind = "rotary"} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @positional_overflow(%x: !nn.seq<[b, 4096, d]>) symbols(b, d) {
  // expected-error @+1 {{sequence length 4096 exceeds max_len 1024}}
  %a = nn.positional %x {max_len = 1024} : !nn.seq<[b, 4096, d]>
  nn.output %a : !nn.seq<[b, 4096, d]>
}

// -----

nn.model @embedding(%t: !nn.tokens<[b, n]>) symbols(b, n, d, V) {
  // expected-error @+1 {{result dimension 1 is d but input dimension 1 is n}}
  %e = nn.embedding %t {vocab = V} : !nn.tokens<[b, n]> -> !nn.seq<[b, d, n]>
  nn.output %e : !nn.seq<[b, d, n]>
}

// -----

nn.model @unembedding(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, V) {
  // expected-error @+1 {{result width is d but must be V}}
  %e = nn.unembedding %x {vocab = V} : !nn.seq<[b, n, d]>
  nn.output %e : !nn.seq<[b, n, d]>
}

// -----

nn.model @linear_rank(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{result rank 2 does not match input rank 3}}
  %e = nn.linear %x : !nn.seq<[b, n, d]> -> !nn.seq<[n, d]>
  nn.output %e : !nn.seq<[n, d]>
}

// -----

nn.model @not_integral(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, h) {
  // expected-error @+1 {{dimension d/h is not provably an integer; add a divisibility constraint}}
  %e = nn.linear %x : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, d/h]>
  nn.output %e : !nn.seq<[b, n, d/h]>
}

// -----

nn.model @repeat_types(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, L) {
  %y = nn.repeat<L>(%h = %x) : !nn.seq<[b, n, d]> {
    %l = nn.linear %h : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 2*d]>
    // expected-error @+1 {{must yield the carried types}}
    nn.yield %l : !nn.seq<[b, n, 2*d]>
  }
  nn.output %y : !nn.seq<[b, n, d]>
}

// -----

nn.model @repeat_count(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{'count' must be at least 1, got 0}}
  %y = nn.repeat<0>(%h = %x) : !nn.seq<[b, n, d]> {
    nn.yield %h : !nn.seq<[b, n, d]>
  }
  nn.output %y : !nn.seq<[b, n, d]>
}

// -----

nn.model @no_output(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{block with no terminator}}
  %a = nn.layer_norm %x : !nn.seq<[b, n, d]>
}

// -----

// expected-error @+1 {{symbol 'n' is declared twice}}
nn.model @twice() symbols(n, n) {
  nn.output
}

// -----

// expected-error @+1 {{'ceil' is a reserved word and cannot name a symbol}}
nn.model @reserved() symbols(ceil) {
  nn.output
}

// -----

// expected-error @+1 {{equality constraints are not supported}}
nn.model @equality() symbols(d) where (d == 4) {
  nn.output
}

// -----

// An upper bound no sizes meet (n is at least 8, and n + d at least 9),
// written either way round, and one that fails at sizes of 1.
// expected-error @+1 {{constraint 'n + d <= 8': no sizes meet it: it fails already where the sizes are least (d = 1, n = 8)}}
nn.model @empty_domain() symbols(n, d) where (n + d <= 8, n >= 8) {
  nn.output
}

// -----

// expected-error @+1 {{constraint '8 - n - d >= 0': no sizes meet it: it fails already where the sizes are least (d = 1, n = 8)}}
nn.model @empty_domain_reversed() symbols(n, d) where (n >= 8, 8 - n - d >= 0) {
  nn.output
}

// -----

// expected-error @+1 {{constraint 'n + d < 2': no sizes meet it: it fails already where the sizes are least (d = 1, n = 1)}}
nn.model @empty_domain_strict() symbols(n, d) where (n + d < 2) {
  nn.output
}

// -----

// expected-error @+1 {{invalid constraint 'd % h == 1'}}
nn.model @bad_mod() symbols(d, h) where (d mod h == 1) {
  nn.output
}

// -----

nn.model @syntax(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{invalid size: expected an integer, a symbol, a function or '(', found end of input}}
  %a = nn.ffn %x {hidden = 4 *} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @inexact(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, k) {
  // expected-error @+1 {{invalid size: division by 'k - 1' is not exact}}
  %a = nn.ffn %x {hidden = n/(k - 1)} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @twice_attr(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{attribute 'hidden' is given twice}}
  %a = nn.ffn %x {hidden = d, hidden = d} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

nn.model @type_count(%x: !nn.seq<[b, n, d]>, %y: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  // expected-error @+1 {{2 operand(s) but 3 type(s)}}
  %a = nn.add %x, %y : !nn.seq<[b, n, d]>, !nn.seq<[b, n, d]>, !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// -----

// expected-error @+1 {{needs at least one dimension}}
nn.model @empty_shape(%x: !nn.seq<[]>) symbols() {
  nn.output
}
