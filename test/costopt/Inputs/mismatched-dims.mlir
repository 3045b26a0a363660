// A residual over tensors of different widths.
nn.model @bad(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  %p = nn.linear %x : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 2*d]>
  %a = nn.add %x, %p : !nn.seq<[b, n, d]>, !nn.seq<[b, n, 2*d]>
  nn.output %a : !nn.seq<[b, n, d]>
}
