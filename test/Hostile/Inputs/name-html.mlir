// A model name that is HTML.
nn.model @"</h2><script>alert(1)</script>"(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.layer_norm %x : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
