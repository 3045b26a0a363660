// kernel = k with the default k = 1 and no constraint on k: legal.
// FLOPs 2·k·n·d² + n·d = 288 at k = 1; params 20.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4, k = 1) {
  %y = nn.conv %x {kernel = k, causal} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
