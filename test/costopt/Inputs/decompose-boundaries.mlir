// Both sides of the conditions for decomposing rotary attention, learned
// positions (emit.test) and recurrent stacks (decompose-recurrent.test).

// Rotary with an even head dimension stated: decomposes.
nn.model @rotary_even(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 32, h = 4) where (d mod h == 0, d mod (2*h) == 0) {
  %y = nn.attention %x {heads = h, causal, rotary} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// The same sizes, but nothing says the head dimension is even: stays a layer.
nn.model @rotary_unknown(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 32, h = 4) where (d mod h == 0) {
  %y = nn.attention %x {heads = h, causal, rotary} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// A learned table with exactly the sequence's rows: decomposes.
nn.model @learned_exact(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.positional %x {max_len = n} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// A longer table: the first n of P rows, a slice.
nn.model @learned_longer(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4, P = 16) where (n <= P) {
  %y = nn.positional %x {max_len = P} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// Recurrent stacks beyond 64 layers or of a symbolic count are an nn.repeat:
// of every layer where the input has the layers' width,
nn.model @stack_same_width(%x: !nn.seq<[b, n, d]>) symbols(b = 2, n = 8, d = 6, L = 3) {
  %y = nn.recurrent %x {cell = "lstm", hidden = d, layers = L, no_bias} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

// of the layers after the first where the model states L >= 2,
nn.model @stack_two_or_more(%x: !nn.seq<[b, n, d]>) symbols(b = 2, n = 8, d = 6, h = 4, L = 3) where (L >= 2) {
  %y = nn.recurrent %x {cell = "gru", hidden = h, layers = L, bidirectional} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 2*h]>
  nn.output %y : !nn.seq<[b, n, 2*h]>
}

// and not where it does not (the repeat of L - 1 would run at least once).
nn.model @stack_one_or_more(%x: !nn.seq<[b, n, d]>) symbols(b = 2, n = 8, d = 6, h = 4, L = 3) {
  %y = nn.recurrent %x {cell = "gru", hidden = h, layers = L, bidirectional} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 2*h]>
  nn.output %y : !nn.seq<[b, n, 2*h]>
}

// 65 constant layers (one more than the 64 unrolled) of another width:
// the first, then a repeat of 64; 64 layers are unrolled.
nn.model @stack_sixty_five(%x: !nn.seq<[n, d]>) symbols(n = 8, d = 6, h = 5) {
  %y = nn.recurrent %x {cell = "elman", hidden = h, layers = 65} : !nn.seq<[n, d]> -> !nn.seq<[n, h]>
  nn.output %y : !nn.seq<[n, h]>
}
nn.model @stack_sixty_four(%x: !nn.seq<[n, d]>) symbols(n = 8, d = 6, h = 5) {
  %y = nn.recurrent %x {cell = "elman", hidden = h, layers = 64} : !nn.seq<[n, d]> -> !nn.seq<[n, h]>
  nn.output %y : !nn.seq<[n, h]>
}

// A bidirectional stack inside a repeat: of a constant count unrolled
// there, of a symbolic one a repeat inside the repeat.
nn.model @stack_constant_in_repeat(%x: !nn.seq<[n, d]>) symbols(n = 8, d = 6, M = 2) where (d mod 2 == 0) {
  %r = nn.repeat<M>(%h = %x) : !nn.seq<[n, d]> {
    %y = nn.recurrent %h {cell = "gru", hidden = d/2, layers = 3, bidirectional} : !nn.seq<[n, d]>
    nn.yield %y : !nn.seq<[n, d]>
  }
  nn.output %r : !nn.seq<[n, d]>
}
nn.model @stack_in_repeat(%x: !nn.seq<[n, d]>) symbols(n = 8, d = 6, L = 2, M = 2) where (L >= 2, d mod 2 == 0) {
  %r = nn.repeat<M>(%h = %x) : !nn.seq<[n, d]> {
    %y = nn.recurrent %h {cell = "gru", hidden = d/2, layers = L, bidirectional} : !nn.seq<[n, d]>
    nn.yield %y : !nn.seq<[n, d]>
  }
  nn.output %r : !nn.seq<[n, d]>
}
