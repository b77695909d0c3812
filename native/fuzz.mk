# libFuzzer targets for the runtime's parsers of untrusted input: the footer, the manifest
# (JSON parser and manifest checks), the network plan read from it, blobs (frame
# verification and zstd decompression) and layer tars (safe extraction). `make -f fuzz.mk` here,
# or `make -C native -f fuzz.mk` from the repo, builds them into build/fuzz/. docs/fuzzing.md
# says how to run them. Needs clang: libFuzzer ships with it, gcc has no equivalent.
FUZZ_CC ?= clang
FUZZ_SAN ?= -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
# No -Werror: the runtime is held to it by gcc in the Makefile, and a warning only clang gives
# should not stop the fuzzers from building.
FUZZ_CFLAGS = -g -O1 -Wall -Wextra -std=gnu11 -D_GNU_SOURCE -Isrc $(FUZZ_SAN)
FUZZ_BUILD = build/fuzz
HDR = $(wildcard src/*.h) fuzz/scratch.h

# The runtime files each target links; main.c is never linked (libFuzzer brings its own main).
# log.c reports errors as events too when the runtime has an event stream (events.c).
LOG_SRC = src/log.c $(wildcard src/events.c)
JSON_SRC = src/json.c $(LOG_SRC)
MANIFEST_SRC = src/manifest.c $(JSON_SRC) src/sha256.c
FOOTER_SRC = src/footer.c src/io.c $(MANIFEST_SRC)
TAR_SRC = src/tar.c src/safepath.c src/io.c $(MANIFEST_SRC)
BLOB_SRC = src/blob.c src/io.c src/sha256.c $(LOG_SRC)
PLAN_SRC = src/net/manifest_plan.c src/net/plan.c src/net/hosts.c $(MANIFEST_SRC)

TARGETS = json manifest footer tar plan blob

.PHONY: fuzz-all fuzz-clean
fuzz-all: $(TARGETS:%=$(FUZZ_BUILD)/fuzz-%)

$(FUZZ_BUILD)/fuzz-json: fuzz/fuzz-json.c $(JSON_SRC) $(HDR)
	@mkdir -p $(FUZZ_BUILD)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ fuzz/fuzz-json.c $(JSON_SRC) -lm

$(FUZZ_BUILD)/fuzz-manifest: fuzz/fuzz-manifest.c $(MANIFEST_SRC) $(HDR)
	@mkdir -p $(FUZZ_BUILD)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ fuzz/fuzz-manifest.c $(MANIFEST_SRC) -lm

$(FUZZ_BUILD)/fuzz-footer: fuzz/fuzz-footer.c $(FOOTER_SRC) $(HDR)
	@mkdir -p $(FUZZ_BUILD)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ fuzz/fuzz-footer.c $(FOOTER_SRC) -lm

$(FUZZ_BUILD)/fuzz-tar: fuzz/fuzz-tar.c fuzz/scratch.c $(TAR_SRC) $(HDR)
	@mkdir -p $(FUZZ_BUILD)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ fuzz/fuzz-tar.c fuzz/scratch.c $(TAR_SRC) -lm

$(FUZZ_BUILD)/fuzz-plan: fuzz/fuzz-plan.c $(PLAN_SRC) $(HDR) $(wildcard src/net/*.h)
	@mkdir -p $(FUZZ_BUILD)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ fuzz/fuzz-plan.c $(PLAN_SRC) -lm

$(FUZZ_BUILD)/fuzz-blob: fuzz/fuzz-blob.c $(BLOB_SRC) $(HDR)
	@mkdir -p $(FUZZ_BUILD)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ fuzz/fuzz-blob.c $(BLOB_SRC) -lzstd -lpthread -lm

fuzz-clean:
	rm -rf $(FUZZ_BUILD)
