# swarmop: targets for humans. `make demo` and `make test` install what they need first.
SHELL := /bin/bash
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
# ccache: a rebuild of the same sources (a second clone, CI after a session, another worktree) is a cache hit.
# Paths are made relative to the checkout and the build folder is left out of the hash, so two clones share.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

# Debian packages: build dependencies, then the test bed (a private dockerd + a busybox image).
# libgit2-dev: pull mode (`swarmop run --git-url`); git: the gitops tests commit and serve with it (docs/gitops.md).
BUILD_PKGS := cmake g++ make pkg-config libboost-dev libboost-system-dev libcpprest-dev nlohmann-json3-dev \
  libyaml-cpp-dev libgoogle-glog-dev libgtest-dev libgmock-dev libvalijson-dev libcli11-dev \
  prometheus-cpp-dev libkainjow-mustache-dev libbenchmark-dev libssl-dev libgit2-dev git ccache
# postgresql: the replication tests run real servers from the rendered configuration.
# openssl: `testbed.sh up --tls` makes a throw-away CA and certificates.
# mmdebstrap: the estate's images (PostgreSQL, the Django API, Prometheus) are built from Debian packages.
# prometheus, prometheus-alertmanager: promtool and amtool check the prometheus profile's rendered files.
TESTBED_PKGS := docker.io busybox-static iproute2 iptables procps util-linux postgresql bc curl openssl \
  mmdebstrap prometheus prometheus-alertmanager docker-registry apache2-utils
# libFuzzer: clang 14 and its runtime libraries (make fuzz).
FUZZ_PKGS := clang libclang-rt-14-dev

# `make test` (= CI) also runs the unit tier under AddressSanitizer + UBSan (build-asan/) and each fuzzer for
# FUZZ_SECONDS. Skipping either takes an explicit SKIP_SANITIZERS=1 / SKIP_FUZZ=1.
ASAN_DIR ?= build-asan
FUZZ_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
SKIP_SANITIZERS ?= 0
SKIP_FUZZ ?= 0
SANITIZE ?= 0

.PHONY: all deps build images test unit test-asan fuzz demo bench format lint clean

all: build

# Idempotent and cheap when everything is present (one dpkg-query per package).
deps:
	@scripts/install-deps.sh $(BUILD_PKGS) $(TESTBED_PKGS) $(FUZZ_PKGS)

$(BUILD_DIR)/Makefile: CMakeLists.txt | deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache

build: deps $(BUILD_DIR)/Makefile
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The images the demo and the integration tests run, from Debian packages (images/README.md). Cached by a
# hash of their inputs in /var/cache/swarmop/images: a second run rebuilds nothing.
images: build
	images/build.sh --out $(BUILD_DIR)/images

# Unit tier, then the integration tier against a private swarm the test bed starts and tears down; then the
# unit tier again under ASan+UBSan, then every fuzzer with a fixed seed and number of runs (deterministic;
# `make fuzz` alone runs FUZZ_SECONDS each), unless SKIP_SANITIZERS / SKIP_FUZZ.
test: build images
	tests/run-tests.sh $(BUILD_DIR)
ifneq ($(SKIP_SANITIZERS),1)
	$(MAKE) --no-print-directory test-asan
else
	@echo "test: SKIP_SANITIZERS=1: the unit tier under ASan+UBSan was NOT run"
endif
ifneq ($(SKIP_FUZZ),1)
	FUZZ_DETERMINISTIC=1 $(MAKE) --no-print-directory fuzz
else
	@echo "test: SKIP_FUZZ=1: the fuzzers were NOT run"
endif

ifeq ($(SANITIZE),1)
unit: test-asan
else
unit: build
	cd $(BUILD_DIR) && ctest --output-on-failure -LE integration
endif

# The unit tier built with -fsanitize=address,undefined in its own folder (build/ is left alone).
$(ASAN_DIR)/Makefile: CMakeLists.txt | deps
	cmake -S . -B $(ASAN_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSWARMOP_SANITIZE=ON -DSWARMOP_BUILD_BENCH=OFF \
	  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache

test-asan: deps $(ASAN_DIR)/Makefile
	cmake --build $(ASAN_DIR) --target unit-tier -j $(JOBS)
	cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1 \
	  LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure --no-tests=error -LE integration -j $(JOBS) --timeout 900

# libFuzzer targets (fuzz/), built by clang with ASan+UBSan in their own folder; each runs FUZZ_SECONDS.
FUZZ_CXXFLAGS := -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
$(FUZZ_DIR)/Makefile: CMakeLists.txt fuzz/CMakeLists.txt | deps
	CXX=clang++ cmake -S . -B $(FUZZ_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSWARMOP_FUZZ=ON \
	  -DSWARMOP_BUILD_TESTS=OFF -DSWARMOP_BUILD_BENCH=OFF -DCMAKE_CXX_FLAGS="$(FUZZ_CXXFLAGS)" \
	  -DCMAKE_CXX_COMPILER_LAUNCHER=ccache

fuzz: deps $(FUZZ_DIR)/Makefile
	cmake --build $(FUZZ_DIR) --target fuzzers -j $(JOBS)
	fuzz/run-fuzzers.sh $(FUZZ_DIR) $(FUZZ_SECONDS)

demo: build images
	scripts/demo.sh $(BUILD_DIR)

bench: build
	scripts/bench.sh $(BUILD_DIR)

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

lint: $(BUILD_DIR)/Makefile
	git ls-files '*.cpp' | grep -v '^tests/' | xargs clang-tidy -p $(BUILD_DIR) --quiet

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR) $(FUZZ_DIR)
