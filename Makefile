# SPDX-License-Identifier: MIT
# SegOid: `make demo` runs the pipeline on built-in synthetic plates; `make test` builds everything
# and runs the test suite. Each target installs the Debian 12 packages it needs, then builds what
# it runs: `make build` and `make demo` the segoid binary only; `make test` every target (tests,
# benchmarks, fuzzers); `make package` the .deb.

BUILD_DIR ?= build
JOBS ?= $(shell nproc)
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
DEMO_OUT ?= $(shell mktemp -u /tmp/segoid-demo-XXXXXX)
PREFIX ?= /usr/local
# PYTHON_NAMES=1: also link the Python SegOid's command names (train, predict_full, ...) to segoid
# (make install, make package).
PYTHON_NAMES ?= 0

# Build and run: compiler, CMake, the libraries segoid links (GoogleTest too, which CMake requires).
APT_BUILD := build-essential cmake pkg-config ccache git \
  libtorch-dev libopencv-dev libtiff-dev libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev \
  nlohmann-json3-dev libprotobuf-dev protobuf-compiler libgtest-dev libgmock-dev \
  libplplot-dev plplot-driver-cairo libcpp-httplib-dev libgsl-dev libpcre2-dev zlib1g-dev \
  libopenblas0-pthread
# make test: the fixtures' references (Debian's python3 torch, torchvision, scikit-image, ...), the
# fuzz targets (clang-14, libFuzzer), the workflow test (snakemake), the man page (help2man).
APT_TEST := python3 python3-numpy python3-torch python3-torchvision python3-skimage python3-scipy \
  python3-tifffile python3-yaml python3-sklearn python3-pandas python3-pil \
  clang-14 libclang-rt-14-dev snakemake help2man
# make package / package-test: dpkg-shlibdeps (dpkg-dev, file), the man page, a bare Debian root.
APT_PACKAGE := dpkg-dev file help2man debootstrap
# The review page's browser test: installed when the command is missing (a Node.js from elsewhere,
# with its own npm, is used as it is); without them that one test skips.
BROWSER_TOOLS := chromium:chromium node:nodejs npm:npm

# make demo-plate: the synthetic plate assay through a trained model (the shipped one by default).
MODEL ?= models/spheroid-base.pth
DEMO_PLATE_OUT ?= $(shell mktemp -u /tmp/segoid-demo-plate-XXXXXX)

FUZZ_SECONDS ?= 60
FUZZ_RUNS ?=

.PHONY: all deps deps-build deps-test deps-package configure build build-all test demo demo-plate base-model bench fuzz \
  package package-test install clean

all: build

# apt_install: installs the listed packages that are missing (apt-get update only when some are).
define apt_install
	@missing=$$(dpkg-query -W -f='$${Package} $${db:Status-Abbrev}\n' $(1) 2>/dev/null \
	  | awk '$$2 == "ii" {print $$1}' | sort > /tmp/.segoid-installed.$$$$; \
	  for p in $(1); do grep -qx "$$p" /tmp/.segoid-installed.$$$$ || echo $$p; done; rm -f /tmp/.segoid-installed.$$$$); \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing packages:" $$missing; \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi
endef

deps: deps-build deps-test deps-package

deps-build:
	$(call apt_install,$(APT_BUILD))

deps-test: deps-build
	$(call apt_install,$(APT_TEST))
	@missing=$$(for t in $(BROWSER_TOOLS); do command -v $${t%%:*} >/dev/null || echo $${t#*:}; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing for the browser test:" $$missing; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing \
	    || echo "could not install $$missing: the browser test will skip"; \
	fi
	@# playwright-core for the review page's browser test (package-lock.json); without it that test skips.
	@[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund || echo "npm ci failed: the browser test will skip"

deps-package: deps-build
	$(call apt_install,$(APT_PACKAGE))

configure:
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release > $(BUILD_DIR).cmake.log 2>&1 || (cat $(BUILD_DIR).cmake.log; exit 1)

# The segoid binary (and the shipped model beside it, when the repository has one).
build: deps-build
	@$(MAKE) --no-print-directory configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target segoid

# Every target: segoid, test executables, benchmarks, fuzzers, man page.
build-all: deps-test
	@$(MAKE) --no-print-directory configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The full suite: unit, e2e (with the workflow test), reliability (kill and full-disk tests), the
# fuzzers' replay of their corpus and regressions, the browser test. Not the package test.
test: build-all
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 1200 -LE package

demo: build
	$(BUILD_DIR)/segoid demo --out $(DEMO_OUT)

# Synthetic assay -> predict -> quantify -> plate_summary, then the recovered IC50s and growth
# rates against the truth. MODEL=path/to/checkpoint.pt picks another model.
demo-plate: build
	@[ -f "$(MODEL)" ] || { echo "demo-plate: no model at \"$(MODEL)\"; give MODEL=path/to/checkpoint.pt"; exit 2; }
	$(BUILD_DIR)/segoid demo_plate --model $(MODEL) --out $(DEMO_PLATE_OUT)

# The shipped model models/spheroid-base.pth from its seeds (tools/train_base_model.sh): hours on
# 2 cores, resumable by running it again; BASE_MODEL_OUT keeps the data and the run.
BASE_MODEL_OUT ?= /var/tmp/segoid-base-model
base-model: build
	nice -n 19 tools/train_base_model.sh $(BUILD_DIR)/segoid $(BASE_MODEL_OUT)

bench: build-all
	bash bench/run_all.sh $(BUILD_DIR)

# Every libFuzzer target for FUZZ_SECONDS each, or until FUZZ_RUNS executions when set (corpus kept
# in $(BUILD_DIR)/fuzz-runs); prints executions. `make test` only replays the stored inputs.
fuzz: deps-test
	@$(MAKE) --no-print-directory configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target segoid_fuzz
	FUZZ_RUNS=$(FUZZ_RUNS) bash fuzz/run_fuzz.sh $(BUILD_DIR)/fuzz $(FUZZ_SECONDS) $(BUILD_DIR)/fuzz-runs

# $(BUILD_DIR)/segoid_<version>_amd64.deb (CPack; Depends from dpkg-shlibdeps).
package: deps-package
	@$(MAKE) --no-print-directory configure
	cmake --build $(BUILD_DIR) -j $(JOBS) --target segoid segoid_man
	cd $(BUILD_DIR) && SEGOID_PYTHON_NAMES=$(PYTHON_NAMES) cpack -G DEB

# The .deb in a bare Debian 12 root (debootstrap --variant=minbase, root only): apt installs it,
# then segoid --version, synth and predict_full run there. Slow (minutes); not part of `make test`.
package-test: package
	cd $(BUILD_DIR) && SEGOID_PACKAGE_TEST=1 ctest --output-on-failure -L package

# segoid, the man page, the example configs and the shipped model under $(DESTDIR)$(PREFIX)
# (bin/, share/man/man1/, share/segoid/); PYTHON_NAMES=1 adds the Python command names as links.
install:
	@[ -x $(BUILD_DIR)/segoid ] || $(MAKE) --no-print-directory build
	@[ -f $(BUILD_DIR)/man/segoid.1.gz ] || cmake --build $(BUILD_DIR) --target segoid_man
	DESTDIR=$(DESTDIR) SEGOID_PYTHON_NAMES=$(PYTHON_NAMES) cmake --install $(BUILD_DIR) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD_DIR) $(BUILD_DIR).cmake.log
