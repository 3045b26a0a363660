# Helpers that keep every costopt library and tool built the same way.

# add_costopt_library(name SOURCES... [MLIR_LIBS libs...] [LIBS libs...] [EH])
#   A library under lib/ linked against the shared libMLIR.so.
function(add_costopt_library name)
  cmake_parse_arguments(ARG "EH" "" "MLIR_LIBS;LIBS;DEPENDS" ${ARGN})
  if(ARG_EH)
    set(LLVM_REQUIRES_EH ON)
    set(LLVM_REQUIRES_RTTI ON)
  endif()
  add_mlir_library(${name} ${ARG_UNPARSED_ARGUMENTS}
    DEPENDS ${ARG_DEPENDS}
    LINK_LIBS PUBLIC ${ARG_LIBS})
  if(ARG_MLIR_LIBS)
    mlir_target_link_libraries(${name} PUBLIC ${ARG_MLIR_LIBS})
  endif()
endfunction()
