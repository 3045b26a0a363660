// 'causal = false' must not mean causal, nor be silently dropped.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.attention %x {heads = 1, causal = false} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
