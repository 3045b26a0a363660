// Products of many symbols are legal sizes; exact arithmetic has no overflow.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 2, d = 3) {
  %a = nn.ffn %x {hidden = d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d*d} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}
