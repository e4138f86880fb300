# mk/bindings.mk — the Python binding's tests and the MPI example.
#
#   make check-python   unittest suite of examples/python/shipest.py against
#                       the freshly built $(L)/libshipest.so, under every
#                       distinct interpreter among PYTHONS that exists
#   make check-mpi      build examples/mpi/estimate_mpi.c with mpicc against
#                       the static library, run it with mpirun -np $(MPI_NP)
#                       and check the merged result is bit-identical to a
#                       one-process run (installs Open MPI when root)

PYTHONS    ?= python3 /usr/bin/python3
MPICC      ?= mpicc
MPIRUN     ?= mpirun
MPI_NP     ?= 2
MPI_TRIALS ?= 100000
# --oversubscribe: CI machines may have fewer cores than ranks. Running as
# root (containers, CI) needs Open MPI's explicit consent; the variables are
# harmless otherwise.
MPIRUN_FLAGS ?= --oversubscribe
MPIRUN_ENV   ?= OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
MPI_EXE    := $(B)/mpi/estimate_mpi
# The worked example's model file when present, else the program's inline copy.
MPI_MODEL  ?= $(wildcard examples/models/seed.shipest)

.PHONY: check-python check-mpi

# Each interpreter found on PATH (or by path) is run once, by its real path.
check-python: $(SHARED_REAL) $(SHARED_SO) $(SHARED_DEV)
	@ran=""; fail=0; \
	 for py in $(PYTHONS); do \
	    exe=$$(command -v $$py 2>/dev/null) || continue; \
	    real=$$(readlink -f "$$exe"); \
	    case " $$ran " in *" $$real "*) continue ;; esac; \
	    ran="$$ran $$real"; \
	    echo "== check-python: $$exe ($$($$exe -c 'import sys; print(sys.version.split()[0])'))"; \
	    PYTHONDONTWRITEBYTECODE=1 SHIPEST_LIBRARY="$(abspath $(SHARED_DEV))" \
	        $$exe examples/python/test_shipest.py || fail=1; \
	 done; \
	 if [ -z "$$ran" ]; then echo "check-python: no interpreter among: $(PYTHONS)"; exit 1; fi; \
	 if [ $$fail -ne 0 ]; then echo "check-python: FAILED"; exit 1; fi

$(MPI_EXE): examples/mpi/estimate_mpi.c include/shipest.h $(STATIC_LIB)
	@mkdir -p $(@D)
	$(MPICC) $(WARNFLAGS) $(CFLAGS) $(CPPFLAGS) -Iinclude -o $@ $< $(STATIC_LIB) $(LDFLAGS) $(LIBS_PRIVATE)

# The program exits non-zero unless the merged summary is bit-identical to a
# one-process run; its verdict line is checked as well.
check-mpi:
	@sh tests/tools/need.sh mpicc:libopenmpi-dev mpirun:openmpi-bin
	@$(MAKE) --no-print-directory $(MPI_EXE)
	@mkdir -p $(B)/mpi
	@echo "== check-mpi: $(MPIRUN) -np $(MPI_NP) $(MPI_EXE) $(MPI_TRIALS) $(MPI_MODEL)"
	@$(MPIRUN_ENV) $(MPIRUN) $(MPIRUN_FLAGS) -np $(MPI_NP) $(MPI_EXE) $(MPI_TRIALS) $(MPI_MODEL) \
	    > $(B)/mpi/check.out; st=$$?; cat $(B)/mpi/check.out; \
	 if [ $$st -ne 0 ] || ! grep -q '^bit-identical to a one-process run.*: yes$$' $(B)/mpi/check.out; then \
	    echo "check-mpi: FAILED"; exit 1; fi; \
	 echo "check-mpi: passed"
