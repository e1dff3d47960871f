# Fails when a module includes headers its layer must not see: actors/ must
# build without gRPC (STYLE.md: the core/network split), and only the engine's
# public headers may be included as <sluice/...> from outside engine/.
# Run by CTest as: cmake -DROOT=<source dir> -P forbidden_includes.cmake
file(GLOB_RECURSE actor_sources "${ROOT}/actors/*.h" "${ROOT}/actors/*.cc")
set(violations "")
foreach(source ${actor_sources})
  file(STRINGS "${source}" lines REGEX "^#include [<\"](grpc|grpcpp|transports/|engine/src/)")
  foreach(line ${lines})
    list(APPEND violations "${source}: ${line}")
  endforeach()
endforeach()
if(violations)
  list(JOIN violations "\n  " text)
  message(FATAL_ERROR "forbidden includes:\n  ${text}")
endif()
list(LENGTH actor_sources count)
message(STATUS "forbidden_includes: ${count} files in actors/ checked, none includes gRPC")
