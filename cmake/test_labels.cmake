# SPDX-License-Identifier: MIT
# CTest labels, set where the tests are declared: in the test source. A source whose opening
# comment has the line
#   // CTest label: e2e
# holds tests that run the segoid binary or train a model; it builds into test_<stage>_e2e
# (label e2e, one CTest test per GoogleTest test). Every other tests/<stage>/*_test.cpp builds into
# test_<stage> (label unit, the fast loop: `ctest -L unit`; one CTest test per executable). Unit executables do not link test::segoid_binary(), so a unit test
# that runs the binary fails to link instead of slowing the fast loop. tests/README.md has the rules.

set(SEGOID_TEST_LABELS unit e2e)

# segoid_test_label(<source> <out-var>): the source's label, unit when it names none.
function(segoid_test_label source out)
  file(STRINGS ${source} marker REGEX "^// CTest label: " LIMIT_COUNT 1)
  if(NOT marker)
    set(${out} unit PARENT_SCOPE)
    return()
  endif()
  string(REGEX REPLACE "^// CTest label: ([A-Za-z0-9_]*).*$" "\\1" label "${marker}")
  if(NOT label IN_LIST SEGOID_TEST_LABELS)
    message(FATAL_ERROR "${source}: unknown CTest label \"${label}\" (one of: ${SEGOID_TEST_LABELS})")
  endif()
  set(${out} ${label} PARENT_SCOPE)
endfunction()

# segoid_add_gtest_executable(<name> <label> <stage> <sources...>): one GoogleTest executable whose
# tests CTest runs with <label>. A torch stage's tests link the whole library, the others the
# torch-free part only; e2e tests also get test::segoid_binary() and need the binary built.
function(segoid_add_gtest_executable name label stage)
  add_executable(${name} ${ARGN})
  segoid_split_by_torch(torch_tests plain_tests ${ARGN})
  if(stage IN_LIST SEGOID_TORCH_STAGES)
    target_link_libraries(${name} PRIVATE segoid_core)
    if(torch_tests)
      segoid_use_torch_pch(${name})
    endif()
  else()
    target_link_libraries(${name} PRIVATE segoid_core_plain)
  endif()
  target_link_libraries(${name} PRIVATE segoid_test_support GTest::gtest GTest::gtest_main GTest::gmock)
  if(label STREQUAL "e2e")
    target_link_libraries(${name} PRIVATE segoid_test_binary)
    add_dependencies(${name} segoid)
  else()
    add_dependencies(unit_tests ${name})
  endif()
  if(label STREQUAL "unit")
    # One CTest test per unit executable: its tests share one process, so LibTorch and OpenCV load
    # once instead of once per test (per-test processes cost ~8x the tests' own time). One test:
    # build/test_<stage> --gtest_filter='Suite.Name'.
    add_test(NAME ${name} COMMAND ${name} --gtest_brief=1)
    set_tests_properties(${name} PROPERTIES LABELS unit TIMEOUT 900 ENVIRONMENT "${SEGOID_TEST_ENV}"
                                            ENVIRONMENT_MODIFICATION "${SEGOID_TEST_ENV_SET}")
  else()
    gtest_discover_tests(${name} DISCOVERY_TIMEOUT 120 DISCOVERY_MODE PRE_TEST PROPERTIES TIMEOUT 900 LABELS ${label}
                         ENVIRONMENT "${SEGOID_TEST_ENV}" ENVIRONMENT_MODIFICATION "${SEGOID_TEST_ENV_SET}")
  endif()
endfunction()

# segoid_add_stage_tests(<stage>): tests/<stage>/*_test.cpp split by label into test_<stage> and
# test_<stage>_e2e.
function(segoid_add_stage_tests stage)
  file(GLOB sources CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/tests/${stage}/*_test.cpp)
  set(unit_sources)
  set(e2e_sources)
  foreach(source ${sources})
    segoid_test_label(${source} label)
    list(APPEND ${label}_sources ${source})
  endforeach()
  if(unit_sources)
    segoid_add_gtest_executable(test_${stage} unit ${stage} ${unit_sources})
  endif()
  if(e2e_sources)
    segoid_add_gtest_executable(test_${stage}_e2e e2e ${stage} ${e2e_sources})
  endif()
endfunction()
