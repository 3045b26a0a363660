// 64·n FLOPs (one multiplication per element of an [n, 64] input): equal
// to square-map.mlir's at n = 64 (compare.test).
nn.model @linear(%x: !nn.seq<[n, 64]>) symbols(n = 32) {
  %y = nn.map %x : !nn.seq<[n, 64]> -> !nn.seq<[n, 64]> {
  ^bb0(%a: f32):
    %m = arith.mulf %a, %a : f32
    nn.yield %m : f32
  }
  nn.output %y : !nn.seq<[n, 64]>
}
