// n² FLOPs (one multiplication per element of an [n, n] input), for sizes
// up to 64 (compare.test: the crossing with linear-map.mlir at an end).
nn.model @square(%x: !nn.seq<[n, n]>) symbols(n = 32) where (n <= 64) {
  %y = nn.map %x : !nn.seq<[n, n]> -> !nn.seq<[n, n]> {
  ^bb0(%a: f32):
    %m = arith.mulf %a, %a : f32
    nn.yield %m : f32
  }
  nn.output %y : !nn.seq<[n, n]>
}
