# Thin wrapper over CMake. Two build trees: build/release for demo, bench and
# install; build/asan (AddressSanitizer + UBSan, -Werror) for tests.
PREFIX ?= /usr/local
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
RELEASE := build/release
ASAN    := build/asan

.PHONY: all deps build test demo bench install clean

all: build

deps:
	@bash scripts/install-deps.sh

$(RELEASE)/CMakeCache.txt:
	cmake -S . -B $(RELEASE) -DCMAKE_BUILD_TYPE=Release -DKZ_TESTS=OFF

build: deps $(RELEASE)/CMakeCache.txt
	cmake --build $(RELEASE) -j $(JOBS)

$(ASAN)/CMakeCache.txt:
	cmake -S . -B $(ASAN) -DCMAKE_BUILD_TYPE=Debug -DKZ_SANITIZE=ON

# The release tools (static links, what make demo runs) are built and the demo
# run too: a link or demo failure would otherwise only show in make demo.
test: deps $(ASAN)/CMakeCache.txt $(RELEASE)/CMakeCache.txt
	cmake --build $(ASAN) -j $(JOBS)
	cd $(ASAN) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS)
	cmake --build $(RELEASE) -j $(JOBS)
	@bash scripts/demo.sh $(RELEASE)/bin > $(RELEASE)/demo.out 2>&1 || \
	  { cat $(RELEASE)/demo.out; echo "make test: the demo failed"; exit 1; }
	@echo "make test: release tools built, demo ran"

demo: build
	@bash scripts/demo.sh $(RELEASE)/bin

bench: build
	@bash scripts/bench.sh $(RELEASE)

install: build
	cmake --install $(RELEASE) --prefix $(PREFIX)

clean:
	rm -rf build
