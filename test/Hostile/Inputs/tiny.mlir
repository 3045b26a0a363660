// A small valid model for the command-line and output cases.
nn.model @tiny(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4, h = 2) where (d mod h == 0) {
  %y = nn.attention %x {heads = h, causal} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
