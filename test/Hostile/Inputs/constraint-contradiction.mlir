// No value of n satisfies both: the verifier could then "prove" anything.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n, d = 4) where (n < 2, n > 5) {
  %y = nn.layer_norm %x : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
