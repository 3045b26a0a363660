// A gated linear unit written from primitives (Shazeer 2020, "GLU Variants
// Improve Transformer"): SwiGLU(x) = (silu(x·W) ⊙ x·V)·W2, defined once as
// a layer and called from a model.

nn.model @swiglu(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, f) {
  %w = nn.param : !nn.tensor<[d, f]>
  %v = nn.param : !nn.tensor<[d, f]>
  %w2 = nn.param : !nn.tensor<[f, d]>
  %gate = nn.contract %x, %w {indexing_maps = [affine_map<(b, n, c, f) -> (b, n, c)>, affine_map<(b, n, c, f) -> (c, f)>, affine_map<(b, n, c, f) -> (b, n, f)>]} : !nn.seq<[b, n, d]>, !nn.tensor<[d, f]> -> !nn.seq<[b, n, f]>
  %up = nn.contract %x, %v {indexing_maps = [affine_map<(b, n, c, f) -> (b, n, c)>, affine_map<(b, n, c, f) -> (c, f)>, affine_map<(b, n, c, f) -> (b, n, f)>]} : !nn.seq<[b, n, d]>, !nn.tensor<[d, f]> -> !nn.seq<[b, n, f]>
  // silu(g)·u = g·u / (1 + exp(-g)): 5 FLOPs per element.
  %h = nn.map %gate, %up : !nn.seq<[b, n, f]>, !nn.seq<[b, n, f]> -> !nn.seq<[b, n, f]> {
  ^bb0(%g: f32, %u: f32):
    %neg = arith.negf %g : f32
    %e = math.exp %neg : f32
    %one = arith.constant 1.0 : f32
    %den = arith.addf %e, %one : f32
    %s = arith.divf %g, %den : f32
    %p = arith.mulf %s, %u : f32
    nn.yield %p : f32
  }
  %y = nn.contract %h, %w2 {indexing_maps = [affine_map<(b, n, f, c) -> (b, n, f)>, affine_map<(b, n, f, c) -> (f, c)>, affine_map<(b, n, f, c) -> (b, n, c)>]} : !nn.seq<[b, n, f]>, !nn.tensor<[f, d]> -> !nn.seq<[b, n, d]>
  nn.output %y : !nn.seq<[b, n, d]>
}

nn.model @llama_mlp_stack(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 4096, d = 4096, L = 32) {
  %out = nn.repeat<L>(%h = %x) : !nn.seq<[b, n, d]> {
    %norm = nn.rms_norm %h : !nn.seq<[b, n, d]>
    %mlp = nn.call @swiglu(%norm) {f = 11008} : (!nn.seq<[b, n, d]>) -> !nn.seq<[b, n, d]>
    %res = nn.add %h, %mlp : !nn.seq<[b, n, d]>
    nn.yield %res : !nn.seq<[b, n, d]>
  }
  nn.output %out : !nn.seq<[b, n, d]>
}
