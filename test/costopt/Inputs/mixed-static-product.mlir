// A product whose A has static sizes while B and C are dynamic, its loops
// in the order (summed, rows, columns): the rewrite into a 2-D product
// casts the operands to the sizes it knows, so the transposes and
// collapses agree on their types (cpu-schedule.test, MIXED).
#a = affine_map<(k, i, j) -> (i, k)>
#b = affine_map<(k, i, j) -> (k, j)>
#c = affine_map<(k, i, j) -> (i, j)>
func.func @mixed(%a: tensor<12x8xf32>, %b: tensor<?x?xf32>, %c: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %r = linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["reduction", "parallel", "parallel"]} ins(%a, %b : tensor<12x8xf32>, tensor<?x?xf32>) outs(%c : tensor<?x?xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %m = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }  -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}
