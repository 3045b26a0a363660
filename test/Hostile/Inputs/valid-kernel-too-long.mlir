// A "valid" convolution of 16 taps over 8 positions leaves 8 - 16 + 1 < 1 outputs.
nn.model @m(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 8, d = 4) where (n >= 16) {
  %y = nn.conv %x {kernel = 16, padding = "valid"} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n - 15, d]>
  nn.output %y : !nn.seq<[b, n - 15, d]>
}
