// A stride of s - s = 0 written symbolically.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4, s = 2) {
  %y = nn.conv %x {kernel = 3, stride = s - s} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
