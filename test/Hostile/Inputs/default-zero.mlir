// A default of 0: symbols are integers >= 1.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 0, d = 4) {
  %y = nn.layer_norm %x : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
