// 'h' is not declared.
nn.model @bad(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  %a = nn.attention %x {heads = h} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}
