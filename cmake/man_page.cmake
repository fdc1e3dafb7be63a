# SPDX-License-Identifier: MIT
# Run at build time (cmake -P): segoid.1.gz from `segoid --help` by help2man, with a COMMANDS
# section holding each command's own --help. Inputs: SEGOID, HELP2MAN, OUTPUT (the .1.gz).
execute_process(COMMAND ${SEGOID} --help OUTPUT_VARIABLE help RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${SEGOID} --help failed")
endif()
# Command lines of the help look like "  name  description" or "  name, alias  description".
string(REGEX MATCHALL "\n  [a-z_]+[ ,]" lines "${help}")
set(commands)
foreach(line ${lines})
  string(REGEX REPLACE "^\n  ([a-z_]+).*$" "\\1" name "${line}")
  list(APPEND commands ${name})
endforeach()
list(REMOVE_DUPLICATES commands)

# help2man --include text is roff: backslashes escaped, lines starting with . or ' protected.
function(roff_escape text out)
  string(REPLACE "\\" "\\e" text "${text}")
  string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" text "${text}")
  set(${out} "${text}" PARENT_SCOPE)
endfunction()

get_filename_component(dir ${OUTPUT} DIRECTORY)
file(MAKE_DIRECTORY ${dir})
set(include "[COMMANDS]\nEach command has its own options; \\fBsegoid \\fIcommand\\fB --help\\fR prints them.\n")
foreach(command ${commands})
  execute_process(COMMAND ${SEGOID} ${command} --help OUTPUT_VARIABLE text RESULT_VARIABLE status)
  if(NOT status EQUAL 0)
    message(FATAL_ERROR "${SEGOID} ${command} --help failed")
  endif()
  string(REPLACE "${SEGOID}" "segoid" text "${text}")  # the usage line names the build's path
  roff_escape("${text}" text)
  string(APPEND include ".SS ${command}\n.nf\n${text}.fi\n")
endforeach()
# (A line starting with "/" would be a help2man pattern: \fI starts these.)
string(APPEND include "[FILES]\n.TP\n\\fI/usr/share/segoid/configs/\\fR\n"
                      "example configs (train, predict, quantify, cross-validation, sanity check)\n"
                      ".TP\n\\fI/usr/share/segoid/models/\\fR\n"
                      "the shipped model and its model card, when the package has one\n")
file(WRITE ${dir}/segoid.h2m "${include}")

get_filename_component(page ${OUTPUT} NAME_WLE)
execute_process(COMMAND ${HELP2MAN} --no-info --section 1
                        --name "segment and measure spheroids and organoids in microscope images"
                        --include ${dir}/segoid.h2m --output ${dir}/${page} ${SEGOID}
                RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "help2man failed on ${SEGOID}")
endif()
execute_process(COMMAND gzip -9 -n -f ${dir}/${page} RESULT_VARIABLE status)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "gzip failed on ${dir}/${page}")
endif()
