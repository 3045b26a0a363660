// Stride equal to the length: one output position, ceil(n/n) = 1.
// 2·3·1·4·4 = 96 + bias 4 = 100 FLOPs; params 3·4·4 + 4 = 52.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.conv %x {kernel = 3, stride = n} : !nn.seq<[b, n, d]> -> !nn.seq<[b, 1, d]>
  nn.output %y : !nn.seq<[b, 1, d]>
}
