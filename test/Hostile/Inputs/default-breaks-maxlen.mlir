// A learned position table of 512 rows read at n = 1024 positions.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 1024, d = 4, P = 512) {
  %y = nn.positional %x {max_len = P} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
