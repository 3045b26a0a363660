// RUN: costopt-opt %s | FileCheck %s

// A size that is a multiple of another is at least as large (sizes are
// >= 1): 'h mod g == 0' proves kv_heads g <= heads h without 'g <= h', and
// 'd mod 16 == 0' proves d >= 16.

// CHECK-LABEL: nn.model @gqa
nn.model @gqa(%x: !nn.seq<[b, n, d]>) symbols(b, n, d, h, g) where (d mod h == 0, h mod g == 0) {
  %a = nn.attention %x {heads = h, kv_heads = g} : !nn.seq<[b, n, d]>
  nn.output %a : !nn.seq<[b, n, d]>
}

// CHECK-LABEL: nn.model @wide_kernel
nn.model @wide_kernel(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) where (d mod 16 == 0) {
  %s = nn.extract %x {dim = 2, offset = 15} : !nn.seq<[b, n, d]> -> !nn.seq<[b, n, 1]>
  nn.output %s : !nn.seq<[b, n, 1]>
}
