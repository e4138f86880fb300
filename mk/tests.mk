# mk/tests.mk — test programs and the check targets.

CHECK_SRC    := $(sort $(wildcard tests/check_*.c))
CHECK_NAMES  := $(patsubst tests/%.c,%,$(CHECK_SRC))
CHECK_STATIC := $(addprefix $(B)/tests/,$(addsuffix -static,$(CHECK_NAMES)))
CHECK_SHARED := $(addprefix $(B)/tests/,$(addsuffix -shared,$(CHECK_NAMES)))
FUZZ_NAMES   := $(patsubst tests/fuzz/fuzz_%.c,%,$(sort $(wildcard tests/fuzz/fuzz_*.c)))
REPLAYS      := $(addprefix $(B)/tests/replay_,$(FUZZ_NAMES))

# Check is found with pkg-config; `make deps` installs it (and pkg-config)
# when missing. Evaluated lazily, only by the targets that need it.
CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell pkg-config --libs check 2>/dev/null)
TEST_CFLAGS  = $(WARNFLAGS) $(CFLAGS) $(SANFLAGS) $(CPPFLAGS) -Iinclude -Itests $(CHECK_CFLAGS)

.PHONY: deps check check-unit check-unit-static check-symbols check-replay \
        check-install check-asan check-valgrind check-rng tests

# Install what the tests need on Debian when root; otherwise name the command.
deps:
	@sh tests/tools/need.sh check:check pkg-config:pkg-config

tests: $(CHECK_STATIC) $(CHECK_SHARED) $(REPLAYS)

$(B)/tests/harness.o: tests/harness.c tests/harness.h include/shipest.h | $(B)/tests
	$(CC) $(TEST_CFLAGS) -c $< -o $@
$(B)/tests/%.o: tests/%.c tests/harness.h include/shipest.h | $(B)/tests
	$(CC) $(TEST_CFLAGS) -c $< -o $@
$(B)/tests/%-static: $(B)/tests/%.o $(B)/tests/harness.o $(STATIC_LIB)
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $(B)/tests/$*.o $(B)/tests/harness.o $(STATIC_LIB) $(CHECK_LIBS) $(LIBS_PRIVATE)
$(B)/tests/%-shared: $(B)/tests/%.o $(B)/tests/harness.o $(SHARED_DEV)
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $(B)/tests/$*.o $(B)/tests/harness.o -L$(L) -lshipest \
	    -Wl,-rpath,'$$ORIGIN/../../$(L)' $(CHECK_LIBS) $(LIBS_PRIVATE)

# Corpus replay: each fuzz target linked with a plain main() (no libFuzzer).
$(B)/tests/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(STATIC_LIB) | $(B)/tests
	$(CC) $(WARNFLAGS) $(CFLAGS) $(SANFLAGS) -Iinclude -o $@ tests/fuzz/replay.c $< $(STATIC_LIB) $(LIBS_PRIVATE)

# The README's test command: everything, against both libraries.
check: deps
	@$(MAKE) --no-print-directory check-unit check-symbols check-replay check-default-table \
	    check-install check-examples check-python

# Each suite prints Check's summary line; every program runs even if one fails.
check-unit: tests
	@fail=0; for t in $(CHECK_STATIC) $(CHECK_SHARED); do \
	    echo "== $$t"; $(TEST_ENV) $$t || fail=1; done; \
	 if [ $$fail -ne 0 ]; then echo "check-unit: FAILED"; exit 1; fi

check-unit-static: $(CHECK_STATIC) $(REPLAYS)
	@fail=0; for t in $(CHECK_STATIC); do \
	    echo "== $$t"; $(TEST_ENV) $$t || fail=1; done; \
	 for f in $(FUZZ_NAMES); do $(TEST_ENV) $(B)/tests/replay_$$f tests/fuzz/corpus/$$f || fail=1; done; \
	 if [ $$fail -ne 0 ]; then echo "check: FAILED"; exit 1; fi

check-symbols: $(SHARED_REAL)
	@sh tests/tools/check-symbols.sh $(SHARED_REAL) tests/symbols.txt

# Regenerate the committed symbol list after adding public API on purpose.
symbols: $(SHARED_REAL)
	@nm -D --defined-only $(SHARED_REAL) | awk '{print $$3}' | sort > tests/symbols.txt
	@echo "tests/symbols.txt: $$(wc -l < tests/symbols.txt) symbols"

check-replay: $(REPLAYS)
	@for f in $(FUZZ_NAMES); do $(B)/tests/replay_$$f tests/fuzz/corpus/$$f || exit 1; done

check-install: libs
	@sh tests/tools/install-roundtrip.sh

# AddressSanitizer + UBSan, in their own build folder, without Check's fork
# so reports reach the terminal.
check-asan: deps
	@$(MAKE) --no-print-directory B=build/asan L=build/asan/lib CFLAGS="-O1 -g" \
	    SANFLAGS="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	    TEST_ENV="CK_FORK=no ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1" \
	    check-unit-static

VALGRIND ?= valgrind --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect,possible --quiet
check-valgrind: deps
	@sh tests/tools/need.sh valgrind:valgrind
	@$(MAKE) --no-print-directory TEST_ENV="CK_FORK=no SHIPEST_TEST_VALGRIND=1 SHIPEST_TEST_OOM_STRIDE=7 $(VALGRIND)" check-unit-static
.SECONDARY:

# ---- fuzzing (clang's libFuzzer) ----------------------------------------------
# make fuzz-NAME [FUZZ_SECONDS=600]: fuzz tests/fuzz/fuzz_NAME.c, starting from
# tests/fuzz/corpus/NAME. New inputs go to build/fuzz/NAME.new; keep the useful
# ones with `make fuzz-merge-NAME`, which minimises them into the corpus.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 600
FUZZ_FLAGS   := -std=c11 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
                -Iinclude -Isrc -DSHIPEST_BUILDING

$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(LIB_SRC) $(GEN_SRC) $(wildcard src/*.h) include/shipest.h
	@mkdir -p $(B)/fuzz
	$(FUZZ_CC) $(FUZZ_FLAGS) -o $@ $< $(LIB_SRC) $(GEN_SRC) -lm -lpthread

fuzz-%: $(B)/fuzz/fuzz_%
	@sh tests/tools/need.sh clang:clang
	@mkdir -p $(B)/fuzz/$*.new
	$(B)/fuzz/fuzz_$* -max_total_time=$(FUZZ_SECONDS) -max_len=65536 -timeout=10 \
	    -artifact_prefix=tests/fuzz/ $(B)/fuzz/$*.new tests/fuzz/corpus/$*

fuzz-merge-%: $(B)/fuzz/fuzz_%
	$(B)/fuzz/fuzz_$* -merge=1 tests/fuzz/corpus/$* $(B)/fuzz/$*.new

# ---- random generator battery -------------------------------------------------
$(B)/tests/rng_stream: tests/rng/rng_stream.c $(STATIC_LIB) | $(B)/tests
	$(CC) $(WARNFLAGS) $(CFLAGS) -Iinclude -o $@ $< $(STATIC_LIB) $(LIBS_PRIVATE)

check-rng: $(B)/tests/rng_stream
	@sh tests/rng/check-rng.sh $(B)/tests/rng_stream

# ---- ThreadSanitizer over the suites that run threads --------------------------
TSAN_SUITES ?= check_mc check_result
.PHONY: check-tsan tsan-run
check-tsan: deps
	@$(MAKE) --no-print-directory B=build/tsan L=build/tsan/lib CFLAGS="-O1 -g" \
	    SANFLAGS="-fsanitize=thread" tsan-run
tsan-run: $(addprefix $(B)/tests/,$(addsuffix -static,$(TSAN_SUITES)))
	@fail=0; for t in $^; do echo "== $$t"; \
	    CK_FORK=no SHIPEST_TEST_SHRINK=1 TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" \
	    $$t || fail=1; done; \
	 if [ $$fail -ne 0 ]; then echo "check-tsan: FAILED"; exit 1; fi

# ---- docs/default-table.md is generated from the table, so it cannot drift ------
$(B)/tests/gen_default_table_doc: tests/tools/gen_default_table_doc.c $(STATIC_LIB) | $(B)/tests
	$(CC) $(WARNFLAGS) $(CFLAGS) -Iinclude -o $@ $< $(STATIC_LIB) $(LIBS_PRIVATE)

.PHONY: default-table-doc check-default-table
default-table-doc: $(B)/tests/gen_default_table_doc
	$(B)/tests/gen_default_table_doc > docs/default-table.md

check-default-table: $(B)/tests/gen_default_table_doc
	@if $(B)/tests/gen_default_table_doc | diff -u docs/default-table.md - >/dev/null; then \
	    echo "check-default-table: docs/default-table.md matches src/tables/default.stbl"; \
	 else echo "check-default-table: docs/default-table.md is stale; run 'make default-table-doc'"; exit 1; fi
