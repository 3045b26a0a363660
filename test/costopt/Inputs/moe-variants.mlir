// Mixtures of experts at the layer level: biased relu experts, Mixtral's
// gated SiLU experts without biases, every expert used (K = E), and an
// unbatched [n, d] input.

nn.model @relu_bias(%x: !nn.seq<[b, n, d]>) symbols(b = 2, n = 1024, d = 64, E = 8, K = 2, f = 256)
    where (K <= E) {
  %m = nn.moe %x {experts = E, top_k = K, hidden = f, activation = "relu"} : !nn.seq<[b, n, d]>
  nn.output %m : !nn.seq<[b, n, d]>
}

nn.model @mixtral(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 1024, d = 64, E = 8, K = 2, f = 224)
    where (K <= E) {
  %m = nn.moe %x {experts = E, top_k = K, hidden = f, activation = "silu", gated, no_bias}
      : !nn.seq<[b, n, d]>
  nn.output %m : !nn.seq<[b, n, d]>
}

nn.model @every_expert(%x: !nn.seq<[b, n, d]>) symbols(b = 1, n = 1024, d = 64, E = 4, f = 128) {
  %m = nn.moe %x {experts = E, top_k = E, hidden = f, activation = "tanh"} : !nn.seq<[b, n, d]>
  nn.output %m : !nn.seq<[b, n, d]>
}

nn.model @unbatched(%x: !nn.seq<[n, d]>) symbols(n = 1024, d = 32) {
  %m = nn.moe %x {experts = 4, top_k = 1, hidden = 64, activation = "relu", no_bias} : !nn.seq<[n, d]>
  nn.output %m : !nn.seq<[n, d]>
}
