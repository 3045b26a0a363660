// A "valid" convolution whose kernel is the whole sequence: one output position.
// 2·8·1·4·4 = 256 + bias 4 = 260 FLOPs; params 8·4·4 + 4 = 132.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.conv %x {kernel = n, padding = "valid"} : !nn.seq<[b, n, d]> -> !nn.seq<[b, 1, d]>
  nn.output %y : !nn.seq<[b, 1, d]>
}
