// An LSTM with a recurrent projection (LSTMP; Sak, Senior and Beaufays 2014,
// "Long Short-Term Memory Recurrent Neural Network Architectures for Large
// Scale Acoustic Modeling"): 2048 cells whose output is projected to 512
// before it is fed back, written with nn.recur. The input projection of
// all steps is one contraction before the recurrence; each step then adds
// the projected previous output, applies the gates and projects.
//
//   costopt examples/lstm-projection.mlir          (Table 1: O(n·H·(d + P)), O(n), O(n))
//   costopt verify examples/lstm-projection.mlir -D n=16 -D d=32 -D H=64 -D P=16

nn.model @lstmp(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 512, d = 512, H = 2048, P = 512) {
  %wx = nn.param : !nn.tensor<[d, 4*H]>
  %bias = nn.param : !nn.tensor<[4*H]>
  %wr = nn.param : !nn.tensor<[P, 4*H]>
  %wp = nn.param : !nn.tensor<[H, P]>
  // The initial output and cell state are fixed (zero in practice).
  %r0 = nn.constant : !nn.tensor<[b, P]>
  %c0 = nn.constant : !nn.tensor<[b, H]>
  // Input, forget, cell and output gate pre-activations of every step.
  %xg = nn.contract %x, %wx, %bias {indexing_maps = [affine_map<(b, t, i, g) -> (b, t, i)>, affine_map<(b, t, i, g) -> (i, g)>, affine_map<(b, t, i, g) -> (b, t, g)>]} : !nn.seq<[b, n, d]>, !nn.tensor<[d, 4*H]>, !nn.tensor<[4*H]> -> !nn.seq<[b, n, 4*H]>
  %rs, %cs = nn.recur (%xg) init (%r0, %c0) : (!nn.seq<[b, n, 4*H]>) init (!nn.tensor<[b, P]>, !nn.tensor<[b, H]>) -> !nn.seq<[b, n, P]>, !nn.seq<[b, n, H]> {
  ^bb0(%xt: !nn.tensor<[b, 4*H]>, %r: !nn.tensor<[b, P]>, %c: !nn.tensor<[b, H]>):
    %z = nn.contract %r, %wr, %xt {indexing_maps = [affine_map<(b, p, g) -> (b, p)>, affine_map<(b, p, g) -> (p, g)>, affine_map<(b, p, g) -> (b, g)>]} : !nn.tensor<[b, P]>, !nn.tensor<[P, 4*H]>, !nn.tensor<[b, 4*H]> -> !nn.tensor<[b, 4*H]>
    %i = nn.extract %z {dim = 1, offset = 0} : !nn.tensor<[b, 4*H]> -> !nn.tensor<[b, H]>
    %f = nn.extract %z {dim = 1, offset = H} : !nn.tensor<[b, 4*H]> -> !nn.tensor<[b, H]>
    %g = nn.extract %z {dim = 1, offset = 2*H} : !nn.tensor<[b, 4*H]> -> !nn.tensor<[b, H]>
    %o = nn.extract %z {dim = 1, offset = 3*H} : !nn.tensor<[b, 4*H]> -> !nn.tensor<[b, H]>
    // c' = σ(f)·c + σ(i)·tanh(g), with σ(v) = 1/(1 + e^-v): 12 FLOPs per cell.
    %cn = nn.map %i, %f, %g, %c : !nn.tensor<[b, H]>, !nn.tensor<[b, H]>, !nn.tensor<[b, H]>, !nn.tensor<[b, H]> -> !nn.tensor<[b, H]> {
    ^bb0(%vi: f32, %vf: f32, %vg: f32, %vc: f32):
      %one = arith.constant 1.0 : f32
      %ni = arith.negf %vi : f32
      %ei = math.exp %ni : f32
      %di = arith.addf %one, %ei : f32
      %si = arith.divf %one, %di : f32
      %nf = arith.negf %vf : f32
      %ef = math.exp %nf : f32
      %df = arith.addf %one, %ef : f32
      %sf = arith.divf %one, %df : f32
      %tg = math.tanh %vg : f32
      %keep = arith.mulf %sf, %vc : f32
      %write = arith.mulf %si, %tg : f32
      %new = arith.addf %keep, %write : f32
      nn.yield %new : f32
    }
    // h = σ(o)·tanh(c'): 6 FLOPs per cell; then r' = h·Wp.
    %h = nn.map %o, %cn : !nn.tensor<[b, H]>, !nn.tensor<[b, H]> -> !nn.tensor<[b, H]> {
    ^bb0(%vo: f32, %vc: f32):
      %one = arith.constant 1.0 : f32
      %no = arith.negf %vo : f32
      %eo = math.exp %no : f32
      %do = arith.addf %one, %eo : f32
      %so = arith.divf %one, %do : f32
      %tc = math.tanh %vc : f32
      %hv = arith.mulf %so, %tc : f32
      nn.yield %hv : f32
    }
    %rn = nn.contract %h, %wp {indexing_maps = [affine_map<(b, c, p) -> (b, c)>, affine_map<(b, c, p) -> (c, p)>, affine_map<(b, c, p) -> (b, p)>]} : !nn.tensor<[b, H]>, !nn.tensor<[H, P]> -> !nn.tensor<[b, P]>
    nn.yield %rn, %cn : !nn.tensor<[b, P]>, !nn.tensor<[b, H]>
  }
  nn.output %rs : !nn.seq<[b, n, P]>
}
