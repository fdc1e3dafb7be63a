# SPDX-License-Identifier: MIT
# What `make install` and the .deb (`make package`, CPack) put where, the man page, and the shipped
# model beside the binary:
#   bin/segoid                            the binary (+ the Python command names as links when the
#                                         environment has SEGOID_PYTHON_NAMES=1 at install time)
#   share/man/man1/segoid.1.gz            generated from --help by help2man (target segoid_man)
#   share/segoid/configs/*.yaml           the example configs
#   share/segoid/models/                  the shipped model and its card, when models/ has them
# In the build folder the model sits at <build>/models/, beside the binary, so one lookup
# (<exe dir>/models/, then <exe dir>/../share/segoid/models/) finds it built and installed.

# models/*.pth (and legacy *.pt) and the model card, copied at build time; the glob is re-checked at every build, so a
# model added to models/ is copied (and installed) without re-running cmake by hand.
file(GLOB SEGOID_MODEL_FILES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/models/*.pth ${CMAKE_SOURCE_DIR}/models/*.pt
     ${CMAKE_SOURCE_DIR}/models/README.md)
set(SEGOID_MODEL_COPIES)
foreach(model_file ${SEGOID_MODEL_FILES})
  get_filename_component(name ${model_file} NAME)
  add_custom_command(OUTPUT ${CMAKE_BINARY_DIR}/models/${name}
                     COMMAND ${CMAKE_COMMAND} -E copy_if_different ${model_file} ${CMAKE_BINARY_DIR}/models/${name}
                     DEPENDS ${model_file} COMMENT "" VERBATIM)
  list(APPEND SEGOID_MODEL_COPIES ${CMAKE_BINARY_DIR}/models/${name})
endforeach()
add_custom_target(segoid_models DEPENDS ${SEGOID_MODEL_COPIES})
add_dependencies(segoid segoid_models)

# The man page: help2man over `segoid --help`, with every command's --help as a COMMANDS section.
find_program(HELP2MAN_PROGRAM help2man)
set(SEGOID_MAN_PAGE ${CMAKE_BINARY_DIR}/man/segoid.1.gz)
if(HELP2MAN_PROGRAM)
  add_custom_command(OUTPUT ${SEGOID_MAN_PAGE}
                     COMMAND ${CMAKE_COMMAND} -DSEGOID=$<TARGET_FILE:segoid> -DHELP2MAN=${HELP2MAN_PROGRAM}
                             -DOUTPUT=${SEGOID_MAN_PAGE} -P ${CMAKE_SOURCE_DIR}/cmake/man_page.cmake
                     DEPENDS segoid ${CMAKE_SOURCE_DIR}/cmake/man_page.cmake
                     COMMENT "Generating the man page (help2man)" VERBATIM)
  add_custom_target(segoid_man ALL DEPENDS ${SEGOID_MAN_PAGE})
else()
  add_custom_target(segoid_man COMMAND ${CMAKE_COMMAND} -E echo "help2man not found: no man page (apt-get install help2man)")
endif()

include(GNUInstallDirs)
# `make install` and `make package` install what `segoid` and `segoid_man` built, without
# building every test, benchmark and fuzzer first (the default install depends on `all`).
set(CMAKE_SKIP_INSTALL_ALL_DEPENDENCY TRUE)
install(TARGETS segoid RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES ${SEGOID_MAN_PAGE} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 OPTIONAL)
file(GLOB SEGOID_EXAMPLE_CONFIGS ${CMAKE_SOURCE_DIR}/configs/*.yaml)
install(FILES ${SEGOID_EXAMPLE_CONFIGS} DESTINATION ${CMAKE_INSTALL_DATADIR}/segoid/configs)
if(SEGOID_MODEL_FILES)
  install(FILES ${SEGOID_MODEL_FILES} DESTINATION ${CMAKE_INSTALL_DATADIR}/segoid/models)
endif()
install(FILES ${CMAKE_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR})
# The Python SegOid's command names (`segoid --python-names`) as links to segoid, on request.
install(CODE "
  if(\"\$ENV{SEGOID_PYTHON_NAMES}\" STREQUAL \"1\")
    execute_process(COMMAND \"$<TARGET_FILE:segoid>\" --python-names OUTPUT_VARIABLE names RESULT_VARIABLE status)
    if(NOT status EQUAL 0)
      message(FATAL_ERROR \"segoid --python-names failed\")
    endif()
    string(REGEX MATCHALL \"[A-Za-z0-9_]+\" names \"\${names}\")
    set(bin \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}\")
    foreach(name \${names})
      file(CREATE_LINK segoid \"\${bin}/\${name}\" SYMBOLIC)
      message(STATUS \"Link: \${bin}/\${name} -> segoid\")
    endforeach()
  endif()")

# segoid_<version>_amd64.deb. Depends: what dpkg-shlibdeps finds for the linked libraries, plus
# PLplot's cairo driver, a plugin PLplot opens at run time (no linker dependency to find).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME segoid)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "SegOid maintainers <segoid@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "segment and measure spheroids and organoids in microscope images")
string(CONCAT CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "A U-Net (ResNet18 encoder) trained on a few annotated images segments spheroids\n"
    "and organoids in well-plate images and measures them (area, diameter, circularity).\n"
    "A C++ rebuild of the Python SegOid with the same commands, flags, YAML keys and\n"
    "output files; the example configs are in /usr/share/segoid/configs.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "plplot-driver-cairo")
# Torch's fast BLAS; without it the reference BLAS is used (slower, same results).
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libopenblas0-pthread")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)

# The package test (`make package-test`, label `package`): the .deb in a bare Debian 12 root.
# It skips (exit 77) unless SEGOID_PACKAGE_TEST=1, so a plain `ctest` does not run it.
add_test(NAME PackageInstallsInABareRoot
         COMMAND bash ${CMAKE_SOURCE_DIR}/tests/package/package_test.sh ${CMAKE_BINARY_DIR}
                 ${CMAKE_BINARY_DIR}/package-test)
set_tests_properties(PackageInstallsInABareRoot PROPERTIES LABELS package SKIP_RETURN_CODE 77 TIMEOUT 3600)
