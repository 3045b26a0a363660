nn.model @stack(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  %y = nn.repeat<2>(%h = %x) : !nn.seq<[b, n, d]> {
    %a = nn.add %h, %h : !nn.seq<[b, n, d]>
    nn.yield %a : !nn.seq<[b, n, d]>
  }
  nn.output %y : !nn.seq<[b, n, d]>
}

nn.model @top(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 2, d = 3) {
  %y = nn.call @stack(%x) : (!nn.seq<[b, n, d]>) -> !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}
