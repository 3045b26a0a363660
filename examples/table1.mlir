// One layer of each kind in Table 1 of "Attention Is All You Need"
// (Vaswani et al. 2017): `costopt table1.mlir` reproduces the table's
// complexity per layer, sequential operations and maximum path length, and
// adds the exact counts behind each class.

// Self-attention: O(n²·d), O(1), O(1).
nn.model @self_attention(%x: !nn.seq<[n, d]>) symbols(n, d, h) where (d mod h == 0) {
  %y = nn.attention %x {heads = h} : !nn.seq<[n, d]>
  nn.output %y : !nn.seq<[n, d]>
}

// Recurrent: O(n·d²), O(n), O(n).
nn.model @recurrent(%x: !nn.seq<[n, d]>) symbols(n, d) {
  %y = nn.recurrent %x {cell = "elman", hidden = d} : !nn.seq<[n, d]>
  nn.output %y : !nn.seq<[n, d]>
}

// Convolutional (contiguous kernel k): O(k·n·d²), O(1), O(n/k).
nn.model @convolution(%x: !nn.seq<[n, d]>) symbols(k, n, d) where (k >= 2) {
  %y = nn.conv %x {kernel = k, causal} : !nn.seq<[n, d]>
  nn.output %y : !nn.seq<[n, d]>
}

// Convolutional with dilations 1, k, k²: O(log_k(n)) path length.
nn.model @dilated_convolution(%x: !nn.seq<[n, d]>) symbols(k, n, d) where (k >= 2) {
  %y = nn.conv %x {kernel = k, dilations = [1, k, k*k], causal} : !nn.seq<[n, d]>
  nn.output %y : !nn.seq<[n, d]>
}

// Separable convolution: O(k·n·d + n·d²).
nn.model @separable_convolution(%x: !nn.seq<[n, d]>) symbols(k, n, d) where (k >= 2) {
  %y = nn.conv %x {kernel = k, separable, causal} : !nn.seq<[n, d]>
  nn.output %y : !nn.seq<[n, d]>
}

// Self-attention restricted to a neighbourhood of r: O(r·n·d), O(1), O(n/r).
nn.model @restricted_attention(%x: !nn.seq<[n, d]>) symbols(r, n, d, h)
    where (d mod h == 0, r >= 2, r <= n) {
  %y = nn.attention %x {heads = h, window = r, causal} : !nn.seq<[n, d]>
  nn.output %y : !nn.seq<[n, d]>
}
