# swiftval — make help lists the targets.
SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
GO ?= go
BENCH_DIR ?= benchmarks/results
BENCH_PKGS ?= ./engine/... ./formats/... ./rules/... ./directory/... ./server/... ./benchmarks/...
FUZZTIME ?= 30s
FUZZ ?=
# Build tags of every swiftval binary made here. validator_novalidatefn:
# go-playground/validator without its validateFn tag (unused here), whose
# by-name method call stops the linker's dead-code elimination for the whole
# binary (cmd/swiftval TestDeadCodeElimination).
BUILD_TAGS ?= validator_novalidatefn

.PHONY: help run build build-lite test bench stream-bench fuzz generate fmt vet man image image-smoke timing

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

run: build ## start the server on 127.0.0.1:8080 with embedded defaults (ARGS='--log-format text' adds flags); Ctrl-C drains and exits 0
	@# GNU make dies of a SIGINT it receives (exit 130), whatever the server's
	@# status. With job control (set -m), fg hands the terminal to the server's
	@# own process group, so Ctrl-C reaches only the server, which drains and
	@# exits 0, and so does make. Without a terminal it runs as a plain child.
	@if [ -t 0 ] && [ -t 2 ]; then set -m; bin/swiftval serve $(ARGS) & fg %1 >/dev/null; else bin/swiftval serve $(ARGS); fi

build: ## build bin/swiftval (stripped: no symbol table or DWARF; stack traces keep names; no cgo, so no libc mapped)
	CGO_ENABLED=0 $(GO) build -tags $(BUILD_TAGS) -ldflags='-s -w' -o bin/swiftval ./cmd/swiftval

build-lite: ## build bin/swiftval-lite (-tags lite): validate only, for scripts and CI jobs; none of the server, stream or CEL libraries linked, so it starts in a third of the time (docs/cli.md)
	CGO_ENABLED=0 $(GO) build -tags lite,$(BUILD_TAGS) -ldflags='-s -w' -o bin/swiftval-lite ./cmd/swiftval

test: ## go vet, the whole test suite with the race detector, then the allocation pins without it
	$(GO) vet ./...
	$(GO) test -race -timeout 20m ./...
	# Allocation pins: the race detector distorts allocation counts (sync.Pool
	# drops items at random), so these run once more without it.
	$(GO) test -count=1 -run 'Alloc' ./...

bench: ## run the benchmarks (-count 10) into a timestamped file and compare with the previous one
	@mkdir -p $(BENCH_DIR)
	@prev=$$(ls -1 $(BENCH_DIR)/*.txt 2>/dev/null | tail -n 1 || true); \
	out=$(BENCH_DIR)/$$(date -u +%Y%m%dT%H%M%SZ).txt; \
	$(GO) test -run '^$$' -bench . -benchmem -count 10 $(BENCH_PKGS) | tee $$out; \
	if [ -n "$$prev" ]; then $(GO) run golang.org/x/perf/cmd/benchstat@latest $$prev $$out; fi

stream-bench: ## stream-mode figures: one consumer's MT103 throughput, latency at a fixed rate, scaling 1/2/4 capped consumers, 1 M backlog (benchmarks/stream-bench.sh; needs root for the cgroup caps)
	benchmarks/stream-bench.sh throughput 100000 memory
	benchmarks/stream-bench.sh throughput 100000 file
	benchmarks/stream-bench.sh latency 10000 20
	benchmarks/stream-bench.sh scale 40000 0.1
	benchmarks/stream-bench.sh backlog 1000000

# Fuzz targets that nothing else runs beyond their seeds (go test runs only
# the seed corpora): make fuzz fails if one of them is not found, so none
# drops out unnoticed (a renamed target, a build tag).
FUZZ_REQUIRED := loadtest.FuzzParseHead loadtest.FuzzDechunk engine.FuzzAppendJSON \
  formats/mt.FuzzCompile formats/mx/xsd.FuzzCompile formats/mx/xsd.FuzzValidate \
  formats/mt.FuzzParse formats/mx.FuzzParse rules/custom.FuzzCompile \
  server.FuzzValidate server.FuzzFraming

fuzz: ## run every fuzz target for FUZZTIME each (FUZZ=regexp picks targets); new failing inputs land in testdata/fuzz
	@mod=$$($(GO) list -m); ran=""; failed=""; \
	for pkg in $$($(GO) list ./...); do \
	  for t in $$($(GO) test -list '^Fuzz' $$pkg | grep '^Fuzz' | grep -E '$(FUZZ)' || true); do \
	    name="$${pkg#$$mod/}.$$t"; echo "== $$name"; ran="$$ran $$name"; \
	    $(GO) test -run '^$$' -fuzz "^$$t$$" -fuzztime $(FUZZTIME) $$pkg || failed="$$failed $$name"; \
	  done; \
	done; \
	if [ -z "$(FUZZ)" ]; then \
	  for r in $(FUZZ_REQUIRED); do \
	    case " $$ran " in *" $$r "*) ;; *) echo "make fuzz: required target $$r not found"; failed="$$failed $$r";; esac; \
	  done; \
	fi; \
	echo "fuzzed:$$ran"; \
	if [ -n "$$failed" ]; then echo "FAILED:$$failed"; exit 1; fi

generate: ## regenerate generated code from formats/mx/manifest/messages.txt (needs ../shared/xsd beside the checkout)
	$(GO) mod download github.com/moov-io/iso20022
	$(GO) generate ./...

vet: ## go vet every package
	$(GO) vet ./...

man: ## write the man pages of every command into bin/man (a generator build, not shipped)
	$(GO) run -tags mangen ./cmd/swiftval man bin/man

fmt: ## gofmt every Go file
	gofmt -w $$(git ls-files '*.go')

IMAGE ?= localhost/swiftval:dev
PODMAN ?= podman
CA_BUNDLE ?= /etc/ssl/certs/ca-certificates.crt

image: ## build the container image $(IMAGE) from deploy/Containerfile (static binary on scratch) and print its size
	@mkdir -p bin/image
	@# No embedded NATS server in the image (consume connects to the
	@# cluster's; see docs/deploy.md): 9 MB less, and fewer initialisers.
	CGO_ENABLED=0 $(GO) build -tags noembeddednats,$(BUILD_TAGS) -trimpath -ldflags='-s -w' -o bin/image/swiftval ./cmd/swiftval
	@test -r $(CA_BUNDLE) || { echo "make image: no CA bundle at $(CA_BUNDLE) (install ca-certificates or set CA_BUNDLE)" >&2; exit 1; }
	cp $(CA_BUNDLE) bin/image/ca-certificates.crt
	$(PODMAN) build --quiet -f deploy/Containerfile -t $(IMAGE) bin/image
	@$(PODMAN) image inspect --format '{{.Size}}' $(IMAGE) | awk '{printf "image $(IMAGE): %.1f MB (%d bytes)\n", $$1/1e6, $$1}'

image-smoke: image ## smoke-test $(IMAGE) with podman: read-only, non-root, /readyz, validate (CLI and HTTP), SIGTERM (deploy/smoke_test.go)
	SWIFTVAL_SMOKE_IMAGE=$(IMAGE) PODMAN=$(PODMAN) $(GO) test -count=1 -run '^TestImageSmoke$$' -v ./deploy/

TIMING_RUNS ?= 15

timing: build build-lite ## whole-process figures: validate one message (MT, MX; full and lite builds) beside xmllint, server start to ready and idle RSS, peak RSS at 10 000 MT103/s, swiftval vs moov-io in process (benchmarks/README.md)
	$(GO) run ./benchmarks/coldstart -bin bin/swiftval -lite bin/swiftval-lite -runs $(TIMING_RUNS)
	bin/swiftval bench --spawn --mix mt103=1 --rate 10000 --duration 10s --warmup 2s --connections 64 --quiet
	$(GO) test -run '^$$' -bench 'MXCompare' -benchmem -count 6 ./benchmarks/
