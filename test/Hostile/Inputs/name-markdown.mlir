// A model name with a newline, a heading and a table pipe.
nn.model @"m\0A## Injected | heading"(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.layer_norm %x : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
