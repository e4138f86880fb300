# libshipest — plain GNU make. See README.md; `make help` lists the targets.

# ---- configuration (override on the command line) ---------------------------
CC           ?= cc
CFLAGS       ?= -O2 -g
WARNFLAGS    ?= -std=c11 -Wall -Wextra -Wpedantic -Wshadow -Wconversion
CPPFLAGS     ?=
LDFLAGS      ?=
PREFIX       ?= /usr/local
EXEC_PREFIX  ?= $(PREFIX)
LIBDIR       ?= $(EXEC_PREFIX)/lib
INCLUDEDIR   ?= $(PREFIX)/include
BINDIR       ?= $(EXEC_PREFIX)/bin
DATADIR      ?= $(PREFIX)/share
MANDIR       ?= $(DATADIR)/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
DESTDIR      ?=
INSTALL      ?= install

# Build folders: B for objects and test programs, L for the libraries.
# Sanitizer builds use their own (make check-asan sets B=build/asan L=build/asan/lib).
B ?= build
L ?= lib
SANFLAGS ?=

# ---- versions: the header is the one source of truth ------------------------
version_part = $(shell sed -n 's/^\#define SHIPEST_VERSION_$(1)  *\([0-9][0-9]*\).*/\1/p' include/shipest.h)
VERSION_MAJOR := $(call version_part,MAJOR)
VERSION_MINOR := $(call version_part,MINOR)
VERSION_PATCH := $(call version_part,PATCH)
VERSION       := $(VERSION_MAJOR).$(VERSION_MINOR).$(VERSION_PATCH)
# ABI number of the SONAME: kept apart from VERSION; bump rule in docs/abi.md.
ABI := 0

# ---- sources ----------------------------------------------------------------
LIB_SRC     := $(sort $(wildcard src/*.c))
TABLE_SRC   := $(sort $(wildcard src/tables/*.stbl))
GEN_SRC     := $(patsubst src/tables/%.stbl,$(B)/gen/%_table.c,$(TABLE_SRC))
# -ffp-contract=off: no fused multiply-adds the source does not write, so a
# sample's bits are the same on every machine and compiler (docs/threads.md).
LIB_CFLAGS  := $(WARNFLAGS) $(CFLAGS) $(SANFLAGS) $(CPPFLAGS) -Iinclude -Isrc \
               -DSHIPEST_BUILDING -fvisibility=hidden -ffp-contract=off
STATIC_OBJ  := $(patsubst src/%.c,$(B)/static/%.o,$(LIB_SRC)) \
               $(patsubst $(B)/gen/%.c,$(B)/static/gen_%.o,$(GEN_SRC))
SHARED_OBJ  := $(patsubst src/%.c,$(B)/shared/%.o,$(LIB_SRC)) \
               $(patsubst $(B)/gen/%.c,$(B)/shared/gen_%.o,$(GEN_SRC))
LIBS_PRIVATE := -lm -lpthread

STATIC_LIB  := $(L)/libshipest.a
SHARED_REAL := $(L)/libshipest.so.$(VERSION)
SHARED_SO   := $(L)/libshipest.so.$(ABI)
SHARED_DEV  := $(L)/libshipest.so

.PHONY: all libs help
all: libs
libs: $(STATIC_LIB) $(SHARED_REAL) $(SHARED_SO) $(SHARED_DEV)

help:
	@echo "make              build lib/libshipest.a and lib/libshipest.so"
	@echo "make demo         run the worked example (the main job)"
	@echo "make check        build and run every test (installs Check etc. when root)"
	@echo "make check-asan   tests under AddressSanitizer + UBSan"
	@echo "make check-valgrind  tests under valgrind memcheck"
	@echo "make check-tsan   threaded tests under ThreadSanitizer"
	@echo "make check-rng    dieharder battery on the random generator (10-20 min)"
	@echo "make check-mpi    MPI example: split run merged bit-identically (installs Open MPI)"
	@echo "make check-python Python binding's unittest suite"
	@echo "make bench        benchmarks (docs/performance.md)"
	@echo "make fuzz-NAME    run the libFuzzer target tests/fuzz/fuzz_NAME.c (clang)"
	@echo "make docs         Doxygen HTML and man pages (warnings are errors)"
	@echo "make install / uninstall   honour PREFIX LIBDIR INCLUDEDIR PKGCONFIGDIR DESTDIR"

$(B)/static/%.o: src/%.c include/shipest.h $(wildcard src/*.h) | $(B)/static
	$(CC) $(LIB_CFLAGS) -c $< -o $@
$(B)/shared/%.o: src/%.c include/shipest.h $(wildcard src/*.h) | $(B)/shared
	$(CC) $(LIB_CFLAGS) -fPIC -c $< -o $@
$(B)/static/gen_%.o: $(B)/gen/%.c | $(B)/static
	$(CC) $(LIB_CFLAGS) -c $< -o $@
$(B)/shared/gen_%.o: $(B)/gen/%.c | $(B)/shared
	$(CC) $(LIB_CFLAGS) -fPIC -c $< -o $@

# Each src/tables/NAME.stbl is embedded as the byte array shp_NAME_table
# (NUL-terminated; shp_NAME_table_len excludes the NUL), so the library needs
# no file at run time. od is POSIX; the bytes are written as hex.
$(B)/gen/%_table.c: src/tables/%.stbl | $(B)/gen
	@{ echo '/* generated from $< by make; do not edit */'; \
	   echo '#include <stddef.h>'; \
	   echo 'extern const unsigned char shp_$*_table[];'; \
	   echo 'extern const size_t shp_$*_table_len;'; \
	   echo 'const unsigned char shp_$*_table[] = {'; \
	   od -An -v -tx1 $< | sed -e 's/  */ /g' -e 's/^ //' -e '/^$$/d' -e 's/\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	   echo '0x00};'; \
	   echo 'const size_t shp_$*_table_len = sizeof shp_$*_table - 1;'; } > $@.tmp
	@mv $@.tmp $@

$(B)/static $(B)/shared $(B)/gen $(B)/tests $(L):
	@mkdir -p $@

$(STATIC_LIB): $(STATIC_OBJ) | $(L)
	rm -f $@
	$(AR) rcs $@ $^

$(SHARED_REAL): $(SHARED_OBJ) | $(L)
	$(CC) -shared $(SANFLAGS) $(LDFLAGS) -Wl,-soname,libshipest.so.$(ABI) -o $@ $^ $(LIBS_PRIVATE)
$(SHARED_SO): $(SHARED_REAL)
	ln -sf libshipest.so.$(VERSION) $@
$(SHARED_DEV): $(SHARED_SO)
	ln -sf libshipest.so.$(ABI) $@

# ---- tests ------------------------------------------------------------------
include mk/tests.mk
include mk/install.mk
include mk/docs.mk
include mk/bindings.mk
include mk/examples.mk
include mk/bench.mk

.PHONY: clean
clean:
	rm -rf build lib bin libshipest.pc demo.svg
