// An Elman RNN written with nn.recur: the input projection of every step
// first, then h_t = tanh(h_{t-1}·W_hh + x_t·W_ih + b), step by step.
nn.model @elman(%x: !nn.seq<[b, n, d]>) symbols(b = 2, n = 16, d = 8) {
  %wih = nn.param : !nn.tensor<[d, d]>
  %whh = nn.param : !nn.tensor<[d, d]>
  %bias = nn.param : !nn.tensor<[d]>
  %h0 = nn.constant : !nn.tensor<[b, d]>
  %xw = nn.contract %x, %wih, %bias {indexing_maps = [affine_map<(b, t, i, j) -> (b, t, i)>, affine_map<(b, t, i, j) -> (i, j)>, affine_map<(b, t, i, j) -> (b, t, j)>]} : !nn.seq<[b, n, d]>, !nn.tensor<[d, d]>, !nn.tensor<[d]> -> !nn.seq<[b, n, d]>
  %hs = nn.recur (%xw) init (%h0) : (!nn.seq<[b, n, d]>) init (!nn.tensor<[b, d]>) -> !nn.seq<[b, n, d]> {
  ^bb0(%xt: !nn.tensor<[b, d]>, %h: !nn.tensor<[b, d]>):
    %a = nn.contract %h, %whh, %xt {indexing_maps = [affine_map<(b, i, j) -> (b, i)>, affine_map<(b, i, j) -> (i, j)>, affine_map<(b, i, j) -> (b, j)>]} : !nn.tensor<[b, d]>, !nn.tensor<[d, d]>, !nn.tensor<[b, d]> -> !nn.tensor<[b, d]>
    %hn = nn.map %a : !nn.tensor<[b, d]> -> !nn.tensor<[b, d]> {
    ^bb0(%v: f32):
      %t = math.tanh %v : f32
      nn.yield %t : f32
    }
    nn.yield %hn : !nn.tensor<[b, d]>
  }
  nn.output %hs : !nn.seq<[b, n, d]>
}
