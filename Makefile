# swarmop: targets for humans. `make demo` and `make test` install what they need first.
SHELL := /bin/bash
BUILD_DIR ?= build
JOBS ?= $(shell nproc)
# ccache: a rebuild of the same sources (a second clone, CI after a session, another worktree) is a cache hit.
# Paths are made relative to the checkout and the build folder is left out of the hash, so two clones share.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

# Debian packages: build dependencies, then the test bed (a private dockerd + a busybox image).
BUILD_PKGS := cmake g++ make pkg-config libboost-dev libboost-system-dev libcpprest-dev nlohmann-json3-dev \
  libyaml-cpp-dev libgoogle-glog-dev libgtest-dev libgmock-dev libvalijson-dev libcli11-dev \
  prometheus-cpp-dev libkainjow-mustache-dev libbenchmark-dev libssl-dev ccache
# postgresql: the replication tests run real servers from the rendered configuration.
# openssl: `testbed.sh up --tls` makes a throw-away CA and certificates.
# mmdebstrap: the estate's images (PostgreSQL, the Django API, Prometheus) are built from Debian packages.
# prometheus, prometheus-alertmanager: promtool and amtool check the prometheus profile's rendered files.
TESTBED_PKGS := docker.io busybox-static iproute2 iptables procps util-linux postgresql bc curl openssl \
  mmdebstrap prometheus prometheus-alertmanager

.PHONY: all deps build images test unit demo bench format lint clean

all: build

# Idempotent and cheap when everything is present (one dpkg-query per package).
deps:
	@scripts/install-deps.sh $(BUILD_PKGS) $(TESTBED_PKGS)

$(BUILD_DIR)/Makefile: CMakeLists.txt | deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache

build: deps $(BUILD_DIR)/Makefile
	cmake --build $(BUILD_DIR) -j $(JOBS)

# The images the demo and the integration tests run, from Debian packages (images/README.md). Cached by a
# hash of their inputs in /var/cache/swarmop/images: a second run rebuilds nothing.
images: build
	images/build.sh --out $(BUILD_DIR)/images

# Unit tier, then the integration tier against a private swarm the test bed starts and tears down.
test: build images
	tests/run-tests.sh $(BUILD_DIR)

unit: build
	cd $(BUILD_DIR) && ctest --output-on-failure -LE integration

demo: build images
	scripts/demo.sh $(BUILD_DIR)

bench: build
	scripts/bench.sh $(BUILD_DIR)

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

lint: $(BUILD_DIR)/Makefile
	git ls-files '*.cpp' | grep -v '^tests/' | xargs clang-tidy -p $(BUILD_DIR) --quiet

clean:
	rm -rf $(BUILD_DIR)
