// Scores over a band of l keys before and r keys after each query, and
// their exponentials: the output is the whole n x n matrix, so the value
// check sees the zeros outside the band as well as the band itself
// (verify-band-blocks.test runs it across the lowering's 64-row blocks).
nn.model @band_scores(%q: !nn.seq<[n, d]>, %k: !nn.seq<[n, d]>) symbols(n = 64, d = 8, l = 3, r = 5) {
  %s = nn.contract %q, %k {indexing_maps = [affine_map<(p, t, c)[s0, s1] -> (p, c)>, affine_map<(p, t, c)[s0, s1] -> (t, c)>, affine_map<(p, t, c)[s0, s1] -> (p, t)>], mask = affine_set<(p, t, c)[s0, s1] : (p - t + s0 >= 0, t - p + s1 >= 0)>, symbols = [l, r]} : !nn.seq<[n, d]>, !nn.seq<[n, d]> -> !nn.seq<[n, n]>
  %e = nn.map %s mask affine_set<(p, t)[s0, s1] : (p - t + s0 >= 0, t - p + s1 >= 0)> symbols [#nn.dim<l>, #nn.dim<r>] : !nn.seq<[n, n]> -> !nn.seq<[n, n]> {
  ^bb0(%a: f32):
    %x = math.exp %a : f32
    nn.yield %x : f32
  }
  nn.output %e : !nn.seq<[n, n]>
}
