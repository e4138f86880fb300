# mk/docs.mk — Doxygen HTML and man pages; warnings are errors.

.PHONY: docs
docs:
	@sh tests/tools/need.sh doxygen:doxygen
	@mkdir -p $(B)/docs
	@rm -f $(B)/docs/warnings.log
	( cat docs/Doxyfile; echo "OUTPUT_DIRECTORY = $(B)/docs"; \
	  echo "PROJECT_NUMBER = $(VERSION)"; echo "WARN_LOGFILE = $(B)/docs/warnings.log" ) | doxygen -
	@if [ -s $(B)/docs/warnings.log ]; then cat $(B)/docs/warnings.log; \
	    echo "docs: Doxygen warnings (see above)"; exit 1; fi
	@echo "docs: $(B)/docs/html/index.html and $(B)/docs/man/man3/"
