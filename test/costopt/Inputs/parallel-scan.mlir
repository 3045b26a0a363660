// nn.scan's parallel form (Hillis–Steele): ⌈log2 n⌉ levels over all n
// positions, beside the same scans run as loops.

nn.model @sum(%x: !nn.seq<[b, n, e]>) symbols(b = 2, n = 1000, e = 8) {
  %s = nn.scan %x {kind = "sum", parallel} : !nn.seq<[b, n, e]>
  nn.output %s : !nn.seq<[b, n, e]>
}

nn.model @sum_loop(%x: !nn.seq<[b, n, e]>) symbols(b = 2, n = 1000, e = 8) {
  %s = nn.scan %x {kind = "sum"} : !nn.seq<[b, n, e]>
  nn.output %s : !nn.seq<[b, n, e]>
}

// A per-position decay (Mamba's exp(Δ·A)).
nn.model @linear(%x: !nn.seq<[b, c, n, s]>, %a: !nn.seq<[b, c, n, s]>)
    symbols(b = 2, c = 3, n = 1000, s = 4) {
  %h = nn.scan %x, %a {kind = "linear", parallel}
      : !nn.seq<[b, c, n, s]>, !nn.seq<[b, c, n, s]> -> !nn.seq<[b, c, n, s]>
  nn.output %h : !nn.seq<[b, c, n, s]>
}

// A fixed decay per head (RetNet's γ), broadcast over the positions: the
// levels compose it into γ^(2^ℓ).
nn.model @retention(%x: !nn.seq<[b, h, e, n, e]>, %g: !nn.tensor<[h, 1, 1, 1]>)
    symbols(b = 1, h = 2, e = 3, n = 1000) {
  %h = nn.scan %x, %g {kind = "linear", parallel}
      : !nn.seq<[b, h, e, n, e]>, !nn.tensor<[h, 1, 1, 1]> -> !nn.seq<[b, h, e, n, e]>
  nn.output %h : !nn.seq<[b, h, e, n, e]>
}

// The scan's input is an intermediate (writable) that is read again after
// the scan, and is its decay too: the levels update copies in place, never
// the input itself.
nn.model @input_reused(%x: !nn.seq<[b, n, e]>) symbols(b = 2, n = 1000, e = 8) {
  %d = nn.map %x : !nn.seq<[b, n, e]> -> !nn.seq<[b, n, e]> {
  ^bb0(%a: f32):
    %c = arith.constant 0.5 : f32
    %m = arith.mulf %a, %c : f32
    nn.yield %m : f32
  }
  %s = nn.scan %d, %d {kind = "linear", parallel}
      : !nn.seq<[b, n, e]>, !nn.seq<[b, n, e]> -> !nn.seq<[b, n, e]>
  %y = nn.map %s, %d : !nn.seq<[b, n, e]>, !nn.seq<[b, n, e]> -> !nn.seq<[b, n, e]> {
  ^bb0(%a: f32, %c: f32):
    %r = arith.addf %a, %c : f32
    nn.yield %r : f32
  }
  nn.output %y : !nn.seq<[b, n, e]>
}
