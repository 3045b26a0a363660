// A layer that calls another: both become one block at the call site.
nn.model @proj(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, e) {
  %w = nn.param : !nn.tensor<[d, e]>
  %y = nn.contract %x, %w {indexing_maps = [affine_map<(b, n, c, f) -> (b, n, c)>, affine_map<(b, n, c, f) -> (c, f)>, affine_map<(b, n, c, f) -> (b, n, f)>]} : !nn.seq<[b, n, d]>, !nn.tensor<[d, e]> -> !nn.seq<[b, n, e]>
  nn.output %y : !nn.seq<[b, n, e]>
}

nn.model @bottleneck(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, r) where (d mod r == 0) {
  %down = nn.call @proj(%x) {e = d/r} : (!nn.seq<[b, n, d]>) -> !nn.seq<[b, n, d/r]>
  %up = nn.call @proj(%down) {e = d} : (!nn.seq<[b, n, d/r]>) -> !nn.seq<[b, n, d]>
  nn.output %up : !nn.seq<[b, n, d]>
}

nn.model @adapters(%x: !nn.seq<[b, n, d]>) symbols(b = 2, n = 128, d = 768, L = 12) where (d mod 16 == 0) {
  %y = nn.repeat<L>(%h = %x) : !nn.seq<[b, n, d]> {
    %a = nn.call @bottleneck(%h) {r = 16} : (!nn.seq<[b, n, d]>) -> !nn.seq<[b, n, d]>
    %s = nn.add %h, %a : !nn.seq<[b, n, d]>
    nn.yield %s : !nn.seq<[b, n, d]>
  }
  nn.output %y : !nn.seq<[b, n, d]>
}
