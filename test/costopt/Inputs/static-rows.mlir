// Products with row counts fixed in the model: 384 rows divide the 192-row
// cache tile and its 6-row register tiles evenly, so there is no last
// partial tile to peel (cpu-schedule.test, STATIC); 12 rows of A against
// a dynamic B.
nn.model @static_rows(%a: !nn.tensor<[384, k]>, %b: !nn.tensor<[k, n]>, %x: !nn.tensor<[12, k]>) symbols(k = 8, n = 16) {
  %c = nn.contract %a, %b {indexing_maps = [affine_map<(i, j, p) -> (i, p)>, affine_map<(i, j, p) -> (p, j)>, affine_map<(i, j, p) -> (i, j)>]} : !nn.tensor<[384, k]>, !nn.tensor<[k, n]> -> !nn.tensor<[384, n]>
  %d = nn.contract %x, %b {indexing_maps = [affine_map<(i, j, p) -> (i, p)>, affine_map<(i, j, p) -> (p, j)>, affine_map<(i, j, p) -> (i, j)>]} : !nn.tensor<[12, k]>, !nn.tensor<[k, n]> -> !nn.tensor<[12, n]>
  nn.output %c, %d : !nn.tensor<[384, n]>, !nn.tensor<[12, n]>
}
