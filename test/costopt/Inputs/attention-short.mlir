// Table 1's self-attention layer for sequences of at most 64 positions
// (compare.test: a crossing with the recurrent layer beyond the range).
nn.model @attn(%x: !nn.seq<[n, d]>) symbols(n = 64, d = 512) where (n <= 64) {
  %y = nn.attention %x {heads = 1} : !nn.seq<[n, d]>
  nn.output %y : !nn.seq<[n, d]>
}
