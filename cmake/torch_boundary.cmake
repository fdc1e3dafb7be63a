# SPDX-License-Identifier: MIT
# The torch boundary, decided per file: a source uses torch when it, or a header it includes
# with quotes or as "segoid/...", includes <torch/...>, <ATen/...>, <c10/...> or <caffe2/...>
# (transitively). tools/check_includes.py applies the same rule.
#
# The scan runs at configure time. A torch-free source that later starts to include torch fails
# to compile with "re-run cmake" (cmake/torch_stub/torch/torch.h), and the IncludeBoundaries test
# reports any file whose classification is out of date.

# segoid_uses_torch(<file> <out-var>): sets <out-var> to TRUE or FALSE.
function(segoid_uses_torch file out)
  set(pending ${file})
  set(seen)
  while(pending)
    list(POP_FRONT pending current)
    list(APPEND seen ${current})
    file(STRINGS ${current} lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"]")
    get_filename_component(current_dir ${current} DIRECTORY)
    foreach(line IN LISTS lines)
      string(REGEX REPLACE "^[ \t]*#[ \t]*include[ \t]*[<\"]([^>\"]+)[>\"].*$" "\\1" target "${line}")
      if(target MATCHES "^(torch|ATen|c10|caffe2)/")
        set(${out} TRUE PARENT_SCOPE)
        return()
      endif()
      foreach(base ${CMAKE_SOURCE_DIR}/include ${current_dir} ${CMAKE_SOURCE_DIR}/tests)
        if(EXISTS ${base}/${target} AND NOT IS_DIRECTORY ${base}/${target})
          get_filename_component(found ${base}/${target} REALPATH)
          if(NOT found IN_LIST seen AND NOT found IN_LIST pending)
            list(APPEND pending ${found})
          endif()
          break()
        endif()
      endforeach()
    endforeach()
  endwhile()
  set(${out} FALSE PARENT_SCOPE)
endfunction()

# segoid_split_by_torch(<torch-var> <plain-var> <sources...>)
function(segoid_split_by_torch torch_out plain_out)
  set(torch_sources)
  set(plain_sources)
  foreach(source ${ARGN})
    segoid_uses_torch(${source} uses)
    if(uses)
      list(APPEND torch_sources ${source})
    else()
      list(APPEND plain_sources ${source})
    endif()
  endforeach()
  set(${torch_out} ${torch_sources} PARENT_SCOPE)
  set(${plain_out} ${plain_sources} PARENT_SCOPE)
endfunction()
