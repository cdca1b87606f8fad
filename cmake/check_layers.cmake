# Fails when a folder of harness/ includes one above it. The folders, lowest
# first; each may include only itself and those before it (ARCHITECTURE.md):
#   util -> model -> generate -> matrix -> toolchain -> compile -> check -> run -> store -> report -> cli
# Usage: cmake -DHARNESS_DIR=<harness folder> -P check_layers.cmake
set(layers util model generate matrix toolchain compile check run store report cli)
if(NOT HARNESS_DIR)
  message(FATAL_ERROR "check_layers: give -DHARNESS_DIR=<the harness folder>")
endif()
set(problems "")
foreach(folder IN LISTS layers)
  list(FIND layers ${folder} rank)
  file(GLOB_RECURSE sources "${HARNESS_DIR}/${folder}/*.hpp" "${HARNESS_DIR}/${folder}/*.cpp")
  foreach(source IN LISTS sources)
    file(STRINGS "${source}" includes REGEX "^[ \t]*#[ \t]*include[ \t]+\"[a-z_]+/")
    foreach(line IN LISTS includes)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]+\"([a-z_]+)/.*" "\\1" used "${line}")
      list(FIND layers ${used} used_rank)
      if(used_rank GREATER rank)
        file(RELATIVE_PATH where "${HARNESS_DIR}" "${source}")
        string(APPEND problems "\n  ${where}: ${folder}/ includes ${used}/, which is above it")
      endif()
    endforeach()
  endforeach()
endforeach()
if(problems)
  message(FATAL_ERROR "includes that run up the layers (util -> model -> generate -> matrix -> toolchain -> compile -> "
                      "check -> run -> store -> report -> cli):${problems}")
endif()
