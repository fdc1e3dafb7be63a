# SPDX-License-Identifier: MIT
# SegOid: `make demo` runs the pipeline on built-in synthetic plates; `make test` builds and tests.
# Both install what is missing (Debian 12 packages) and build first.

BUILD_DIR ?= build
JOBS ?= $(shell nproc)
SUDO := $(shell [ "$$(id -u)" -eq 0 ] || echo sudo)
DEMO_OUT ?= $(shell mktemp -u /tmp/segoid-demo-XXXXXX)
PREFIX ?= /usr/local
# PYTHON_NAMES=1: also link the Python SegOid's command names (train, predict_full, ...) to segoid.
PYTHON_NAMES ?= 0

# Build: compiler, CMake, libraries. Test fixtures: Debian's python3 torch, torchvision, scikit-image.
APT_PACKAGES := build-essential cmake pkg-config ccache git \
  libtorch-dev libopencv-dev libtiff-dev libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev \
  nlohmann-json3-dev libprotobuf-dev protobuf-compiler libgtest-dev libgmock-dev \
  libplplot-dev plplot-driver-cairo libcpp-httplib-dev libgsl-dev libpcre2-dev zlib1g-dev \
  python3 python3-numpy python3-torch python3-torchvision python3-skimage python3-scipy \
  python3-tifffile python3-yaml python3-sklearn python3-pandas \
  python3-pil libopenblas0-pthread
# The review page's browser test: installed when the command is missing (a Node.js from elsewhere,
# with its own npm, is used as it is); without them that one test skips.
BROWSER_TOOLS := chromium:chromium node:nodejs npm:npm

# make demo-plate: the synthetic plate assay through a trained model (the shipped one by default).
MODEL ?= models/spheroid-base.pt
DEMO_PLATE_OUT ?= $(shell mktemp -u /tmp/segoid-demo-plate-XXXXXX)

FUZZ_SECONDS ?= 60
FUZZ_RUNS ?=

.PHONY: all deps build test demo demo-plate bench fuzz clean install

all: build

deps:
	@missing=$$(dpkg-query -W -f='$${Package} $${db:Status-Abbrev}\n' $(APT_PACKAGES) 2>/dev/null \
	  | awk '$$2 == "ii" {print $$1}' | sort > /tmp/.segoid-installed; \
	  for p in $(APT_PACKAGES); do grep -qx "$$p" /tmp/.segoid-installed || echo $$p; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing missing packages:" $$missing; \
	  $(SUDO) apt-get update -q && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	fi
	@missing=$$(for t in $(BROWSER_TOOLS); do command -v $${t%%:*} >/dev/null || echo $${t#*:}; done); \
	if [ -n "$$missing" ]; then \
	  echo "Installing for the browser test:" $$missing; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing \
	    || echo "could not install $$missing: the browser test will skip"; \
	fi
	@# playwright-core for the review page's browser test (package-lock.json); without it that test skips.
	@[ -d node_modules/playwright-core ] || npm ci --no-audit --no-fund || echo "npm ci failed: the browser test will skip"

build: deps
	@cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=Release > $(BUILD_DIR).cmake.log 2>&1 || (cat $(BUILD_DIR).cmake.log; exit 1)
	cmake --build $(BUILD_DIR) -j $(JOBS)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS) --timeout 1200

demo: build
	$(BUILD_DIR)/segoid demo --out $(DEMO_OUT)

# Synthetic assay -> predict -> quantify -> plate_summary, then the recovered IC50s and growth
# rates against the truth. MODEL=path/to/checkpoint.pt picks another model.
demo-plate: build
	@[ -f "$(MODEL)" ] || { echo "demo-plate: no model at \"$(MODEL)\"; give MODEL=path/to/checkpoint.pt"; exit 2; }
	$(BUILD_DIR)/segoid demo_plate --model $(MODEL) --out $(DEMO_PLATE_OUT)

bench: build
	cmake --build $(BUILD_DIR) -j $(JOBS) --target bench
	bash bench/run_all.sh $(BUILD_DIR)

# Installs build/segoid (built first when missing) into $(DESTDIR)$(PREFIX)/bin; with
# PYTHON_NAMES=1 the Python entry-point names (`segoid --python-names`) become links to it.
install:
	@[ -x $(BUILD_DIR)/segoid ] || $(MAKE) build
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BUILD_DIR)/segoid $(DESTDIR)$(PREFIX)/bin/segoid
	@if [ "$(PYTHON_NAMES)" = 1 ]; then \
	  for name in $$($(BUILD_DIR)/segoid --python-names); do \
	    ln -sf segoid $(DESTDIR)$(PREFIX)/bin/$$name && echo "$(DESTDIR)$(PREFIX)/bin/$$name -> segoid"; \
	  done; \
	fi

# Every libFuzzer target for FUZZ_SECONDS each, or until FUZZ_RUNS executions when set (corpus kept
# in $(BUILD_DIR)/fuzz-runs); prints executions.
fuzz: build
	FUZZ_RUNS=$(FUZZ_RUNS) bash fuzz/run_fuzz.sh $(BUILD_DIR)/fuzz $(FUZZ_SECONDS) $(BUILD_DIR)/fuzz-runs

clean:
	rm -rf $(BUILD_DIR) $(BUILD_DIR).cmake.log
