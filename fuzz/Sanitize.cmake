# Sanitizer and fuzzing builds (clang only); see docs/Robustness.md.
#
#   -DCOSTOPT_SANITIZE=address,undefined   instrument everything built here
#   -DCOSTOPT_ENABLE_FUZZERS=ON            add libFuzzer coverage and build fuzz/
#
# Included from the top-level CMakeLists.txt before any target is defined,
# so the flags reach every library, tool and test. libMLIR.so itself is
# Debian's, not instrumented.

set(COSTOPT_SANITIZE "" CACHE STRING
  "Build with -fsanitize=<list>, e.g. address,undefined (clang only)")
option(COSTOPT_ENABLE_FUZZERS "Build the libFuzzer targets in fuzz/ (clang only)" OFF)

if((COSTOPT_SANITIZE OR COSTOPT_ENABLE_FUZZERS) AND NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "COSTOPT_SANITIZE and COSTOPT_ENABLE_FUZZERS need clang: "
    "configure with -DCMAKE_CXX_COMPILER=clang++-22 -DCMAKE_C_COMPILER=clang-22")
endif()

if(COSTOPT_SANITIZE)
  add_compile_options(-fsanitize=${COSTOPT_SANITIZE} -fno-sanitize-recover=all
                      -fno-omit-frame-pointer)
  add_link_options(-fsanitize=${COSTOPT_SANITIZE})
  message(STATUS "costopt: building with -fsanitize=${COSTOPT_SANITIZE}")
endif()

if(COSTOPT_ENABLE_FUZZERS)
  # Coverage for libFuzzer in every library; the fuzz targets link the
  # fuzzer runtime (-fsanitize=fuzzer) themselves.
  add_compile_options(-fsanitize=fuzzer-no-link)
  add_link_options(-fsanitize=fuzzer-no-link)
endif()
