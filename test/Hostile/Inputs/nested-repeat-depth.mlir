// Found 2026-12-02: a bidirectional recurrence (a reversed nn.recur) in a
// repeat inside a repeat, after a causal running sum: the depth bound built
// from three runs of each body grew to 3.5 MB of formula and took 16.7 s.
// Written by costopt --emit primitives (a bidirectional stack of k layers
// inside nn.repeat<L> decomposes so). large-legal.test.
#map = affine_map<(d0, d1, d2, d3, d4) -> (d2, d4)>
#map1 = affine_map<(d0, d1, d2, d3, d4) -> (d4, d0, d1, d3)>
#map2 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
#map3 = affine_map<(d0, d1, d2, d3) -> (d1, d3)>
#map4 = affine_map<(d0, d1, d2, d3) -> (d3, d0, d2)>
#map5 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
#map6 = affine_map<(d0, d1, d2, d3) -> (d0, d2, d1)>
#map7 = affine_map<(d0, d1, d2, d3) -> (d0, d2, d3)>
#map8 = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
#map9 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
#map10 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d4, d2, d3)>
#map11 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d2, d4)>
#map12 = affine_map<(d0, d1, d2, d3, d4) -> (d2, d3, d0, d4)>
#map13 = affine_map<(d0, d1, d2, d3, d4) -> (d2, d3, d4, d1)>
#map14 = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1)>
#map15 = affine_map<(d0, d1, d2) -> (d0, d1)>
#map16 = affine_map<(d0, d1, d2) -> (d1, d2)>
#map17 = affine_map<(d0, d1, d2) -> (d0, d2)>
#map18 = affine_map<(d0, d1) -> (d0)>
#map19 = affine_map<(d0, d1) -> (d0, d1)>
#map20 = affine_map<(d0, d1) -> (d1)>
module {
  nn.model @a(%arg0: !nn.seq<[n, d]>) symbols(n = 5, d = 48, h = 4, k = 3) where (d mod h == 0, d mod 4 == 0, k >= 2) {
    %0 = nn.block "nn.attention" (%arg1 = %arg0) : (!nn.seq<[n, d]>) -> !nn.seq<[n, d]> {
      %3 = nn.param : <[d, h, 1, d/h]>
      %4 = nn.param : <[h, 1, 1, d/h]>
      %5 = nn.contract %arg1, %3, %4 {indexing_maps = [#map, #map1, #map2]} : !nn.seq<[n, d]>, !nn.tensor<[d, h, 1, d/h]>, !nn.tensor<[h, 1, 1, d/h]> -> !nn.seq<[h, 1, n, d/h]>
      %6 = nn.param : <[d, h, d/h]>
      %7 = nn.param : <[h, 1, d/h]>
      %8 = nn.contract %arg1, %6, %7 {indexing_maps = [#map3, #map4, #map5]} : !nn.seq<[n, d]>, !nn.tensor<[d, h, d/h]>, !nn.tensor<[h, 1, d/h]> -> !nn.seq<[h, n, d/h]>
      %9 = nn.param : <[d, h, d/h]>
      %10 = nn.param : <[h, 1, d/h]>
      %11 = nn.contract %arg1, %9, %10 {indexing_maps = [#map3, #map4, #map5]} : !nn.seq<[n, d]>, !nn.tensor<[d, h, d/h]>, !nn.tensor<[h, 1, d/h]> -> !nn.seq<[h, n, d/h]>
      %12 = nn.map %5 : !nn.seq<[h, 1, n, d/h]> -> !nn.seq<[h, 1, n, d/h]> {
      ^bb0(%arg2: f32):
        %cst = arith.constant 0.000000e+00 : f32
        %24 = arith.maximumf %arg2, %cst : f32
        nn.yield %24 : f32
      }
      %13 = nn.map %8 : !nn.seq<[h, n, d/h]> -> !nn.seq<[h, n, d/h]> {
      ^bb0(%arg2: f32):
        %cst = arith.constant 0.000000e+00 : f32
        %24 = arith.maximumf %arg2, %cst : f32
        nn.yield %24 : f32
      }
      %14 = nn.contract %13, %11 {indexing_maps = [#map6, #map7, #map8]} : !nn.seq<[h, n, d/h]> -> !nn.seq<[h, d/h, n, d/h]>
      %15 = nn.scan %14 {kind = "sum"} : !nn.seq<[h, d/h, n, d/h]>
      %16 = nn.scan %13 {kind = "sum"} : !nn.seq<[h, n, d/h]>
      %17 = nn.contract %12, %15 {indexing_maps = [#map9, #map10, #map2]} : !nn.seq<[h, 1, n, d/h]>, !nn.seq<[h, d/h, n, d/h]>
      %18 = nn.contract %12, %16 {indexing_maps = [#map9, #map11, #map2]} : !nn.seq<[h, 1, n, d/h]>, !nn.seq<[h, n, d/h]> -> !nn.seq<[h, 1, n, 1]>
      %19 = nn.map %18 : !nn.seq<[h, 1, n, 1]> -> !nn.seq<[h, 1, n, 1]> {
      ^bb0(%arg2: f32):
        %cst = arith.constant 9.99999997E-7 : f32
        %24 = arith.addf %arg2, %cst : f32
        nn.yield %24 : f32
      }
      %20 = nn.map %17, %19 : !nn.seq<[h, 1, n, d/h]>, !nn.seq<[h, 1, n, 1]> -> !nn.seq<[h, 1, n, d/h]> {
      ^bb0(%arg2: f32, %arg3: f32):
        %24 = arith.divf %arg2, %arg3 : f32
        nn.yield %24 : f32
      }
      %21 = nn.param : <[h, 1, d/h, d]>
      %22 = nn.param : <[d]>
      %23 = nn.contract %20, %21, %22 {indexing_maps = [#map12, #map13, #map14]} : !nn.seq<[h, 1, n, d/h]>, !nn.tensor<[h, 1, d/h, d]>, !nn.tensor<[d]> -> !nn.seq<[n, d]>
      nn.yield %23 : !nn.seq<[n, d]>
    }
    %1 = nn.block "nn.recurrent" (%arg1 = %0) : (!nn.seq<[n, d]>) -> !nn.seq<[n, d]> {
      %3 = nn.param : <[d, d/2]>
      %4 = nn.param : <[d/2]>
      %5 = nn.contract %arg1, %3, %4 {indexing_maps = [#map15, #map16, #map17]} : !nn.seq<[n, d]>, !nn.tensor<[d, d/2]>, !nn.tensor<[d/2]> -> !nn.seq<[n, d/2]>
      %6 = nn.param : <[d/2, d/2]>
      %7 = nn.param : <[d/2]>
      %8 = nn.constant : !nn.tensor<[d/2]>
      %9 = nn.recur (%5) init (%8) : (!nn.seq<[n, d/2]>) init (!nn.tensor<[d/2]>) -> !nn.seq<[n, d/2]> {
      ^bb0(%arg2: !nn.tensor<[d/2]>, %arg3: !nn.tensor<[d/2]>):
        %18 = nn.contract %arg3, %6, %arg2 {indexing_maps = [#map18, #map19, #map20]} : !nn.tensor<[d/2]>, !nn.tensor<[d/2, d/2]>, !nn.tensor<[d/2]>
        %19 = nn.map %18, %7 : !nn.tensor<[d/2]>, !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
        ^bb0(%arg4: f32, %arg5: f32):
          %21 = arith.addf %arg4, %arg5 : f32
          nn.yield %21 : f32
        }
        %20 = nn.map %19 : !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
        ^bb0(%arg4: f32):
          %21 = math.tanh %arg4 : f32
          nn.yield %21 : f32
        }
        nn.yield %20 : !nn.tensor<[d/2]>
      }
      %10 = nn.param : <[d, d/2]>
      %11 = nn.param : <[d/2]>
      %12 = nn.contract %arg1, %10, %11 {indexing_maps = [#map15, #map16, #map17]} : !nn.seq<[n, d]>, !nn.tensor<[d, d/2]>, !nn.tensor<[d/2]> -> !nn.seq<[n, d/2]>
      %13 = nn.param : <[d/2, d/2]>
      %14 = nn.param : <[d/2]>
      %15 = nn.constant : !nn.tensor<[d/2]>
      %16 = nn.recur (%12) init (%15) {reverse} : (!nn.seq<[n, d/2]>) init (!nn.tensor<[d/2]>) -> !nn.seq<[n, d/2]> {
      ^bb0(%arg2: !nn.tensor<[d/2]>, %arg3: !nn.tensor<[d/2]>):
        %18 = nn.contract %arg3, %13, %arg2 {indexing_maps = [#map18, #map19, #map20]} : !nn.tensor<[d/2]>, !nn.tensor<[d/2, d/2]>, !nn.tensor<[d/2]>
        %19 = nn.map %18, %14 : !nn.tensor<[d/2]>, !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
        ^bb0(%arg4: f32, %arg5: f32):
          %21 = arith.addf %arg4, %arg5 : f32
          nn.yield %21 : f32
        }
        %20 = nn.map %19 : !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
        ^bb0(%arg4: f32):
          %21 = math.tanh %arg4 : f32
          nn.yield %21 : f32
        }
        nn.yield %20 : !nn.tensor<[d/2]>
      }
      %17 = nn.concat %9, %16 {dim = 1} : !nn.seq<[n, d/2]> -> !nn.seq<[n, d]>
      nn.yield %17 : !nn.seq<[n, d]>
    }
    %2 = nn.repeat<k - 1>(%arg1 = %1) : !nn.seq<[n, d]> {
      %3 = nn.block "nn.recurrent" (%arg2 = %arg1) : (!nn.seq<[n, d]>) -> !nn.seq<[n, d]> {
        %4 = nn.param : <[d, d/2]>
        %5 = nn.param : <[d/2]>
        %6 = nn.contract %arg2, %4, %5 {indexing_maps = [#map15, #map16, #map17]} : !nn.seq<[n, d]>, !nn.tensor<[d, d/2]>, !nn.tensor<[d/2]> -> !nn.seq<[n, d/2]>
        %7 = nn.param : <[d/2, d/2]>
        %8 = nn.param : <[d/2]>
        %9 = nn.constant : !nn.tensor<[d/2]>
        %10 = nn.recur (%6) init (%9) : (!nn.seq<[n, d/2]>) init (!nn.tensor<[d/2]>) -> !nn.seq<[n, d/2]> {
        ^bb0(%arg3: !nn.tensor<[d/2]>, %arg4: !nn.tensor<[d/2]>):
          %19 = nn.contract %arg4, %7, %arg3 {indexing_maps = [#map18, #map19, #map20]} : !nn.tensor<[d/2]>, !nn.tensor<[d/2, d/2]>, !nn.tensor<[d/2]>
          %20 = nn.map %19, %8 : !nn.tensor<[d/2]>, !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
          ^bb0(%arg5: f32, %arg6: f32):
            %22 = arith.addf %arg5, %arg6 : f32
            nn.yield %22 : f32
          }
          %21 = nn.map %20 : !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
          ^bb0(%arg5: f32):
            %22 = math.tanh %arg5 : f32
            nn.yield %22 : f32
          }
          nn.yield %21 : !nn.tensor<[d/2]>
        }
        %11 = nn.param : <[d, d/2]>
        %12 = nn.param : <[d/2]>
        %13 = nn.contract %arg2, %11, %12 {indexing_maps = [#map15, #map16, #map17]} : !nn.seq<[n, d]>, !nn.tensor<[d, d/2]>, !nn.tensor<[d/2]> -> !nn.seq<[n, d/2]>
        %14 = nn.param : <[d/2, d/2]>
        %15 = nn.param : <[d/2]>
        %16 = nn.constant : !nn.tensor<[d/2]>
        %17 = nn.recur (%13) init (%16) {reverse} : (!nn.seq<[n, d/2]>) init (!nn.tensor<[d/2]>) -> !nn.seq<[n, d/2]> {
        ^bb0(%arg3: !nn.tensor<[d/2]>, %arg4: !nn.tensor<[d/2]>):
          %19 = nn.contract %arg4, %14, %arg3 {indexing_maps = [#map18, #map19, #map20]} : !nn.tensor<[d/2]>, !nn.tensor<[d/2, d/2]>, !nn.tensor<[d/2]>
          %20 = nn.map %19, %15 : !nn.tensor<[d/2]>, !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
          ^bb0(%arg5: f32, %arg6: f32):
            %22 = arith.addf %arg5, %arg6 : f32
            nn.yield %22 : f32
          }
          %21 = nn.map %20 : !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
          ^bb0(%arg5: f32):
            %22 = math.tanh %arg5 : f32
            nn.yield %22 : f32
          }
          nn.yield %21 : !nn.tensor<[d/2]>
        }
        %18 = nn.concat %10, %17 {dim = 1} : !nn.seq<[n, d/2]> -> !nn.seq<[n, d]>
        nn.yield %18 : !nn.seq<[n, d]>
      }
      nn.yield %3 : !nn.seq<[n, d]>
    }
    nn.output %2 : !nn.seq<[n, d]>
  }
  nn.model @b(%arg0: !nn.seq<[n, d]>) symbols(n = 5, d = 48, h = 4, k = 3, L = 3) where (d mod h == 0, d mod 4 == 0, k >= 2) {
    %0 = nn.repeat<L>(%arg1 = %arg0) : !nn.seq<[n, d]> {
      %1 = nn.block "nn.attention" (%arg2 = %arg1) : (!nn.seq<[n, d]>) -> !nn.seq<[n, d]> {
        %4 = nn.param : <[d, h, 1, d/h]>
        %5 = nn.param : <[h, 1, 1, d/h]>
        %6 = nn.contract %arg2, %4, %5 {indexing_maps = [#map, #map1, #map2]} : !nn.seq<[n, d]>, !nn.tensor<[d, h, 1, d/h]>, !nn.tensor<[h, 1, 1, d/h]> -> !nn.seq<[h, 1, n, d/h]>
        %7 = nn.param : <[d, h, d/h]>
        %8 = nn.param : <[h, 1, d/h]>
        %9 = nn.contract %arg2, %7, %8 {indexing_maps = [#map3, #map4, #map5]} : !nn.seq<[n, d]>, !nn.tensor<[d, h, d/h]>, !nn.tensor<[h, 1, d/h]> -> !nn.seq<[h, n, d/h]>
        %10 = nn.param : <[d, h, d/h]>
        %11 = nn.param : <[h, 1, d/h]>
        %12 = nn.contract %arg2, %10, %11 {indexing_maps = [#map3, #map4, #map5]} : !nn.seq<[n, d]>, !nn.tensor<[d, h, d/h]>, !nn.tensor<[h, 1, d/h]> -> !nn.seq<[h, n, d/h]>
        %13 = nn.map %6 : !nn.seq<[h, 1, n, d/h]> -> !nn.seq<[h, 1, n, d/h]> {
        ^bb0(%arg3: f32):
          %cst = arith.constant 0.000000e+00 : f32
          %25 = arith.maximumf %arg3, %cst : f32
          nn.yield %25 : f32
        }
        %14 = nn.map %9 : !nn.seq<[h, n, d/h]> -> !nn.seq<[h, n, d/h]> {
        ^bb0(%arg3: f32):
          %cst = arith.constant 0.000000e+00 : f32
          %25 = arith.maximumf %arg3, %cst : f32
          nn.yield %25 : f32
        }
        %15 = nn.contract %14, %12 {indexing_maps = [#map6, #map7, #map8]} : !nn.seq<[h, n, d/h]> -> !nn.seq<[h, d/h, n, d/h]>
        %16 = nn.scan %15 {kind = "sum"} : !nn.seq<[h, d/h, n, d/h]>
        %17 = nn.scan %14 {kind = "sum"} : !nn.seq<[h, n, d/h]>
        %18 = nn.contract %13, %16 {indexing_maps = [#map9, #map10, #map2]} : !nn.seq<[h, 1, n, d/h]>, !nn.seq<[h, d/h, n, d/h]>
        %19 = nn.contract %13, %17 {indexing_maps = [#map9, #map11, #map2]} : !nn.seq<[h, 1, n, d/h]>, !nn.seq<[h, n, d/h]> -> !nn.seq<[h, 1, n, 1]>
        %20 = nn.map %19 : !nn.seq<[h, 1, n, 1]> -> !nn.seq<[h, 1, n, 1]> {
        ^bb0(%arg3: f32):
          %cst = arith.constant 9.99999997E-7 : f32
          %25 = arith.addf %arg3, %cst : f32
          nn.yield %25 : f32
        }
        %21 = nn.map %18, %20 : !nn.seq<[h, 1, n, d/h]>, !nn.seq<[h, 1, n, 1]> -> !nn.seq<[h, 1, n, d/h]> {
        ^bb0(%arg3: f32, %arg4: f32):
          %25 = arith.divf %arg3, %arg4 : f32
          nn.yield %25 : f32
        }
        %22 = nn.param : <[h, 1, d/h, d]>
        %23 = nn.param : <[d]>
        %24 = nn.contract %21, %22, %23 {indexing_maps = [#map12, #map13, #map14]} : !nn.seq<[h, 1, n, d/h]>, !nn.tensor<[h, 1, d/h, d]>, !nn.tensor<[d]> -> !nn.seq<[n, d]>
        nn.yield %24 : !nn.seq<[n, d]>
      }
      %2 = nn.block "nn.recurrent" (%arg2 = %1) : (!nn.seq<[n, d]>) -> !nn.seq<[n, d]> {
        %4 = nn.param : <[d, d/2]>
        %5 = nn.param : <[d/2]>
        %6 = nn.contract %arg2, %4, %5 {indexing_maps = [#map15, #map16, #map17]} : !nn.seq<[n, d]>, !nn.tensor<[d, d/2]>, !nn.tensor<[d/2]> -> !nn.seq<[n, d/2]>
        %7 = nn.param : <[d/2, d/2]>
        %8 = nn.param : <[d/2]>
        %9 = nn.constant : !nn.tensor<[d/2]>
        %10 = nn.recur (%6) init (%9) : (!nn.seq<[n, d/2]>) init (!nn.tensor<[d/2]>) -> !nn.seq<[n, d/2]> {
        ^bb0(%arg3: !nn.tensor<[d/2]>, %arg4: !nn.tensor<[d/2]>):
          %19 = nn.contract %arg4, %7, %arg3 {indexing_maps = [#map18, #map19, #map20]} : !nn.tensor<[d/2]>, !nn.tensor<[d/2, d/2]>, !nn.tensor<[d/2]>
          %20 = nn.map %19, %8 : !nn.tensor<[d/2]>, !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
          ^bb0(%arg5: f32, %arg6: f32):
            %22 = arith.addf %arg5, %arg6 : f32
            nn.yield %22 : f32
          }
          %21 = nn.map %20 : !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
          ^bb0(%arg5: f32):
            %22 = math.tanh %arg5 : f32
            nn.yield %22 : f32
          }
          nn.yield %21 : !nn.tensor<[d/2]>
        }
        %11 = nn.param : <[d, d/2]>
        %12 = nn.param : <[d/2]>
        %13 = nn.contract %arg2, %11, %12 {indexing_maps = [#map15, #map16, #map17]} : !nn.seq<[n, d]>, !nn.tensor<[d, d/2]>, !nn.tensor<[d/2]> -> !nn.seq<[n, d/2]>
        %14 = nn.param : <[d/2, d/2]>
        %15 = nn.param : <[d/2]>
        %16 = nn.constant : !nn.tensor<[d/2]>
        %17 = nn.recur (%13) init (%16) {reverse} : (!nn.seq<[n, d/2]>) init (!nn.tensor<[d/2]>) -> !nn.seq<[n, d/2]> {
        ^bb0(%arg3: !nn.tensor<[d/2]>, %arg4: !nn.tensor<[d/2]>):
          %19 = nn.contract %arg4, %14, %arg3 {indexing_maps = [#map18, #map19, #map20]} : !nn.tensor<[d/2]>, !nn.tensor<[d/2, d/2]>, !nn.tensor<[d/2]>
          %20 = nn.map %19, %15 : !nn.tensor<[d/2]>, !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
          ^bb0(%arg5: f32, %arg6: f32):
            %22 = arith.addf %arg5, %arg6 : f32
            nn.yield %22 : f32
          }
          %21 = nn.map %20 : !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
          ^bb0(%arg5: f32):
            %22 = math.tanh %arg5 : f32
            nn.yield %22 : f32
          }
          nn.yield %21 : !nn.tensor<[d/2]>
        }
        %18 = nn.concat %10, %17 {dim = 1} : !nn.seq<[n, d/2]> -> !nn.seq<[n, d]>
        nn.yield %18 : !nn.seq<[n, d]>
      }
      %3 = nn.repeat<k - 1>(%arg2 = %2) : !nn.seq<[n, d]> {
        %4 = nn.block "nn.recurrent" (%arg3 = %arg2) : (!nn.seq<[n, d]>) -> !nn.seq<[n, d]> {
          %5 = nn.param : <[d, d/2]>
          %6 = nn.param : <[d/2]>
          %7 = nn.contract %arg3, %5, %6 {indexing_maps = [#map15, #map16, #map17]} : !nn.seq<[n, d]>, !nn.tensor<[d, d/2]>, !nn.tensor<[d/2]> -> !nn.seq<[n, d/2]>
          %8 = nn.param : <[d/2, d/2]>
          %9 = nn.param : <[d/2]>
          %10 = nn.constant : !nn.tensor<[d/2]>
          %11 = nn.recur (%7) init (%10) : (!nn.seq<[n, d/2]>) init (!nn.tensor<[d/2]>) -> !nn.seq<[n, d/2]> {
          ^bb0(%arg4: !nn.tensor<[d/2]>, %arg5: !nn.tensor<[d/2]>):
            %20 = nn.contract %arg5, %8, %arg4 {indexing_maps = [#map18, #map19, #map20]} : !nn.tensor<[d/2]>, !nn.tensor<[d/2, d/2]>, !nn.tensor<[d/2]>
            %21 = nn.map %20, %9 : !nn.tensor<[d/2]>, !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
            ^bb0(%arg6: f32, %arg7: f32):
              %23 = arith.addf %arg6, %arg7 : f32
              nn.yield %23 : f32
            }
            %22 = nn.map %21 : !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
            ^bb0(%arg6: f32):
              %23 = math.tanh %arg6 : f32
              nn.yield %23 : f32
            }
            nn.yield %22 : !nn.tensor<[d/2]>
          }
          %12 = nn.param : <[d, d/2]>
          %13 = nn.param : <[d/2]>
          %14 = nn.contract %arg3, %12, %13 {indexing_maps = [#map15, #map16, #map17]} : !nn.seq<[n, d]>, !nn.tensor<[d, d/2]>, !nn.tensor<[d/2]> -> !nn.seq<[n, d/2]>
          %15 = nn.param : <[d/2, d/2]>
          %16 = nn.param : <[d/2]>
          %17 = nn.constant : !nn.tensor<[d/2]>
          %18 = nn.recur (%14) init (%17) {reverse} : (!nn.seq<[n, d/2]>) init (!nn.tensor<[d/2]>) -> !nn.seq<[n, d/2]> {
          ^bb0(%arg4: !nn.tensor<[d/2]>, %arg5: !nn.tensor<[d/2]>):
            %20 = nn.contract %arg5, %15, %arg4 {indexing_maps = [#map18, #map19, #map20]} : !nn.tensor<[d/2]>, !nn.tensor<[d/2, d/2]>, !nn.tensor<[d/2]>
            %21 = nn.map %20, %16 : !nn.tensor<[d/2]>, !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
            ^bb0(%arg6: f32, %arg7: f32):
              %23 = arith.addf %arg6, %arg7 : f32
              nn.yield %23 : f32
            }
            %22 = nn.map %21 : !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
            ^bb0(%arg6: f32):
              %23 = math.tanh %arg6 : f32
              nn.yield %23 : f32
            }
            nn.yield %22 : !nn.tensor<[d/2]>
          }
          %19 = nn.concat %11, %18 {dim = 1} : !nn.seq<[n, d/2]> -> !nn.seq<[n, d]>
          nn.yield %19 : !nn.seq<[n, d]>
        }
        nn.yield %4 : !nn.seq<[n, d]>
      }
      nn.yield %3 : !nn.seq<[n, d]>
    }
    nn.output %0 : !nn.seq<[n, d]>
  }
  nn.model @c(%arg0: !nn.seq<[n, d]>) symbols(n = 5, d = 48, h = 4, k = 3, L = 3) where (d mod h == 0, d mod 4 == 0, k >= 2) {
    %0 = nn.repeat<L>(%arg1 = %arg0) : !nn.seq<[n, d]> {
      %1 = nn.block "nn.recurrent" (%arg2 = %arg1) : (!nn.seq<[n, d]>) -> !nn.seq<[n, d]> {
        %3 = nn.param : <[d, d/2]>
        %4 = nn.param : <[d/2]>
        %5 = nn.contract %arg2, %3, %4 {indexing_maps = [#map15, #map16, #map17]} : !nn.seq<[n, d]>, !nn.tensor<[d, d/2]>, !nn.tensor<[d/2]> -> !nn.seq<[n, d/2]>
        %6 = nn.param : <[d/2, d/2]>
        %7 = nn.param : <[d/2]>
        %8 = nn.constant : !nn.tensor<[d/2]>
        %9 = nn.recur (%5) init (%8) : (!nn.seq<[n, d/2]>) init (!nn.tensor<[d/2]>) -> !nn.seq<[n, d/2]> {
        ^bb0(%arg3: !nn.tensor<[d/2]>, %arg4: !nn.tensor<[d/2]>):
          %18 = nn.contract %arg4, %6, %arg3 {indexing_maps = [#map18, #map19, #map20]} : !nn.tensor<[d/2]>, !nn.tensor<[d/2, d/2]>, !nn.tensor<[d/2]>
          %19 = nn.map %18, %7 : !nn.tensor<[d/2]>, !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
          ^bb0(%arg5: f32, %arg6: f32):
            %21 = arith.addf %arg5, %arg6 : f32
            nn.yield %21 : f32
          }
          %20 = nn.map %19 : !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
          ^bb0(%arg5: f32):
            %21 = math.tanh %arg5 : f32
            nn.yield %21 : f32
          }
          nn.yield %20 : !nn.tensor<[d/2]>
        }
        %10 = nn.param : <[d, d/2]>
        %11 = nn.param : <[d/2]>
        %12 = nn.contract %arg2, %10, %11 {indexing_maps = [#map15, #map16, #map17]} : !nn.seq<[n, d]>, !nn.tensor<[d, d/2]>, !nn.tensor<[d/2]> -> !nn.seq<[n, d/2]>
        %13 = nn.param : <[d/2, d/2]>
        %14 = nn.param : <[d/2]>
        %15 = nn.constant : !nn.tensor<[d/2]>
        %16 = nn.recur (%12) init (%15) {reverse} : (!nn.seq<[n, d/2]>) init (!nn.tensor<[d/2]>) -> !nn.seq<[n, d/2]> {
        ^bb0(%arg3: !nn.tensor<[d/2]>, %arg4: !nn.tensor<[d/2]>):
          %18 = nn.contract %arg4, %13, %arg3 {indexing_maps = [#map18, #map19, #map20]} : !nn.tensor<[d/2]>, !nn.tensor<[d/2, d/2]>, !nn.tensor<[d/2]>
          %19 = nn.map %18, %14 : !nn.tensor<[d/2]>, !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
          ^bb0(%arg5: f32, %arg6: f32):
            %21 = arith.addf %arg5, %arg6 : f32
            nn.yield %21 : f32
          }
          %20 = nn.map %19 : !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
          ^bb0(%arg5: f32):
            %21 = math.tanh %arg5 : f32
            nn.yield %21 : f32
          }
          nn.yield %20 : !nn.tensor<[d/2]>
        }
        %17 = nn.concat %9, %16 {dim = 1} : !nn.seq<[n, d/2]> -> !nn.seq<[n, d]>
        nn.yield %17 : !nn.seq<[n, d]>
      }
      %2 = nn.repeat<k - 1>(%arg2 = %1) : !nn.seq<[n, d]> {
        %3 = nn.block "nn.recurrent" (%arg3 = %arg2) : (!nn.seq<[n, d]>) -> !nn.seq<[n, d]> {
          %4 = nn.param : <[d, d/2]>
          %5 = nn.param : <[d/2]>
          %6 = nn.contract %arg3, %4, %5 {indexing_maps = [#map15, #map16, #map17]} : !nn.seq<[n, d]>, !nn.tensor<[d, d/2]>, !nn.tensor<[d/2]> -> !nn.seq<[n, d/2]>
          %7 = nn.param : <[d/2, d/2]>
          %8 = nn.param : <[d/2]>
          %9 = nn.constant : !nn.tensor<[d/2]>
          %10 = nn.recur (%6) init (%9) : (!nn.seq<[n, d/2]>) init (!nn.tensor<[d/2]>) -> !nn.seq<[n, d/2]> {
          ^bb0(%arg4: !nn.tensor<[d/2]>, %arg5: !nn.tensor<[d/2]>):
            %19 = nn.contract %arg5, %7, %arg4 {indexing_maps = [#map18, #map19, #map20]} : !nn.tensor<[d/2]>, !nn.tensor<[d/2, d/2]>, !nn.tensor<[d/2]>
            %20 = nn.map %19, %8 : !nn.tensor<[d/2]>, !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
            ^bb0(%arg6: f32, %arg7: f32):
              %22 = arith.addf %arg6, %arg7 : f32
              nn.yield %22 : f32
            }
            %21 = nn.map %20 : !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
            ^bb0(%arg6: f32):
              %22 = math.tanh %arg6 : f32
              nn.yield %22 : f32
            }
            nn.yield %21 : !nn.tensor<[d/2]>
          }
          %11 = nn.param : <[d, d/2]>
          %12 = nn.param : <[d/2]>
          %13 = nn.contract %arg3, %11, %12 {indexing_maps = [#map15, #map16, #map17]} : !nn.seq<[n, d]>, !nn.tensor<[d, d/2]>, !nn.tensor<[d/2]> -> !nn.seq<[n, d/2]>
          %14 = nn.param : <[d/2, d/2]>
          %15 = nn.param : <[d/2]>
          %16 = nn.constant : !nn.tensor<[d/2]>
          %17 = nn.recur (%13) init (%16) {reverse} : (!nn.seq<[n, d/2]>) init (!nn.tensor<[d/2]>) -> !nn.seq<[n, d/2]> {
          ^bb0(%arg4: !nn.tensor<[d/2]>, %arg5: !nn.tensor<[d/2]>):
            %19 = nn.contract %arg5, %14, %arg4 {indexing_maps = [#map18, #map19, #map20]} : !nn.tensor<[d/2]>, !nn.tensor<[d/2, d/2]>, !nn.tensor<[d/2]>
            %20 = nn.map %19, %15 : !nn.tensor<[d/2]>, !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
            ^bb0(%arg6: f32, %arg7: f32):
              %22 = arith.addf %arg6, %arg7 : f32
              nn.yield %22 : f32
            }
            %21 = nn.map %20 : !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
            ^bb0(%arg6: f32):
              %22 = math.tanh %arg6 : f32
              nn.yield %22 : f32
            }
            nn.yield %21 : !nn.tensor<[d/2]>
          }
          %18 = nn.concat %10, %17 {dim = 1} : !nn.seq<[n, d/2]> -> !nn.seq<[n, d]>
          nn.yield %18 : !nn.seq<[n, d]>
        }
        nn.yield %3 : !nn.seq<[n, d]>
      }
      nn.yield %2 : !nn.seq<[n, d]>
    }
    nn.output %0 : !nn.seq<[n, d]>
  }
  nn.model @d(%arg0: !nn.seq<[n, d]>) symbols(n = 5, d = 48, h = 4, k = 3, L = 3) where (d mod h == 0, d mod 4 == 0, k >= 2) {
    %0 = nn.repeat<L>(%arg1 = %arg0) : !nn.seq<[n, d]> {
      %1 = nn.block "nn.attention" (%arg2 = %arg1) : (!nn.seq<[n, d]>) -> !nn.seq<[n, d]> {
        %5 = nn.param : <[d, h, 1, d/h]>
        %6 = nn.param : <[h, 1, 1, d/h]>
        %7 = nn.contract %arg2, %5, %6 {indexing_maps = [#map, #map1, #map2]} : !nn.seq<[n, d]>, !nn.tensor<[d, h, 1, d/h]>, !nn.tensor<[h, 1, 1, d/h]> -> !nn.seq<[h, 1, n, d/h]>
        %8 = nn.param : <[d, h, d/h]>
        %9 = nn.param : <[h, 1, d/h]>
        %10 = nn.contract %arg2, %8, %9 {indexing_maps = [#map3, #map4, #map5]} : !nn.seq<[n, d]>, !nn.tensor<[d, h, d/h]>, !nn.tensor<[h, 1, d/h]> -> !nn.seq<[h, n, d/h]>
        %11 = nn.param : <[d, h, d/h]>
        %12 = nn.param : <[h, 1, d/h]>
        %13 = nn.contract %arg2, %11, %12 {indexing_maps = [#map3, #map4, #map5]} : !nn.seq<[n, d]>, !nn.tensor<[d, h, d/h]>, !nn.tensor<[h, 1, d/h]> -> !nn.seq<[h, n, d/h]>
        %14 = nn.map %7 : !nn.seq<[h, 1, n, d/h]> -> !nn.seq<[h, 1, n, d/h]> {
        ^bb0(%arg3: f32):
          %cst = arith.constant 0.000000e+00 : f32
          %26 = arith.maximumf %arg3, %cst : f32
          nn.yield %26 : f32
        }
        %15 = nn.map %10 : !nn.seq<[h, n, d/h]> -> !nn.seq<[h, n, d/h]> {
        ^bb0(%arg3: f32):
          %cst = arith.constant 0.000000e+00 : f32
          %26 = arith.maximumf %arg3, %cst : f32
          nn.yield %26 : f32
        }
        %16 = nn.contract %15, %13 {indexing_maps = [#map6, #map7, #map8]} : !nn.seq<[h, n, d/h]> -> !nn.seq<[h, d/h, n, d/h]>
        %17 = nn.scan %16 {kind = "sum"} : !nn.seq<[h, d/h, n, d/h]>
        %18 = nn.scan %15 {kind = "sum"} : !nn.seq<[h, n, d/h]>
        %19 = nn.contract %14, %17 {indexing_maps = [#map9, #map10, #map2]} : !nn.seq<[h, 1, n, d/h]>, !nn.seq<[h, d/h, n, d/h]>
        %20 = nn.contract %14, %18 {indexing_maps = [#map9, #map11, #map2]} : !nn.seq<[h, 1, n, d/h]>, !nn.seq<[h, n, d/h]> -> !nn.seq<[h, 1, n, 1]>
        %21 = nn.map %20 : !nn.seq<[h, 1, n, 1]> -> !nn.seq<[h, 1, n, 1]> {
        ^bb0(%arg3: f32):
          %cst = arith.constant 9.99999997E-7 : f32
          %26 = arith.addf %arg3, %cst : f32
          nn.yield %26 : f32
        }
        %22 = nn.map %19, %21 : !nn.seq<[h, 1, n, d/h]>, !nn.seq<[h, 1, n, 1]> -> !nn.seq<[h, 1, n, d/h]> {
        ^bb0(%arg3: f32, %arg4: f32):
          %26 = arith.divf %arg3, %arg4 : f32
          nn.yield %26 : f32
        }
        %23 = nn.param : <[h, 1, d/h, d]>
        %24 = nn.param : <[d]>
        %25 = nn.contract %22, %23, %24 {indexing_maps = [#map12, #map13, #map14]} : !nn.seq<[h, 1, n, d/h]>, !nn.tensor<[h, 1, d/h, d]>, !nn.tensor<[d]> -> !nn.seq<[n, d]>
        nn.yield %25 : !nn.seq<[n, d]>
      }
      %2 = nn.block "nn.recurrent" (%arg2 = %1) : (!nn.seq<[n, d]>) -> !nn.seq<[n, d]> {
        %5 = nn.param : <[d, d/2]>
        %6 = nn.param : <[d/2]>
        %7 = nn.contract %arg2, %5, %6 {indexing_maps = [#map15, #map16, #map17]} : !nn.seq<[n, d]>, !nn.tensor<[d, d/2]>, !nn.tensor<[d/2]> -> !nn.seq<[n, d/2]>
        %8 = nn.param : <[d/2, d/2]>
        %9 = nn.param : <[d/2]>
        %10 = nn.constant : !nn.tensor<[d/2]>
        %11 = nn.recur (%7) init (%10) : (!nn.seq<[n, d/2]>) init (!nn.tensor<[d/2]>) -> !nn.seq<[n, d/2]> {
        ^bb0(%arg3: !nn.tensor<[d/2]>, %arg4: !nn.tensor<[d/2]>):
          %20 = nn.contract %arg4, %8, %arg3 {indexing_maps = [#map18, #map19, #map20]} : !nn.tensor<[d/2]>, !nn.tensor<[d/2, d/2]>, !nn.tensor<[d/2]>
          %21 = nn.map %20, %9 : !nn.tensor<[d/2]>, !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
          ^bb0(%arg5: f32, %arg6: f32):
            %23 = arith.addf %arg5, %arg6 : f32
            nn.yield %23 : f32
          }
          %22 = nn.map %21 : !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
          ^bb0(%arg5: f32):
            %23 = math.tanh %arg5 : f32
            nn.yield %23 : f32
          }
          nn.yield %22 : !nn.tensor<[d/2]>
        }
        %12 = nn.param : <[d, d/2]>
        %13 = nn.param : <[d/2]>
        %14 = nn.contract %arg2, %12, %13 {indexing_maps = [#map15, #map16, #map17]} : !nn.seq<[n, d]>, !nn.tensor<[d, d/2]>, !nn.tensor<[d/2]> -> !nn.seq<[n, d/2]>
        %15 = nn.param : <[d/2, d/2]>
        %16 = nn.param : <[d/2]>
        %17 = nn.constant : !nn.tensor<[d/2]>
        %18 = nn.recur (%14) init (%17) {reverse} : (!nn.seq<[n, d/2]>) init (!nn.tensor<[d/2]>) -> !nn.seq<[n, d/2]> {
        ^bb0(%arg3: !nn.tensor<[d/2]>, %arg4: !nn.tensor<[d/2]>):
          %20 = nn.contract %arg4, %15, %arg3 {indexing_maps = [#map18, #map19, #map20]} : !nn.tensor<[d/2]>, !nn.tensor<[d/2, d/2]>, !nn.tensor<[d/2]>
          %21 = nn.map %20, %16 : !nn.tensor<[d/2]>, !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
          ^bb0(%arg5: f32, %arg6: f32):
            %23 = arith.addf %arg5, %arg6 : f32
            nn.yield %23 : f32
          }
          %22 = nn.map %21 : !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
          ^bb0(%arg5: f32):
            %23 = math.tanh %arg5 : f32
            nn.yield %23 : f32
          }
          nn.yield %22 : !nn.tensor<[d/2]>
        }
        %19 = nn.concat %11, %18 {dim = 1} : !nn.seq<[n, d/2]> -> !nn.seq<[n, d]>
        nn.yield %19 : !nn.seq<[n, d]>
      }
      %3 = nn.block "nn.recurrent" (%arg2 = %2) : (!nn.seq<[n, d]>) -> !nn.seq<[n, d]> {
        %5 = nn.param : <[d, d/2]>
        %6 = nn.param : <[d/2]>
        %7 = nn.contract %arg2, %5, %6 {indexing_maps = [#map15, #map16, #map17]} : !nn.seq<[n, d]>, !nn.tensor<[d, d/2]>, !nn.tensor<[d/2]> -> !nn.seq<[n, d/2]>
        %8 = nn.param : <[d/2, d/2]>
        %9 = nn.param : <[d/2]>
        %10 = nn.constant : !nn.tensor<[d/2]>
        %11 = nn.recur (%7) init (%10) : (!nn.seq<[n, d/2]>) init (!nn.tensor<[d/2]>) -> !nn.seq<[n, d/2]> {
        ^bb0(%arg3: !nn.tensor<[d/2]>, %arg4: !nn.tensor<[d/2]>):
          %20 = nn.contract %arg4, %8, %arg3 {indexing_maps = [#map18, #map19, #map20]} : !nn.tensor<[d/2]>, !nn.tensor<[d/2, d/2]>, !nn.tensor<[d/2]>
          %21 = nn.map %20, %9 : !nn.tensor<[d/2]>, !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
          ^bb0(%arg5: f32, %arg6: f32):
            %23 = arith.addf %arg5, %arg6 : f32
            nn.yield %23 : f32
          }
          %22 = nn.map %21 : !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
          ^bb0(%arg5: f32):
            %23 = math.tanh %arg5 : f32
            nn.yield %23 : f32
          }
          nn.yield %22 : !nn.tensor<[d/2]>
        }
        %12 = nn.param : <[d, d/2]>
        %13 = nn.param : <[d/2]>
        %14 = nn.contract %arg2, %12, %13 {indexing_maps = [#map15, #map16, #map17]} : !nn.seq<[n, d]>, !nn.tensor<[d, d/2]>, !nn.tensor<[d/2]> -> !nn.seq<[n, d/2]>
        %15 = nn.param : <[d/2, d/2]>
        %16 = nn.param : <[d/2]>
        %17 = nn.constant : !nn.tensor<[d/2]>
        %18 = nn.recur (%14) init (%17) {reverse} : (!nn.seq<[n, d/2]>) init (!nn.tensor<[d/2]>) -> !nn.seq<[n, d/2]> {
        ^bb0(%arg3: !nn.tensor<[d/2]>, %arg4: !nn.tensor<[d/2]>):
          %20 = nn.contract %arg4, %15, %arg3 {indexing_maps = [#map18, #map19, #map20]} : !nn.tensor<[d/2]>, !nn.tensor<[d/2, d/2]>, !nn.tensor<[d/2]>
          %21 = nn.map %20, %16 : !nn.tensor<[d/2]>, !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
          ^bb0(%arg5: f32, %arg6: f32):
            %23 = arith.addf %arg5, %arg6 : f32
            nn.yield %23 : f32
          }
          %22 = nn.map %21 : !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
          ^bb0(%arg5: f32):
            %23 = math.tanh %arg5 : f32
            nn.yield %23 : f32
          }
          nn.yield %22 : !nn.tensor<[d/2]>
        }
        %19 = nn.concat %11, %18 {dim = 1} : !nn.seq<[n, d/2]> -> !nn.seq<[n, d]>
        nn.yield %19 : !nn.seq<[n, d]>
      }
      %4 = nn.block "nn.recurrent" (%arg2 = %3) : (!nn.seq<[n, d]>) -> !nn.seq<[n, d]> {
        %5 = nn.param : <[d, d/2]>
        %6 = nn.param : <[d/2]>
        %7 = nn.contract %arg2, %5, %6 {indexing_maps = [#map15, #map16, #map17]} : !nn.seq<[n, d]>, !nn.tensor<[d, d/2]>, !nn.tensor<[d/2]> -> !nn.seq<[n, d/2]>
        %8 = nn.param : <[d/2, d/2]>
        %9 = nn.param : <[d/2]>
        %10 = nn.constant : !nn.tensor<[d/2]>
        %11 = nn.recur (%7) init (%10) : (!nn.seq<[n, d/2]>) init (!nn.tensor<[d/2]>) -> !nn.seq<[n, d/2]> {
        ^bb0(%arg3: !nn.tensor<[d/2]>, %arg4: !nn.tensor<[d/2]>):
          %20 = nn.contract %arg4, %8, %arg3 {indexing_maps = [#map18, #map19, #map20]} : !nn.tensor<[d/2]>, !nn.tensor<[d/2, d/2]>, !nn.tensor<[d/2]>
          %21 = nn.map %20, %9 : !nn.tensor<[d/2]>, !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
          ^bb0(%arg5: f32, %arg6: f32):
            %23 = arith.addf %arg5, %arg6 : f32
            nn.yield %23 : f32
          }
          %22 = nn.map %21 : !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
          ^bb0(%arg5: f32):
            %23 = math.tanh %arg5 : f32
            nn.yield %23 : f32
          }
          nn.yield %22 : !nn.tensor<[d/2]>
        }
        %12 = nn.param : <[d, d/2]>
        %13 = nn.param : <[d/2]>
        %14 = nn.contract %arg2, %12, %13 {indexing_maps = [#map15, #map16, #map17]} : !nn.seq<[n, d]>, !nn.tensor<[d, d/2]>, !nn.tensor<[d/2]> -> !nn.seq<[n, d/2]>
        %15 = nn.param : <[d/2, d/2]>
        %16 = nn.param : <[d/2]>
        %17 = nn.constant : !nn.tensor<[d/2]>
        %18 = nn.recur (%14) init (%17) {reverse} : (!nn.seq<[n, d/2]>) init (!nn.tensor<[d/2]>) -> !nn.seq<[n, d/2]> {
        ^bb0(%arg3: !nn.tensor<[d/2]>, %arg4: !nn.tensor<[d/2]>):
          %20 = nn.contract %arg4, %15, %arg3 {indexing_maps = [#map18, #map19, #map20]} : !nn.tensor<[d/2]>, !nn.tensor<[d/2, d/2]>, !nn.tensor<[d/2]>
          %21 = nn.map %20, %16 : !nn.tensor<[d/2]>, !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
          ^bb0(%arg5: f32, %arg6: f32):
            %23 = arith.addf %arg5, %arg6 : f32
            nn.yield %23 : f32
          }
          %22 = nn.map %21 : !nn.tensor<[d/2]> -> !nn.tensor<[d/2]> {
          ^bb0(%arg5: f32):
            %23 = math.tanh %arg5 : f32
            nn.yield %23 : f32
          }
          nn.yield %22 : !nn.tensor<[d/2]>
        }
        %19 = nn.concat %11, %18 {dim = 1} : !nn.seq<[n, d/2]> -> !nn.seq<[n, d]>
        nn.yield %19 : !nn.seq<[n, d]>
      }
      nn.yield %4 : !nn.seq<[n, d]>
    }
    nn.output %0 : !nn.seq<[n, d]>
  }
}

