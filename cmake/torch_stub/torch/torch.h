// SPDX-License-Identifier: MIT
// On the include path of torch-free sources only (see CMakeLists.txt, "torch boundary").
#error "This file now includes <torch/torch.h> but CMake classified it as torch-free: re-run cmake (cmake -S . -B build) so that it moves to segoid_torch."
