// A slice as long as the sequence: a view, 0 FLOPs, 0 params.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.slice %x {length = n} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
