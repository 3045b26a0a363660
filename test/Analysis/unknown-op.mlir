// RUN: costopt-opt %s --pass-pipeline='builtin.module(nn.model(costopt-annotate-costs))' -verify-diagnostics | FileCheck %s

// An op without cost rules is never a silent zero: it gets a warning at its
// location and explicit unknown(...) terms, which carry into the totals.

// CHECK-LABEL: nn.model @with_unknown
// CHECK-SAME: costopt.total_flops = "4*b*d*n + unknown(builtin_unrealized_conversion_cast)"
// CHECK-SAME: costopt.total_params = "unknown(builtin_unrealized_conversion_cast_params)"
nn.model @with_unknown(%x: !nn.seq<[b, n, d]>) symbols(b, n, d) {
  %a = nn.add %x, %x : !nn.seq<[b, n, d]>
  // expected-warning @+1 {{costopt has no cost rule for 'builtin.unrealized_conversion_cast'; its costs are reported as unknown(builtin_unrealized_conversion_cast)}}
  %u = builtin.unrealized_conversion_cast %a : !nn.seq<[b, n, d]> to !nn.seq<[b, n, d]>
  %l = nn.add %u, %u : !nn.seq<[b, n, d]>
  %r = nn.add %l, %l : !nn.seq<[b, n, d]>
  %s = nn.add %r, %r : !nn.seq<[b, n, d]>
  nn.output %s : !nn.seq<[b, n, d]>
}
