// A size expression cut short.
nn.model @bad(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  %a = nn.ffn %x {hidden = 4 *} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}
