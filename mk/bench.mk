# mk/bench.mk — benchmarks (make bench). Performance goals are benchmarks,
# never timed tests; figures and commands live in docs/performance.md.

BENCH_ARGS ?=
.PHONY: bench bench-mc bench-analytic
bench: bench-mc bench-analytic

$(B)/bench:
	@mkdir -p $@
$(B)/bench/%: tests/bench/%.c include/shipest.h $(STATIC_LIB) | $(B)/bench
	$(CC) $(WARNFLAGS) $(CFLAGS) $(CPPFLAGS) -Iinclude -o $@ $< $(STATIC_LIB) $(LIBS_PRIVATE)

# Run from the top folder: bench.c calls tests/bench/bench_numpy.py.
bench-mc: $(B)/bench/bench
	$(B)/bench/bench $(BENCH_ARGS)
bench-analytic: $(B)/bench/bench_analytic
	$(B)/bench/bench_analytic
