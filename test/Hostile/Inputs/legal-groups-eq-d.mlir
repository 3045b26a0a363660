// groups = channels (depthwise by hand), kernel 3, n = 8, d = 4:
// taps 2·3·8·1·4 = 192, bias 32: 224 FLOPs; params 3·1·4 + 4 = 16.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) where (d mod 4 == 0) {
  %y = nn.conv %x {kernel = 3, groups = 4} : !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
