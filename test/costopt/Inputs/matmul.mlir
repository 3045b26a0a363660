// A dynamic-shape matrix product: the CPU schedule packs, tiles and
// vectorizes it (cpu-schedule.test, docs/Lowering.md "CPU schedule").
nn.model @matmul(%a: !nn.tensor<[m, k]>, %b: !nn.tensor<[k, n]>) symbols(m = 64, k = 64, n = 64) {
  %c = nn.contract %a, %b {indexing_maps = [affine_map<(i, j, p) -> (i, p)>, affine_map<(i, j, p) -> (p, j)>, affine_map<(i, j, p) -> (i, j)>]} : !nn.tensor<[m, k]>, !nn.tensor<[k, n]> -> !nn.tensor<[m, n]>
  nn.output %c : !nn.tensor<[m, n]>
}
