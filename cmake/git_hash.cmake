# SPDX-License-Identifier: MIT
# Run at build time (cmake -P): writes the git hash of SOURCE_DIR into OUTPUT, but only when it
# changed, so a new commit recompiles one file (src/core/version.cpp) and relinks.
execute_process(COMMAND git rev-parse --short HEAD WORKING_DIRECTORY ${SOURCE_DIR}
                OUTPUT_VARIABLE hash OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET RESULT_VARIABLE status)
if(NOT status EQUAL 0 OR NOT hash)
  set(hash "unknown")
endif()
set(content "// Generated at build time by cmake/git_hash.cmake.\n#pragma once\n#define SEGOID_GIT_HASH_STRING \"${hash}\"\n")
if(EXISTS ${OUTPUT})
  file(READ ${OUTPUT} old)
endif()
if(NOT "${old}" STREQUAL "${content}")
  file(WRITE ${OUTPUT} "${content}")
endif()
