# mk/examples.mk — the shipest command, the C example programs, `make demo`
# and `make check-examples`. Included from the Makefile.

CLI_SRC      := $(sort $(wildcard examples/shipest/*.c))
CLI_OBJ      := $(patsubst examples/shipest/%.c,$(B)/examples/shipest/%.o,$(CLI_SRC))
EXAMPLE_SRC  := $(sort $(wildcard examples/*.c))
EXAMPLE_BINS := $(patsubst examples/%.c,$(B)/examples/%,$(EXAMPLE_SRC))
EXAMPLE_CFLAGS = $(WARNFLAGS) $(CFLAGS) $(SANFLAGS) $(CPPFLAGS) -Iinclude

.PHONY: examples demo check-examples
all: bin/shipest examples
examples: $(EXAMPLE_BINS)

$(B)/examples/shipest:
	@mkdir -p $@
$(B)/examples/shipest/%.o: examples/shipest/%.c examples/shipest/cli.h include/shipest.h \
                           | $(B)/examples/shipest
	$(CC) $(EXAMPLE_CFLAGS) -c $< -o $@

bin/shipest: $(CLI_OBJ) $(STATIC_LIB)
	@mkdir -p bin
	$(CC) $(SANFLAGS) $(LDFLAGS) -o $@ $(CLI_OBJ) $(STATIC_LIB) $(LIBS_PRIVATE)

# Each example is one file, linked against the static library.
$(B)/examples/%: examples/%.c include/shipest.h $(STATIC_LIB) | $(B)/examples/shipest
	$(CC) $(EXAMPLE_CFLAGS) $(LDFLAGS) -o $@ $< $(STATIC_LIB) $(LIBS_PRIVATE)

# The main job: the worked example of DESIGN.md, its report, P(share > 40%)
# (the design's question) and demo.svg.
DEMO_CMD = bin/shipest run examples/models/seed.shipest --prob 'share > 40%' --svg demo.svg
demo: all
	@echo "== $(DEMO_CMD)"
	@$(DEMO_CMD)

# The command's tests and a run of every example program. python3 checks
# the JSON and the SVG (installed when missing, as root on Debian).
check-examples: bin/shipest $(EXAMPLE_BINS)
	@sh tests/tools/need.sh python3:python3
	@sh tests/cli/test-cli.sh bin/shipest $(B)/examples
