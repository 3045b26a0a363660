// A stride of 0.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) {
  %y = nn.conv %x {kernel = 3, stride = 0} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
