// The two sides of the conditions under which rotary attention and learned
// positions decompose (decompose-boundaries in emit.test).

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
