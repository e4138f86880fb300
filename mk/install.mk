# mk/install.mk — pkg-config file, install and uninstall.

# Generated on every make that needs it (.PHONY), so `make install
# PREFIX=/opt/x` after a plain `make` never ships a stale prefix.
.PHONY: libshipest.pc install uninstall
libshipest.pc: libshipest.pc.in
	@sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' \
	     -e 's|@INCLUDEDIR@|$(INCLUDEDIR)|g' -e 's|@VERSION@|$(VERSION)|g' \
	     -e 's|@LIBS_PRIVATE@|$(LIBS_PRIVATE)|g' $< > $@

MAN_PAGES = $(wildcard $(B)/docs/man/man3/*.3)
TABLE_FILES = $(wildcard src/tables/*.stbl)
BIN_PROGRAMS = $(wildcard bin/shipest)

install: libs libshipest.pc
	$(INSTALL) -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCLUDEDIR) $(DESTDIR)$(PKGCONFIGDIR)
	$(INSTALL) -m 644 include/shipest.h $(DESTDIR)$(INCLUDEDIR)/shipest.h
	$(INSTALL) -m 644 $(STATIC_LIB) $(DESTDIR)$(LIBDIR)/libshipest.a
	$(INSTALL) -m 755 $(SHARED_REAL) $(DESTDIR)$(LIBDIR)/libshipest.so.$(VERSION)
	ln -sf libshipest.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libshipest.so.$(ABI)
	ln -sf libshipest.so.$(ABI) $(DESTDIR)$(LIBDIR)/libshipest.so
	$(INSTALL) -m 644 libshipest.pc $(DESTDIR)$(PKGCONFIGDIR)/libshipest.pc
	$(if $(TABLE_FILES),$(INSTALL) -d $(DESTDIR)$(DATADIR)/shipest && \
	    $(INSTALL) -m 644 $(TABLE_FILES) $(DESTDIR)$(DATADIR)/shipest/)
	$(if $(MAN_PAGES),$(INSTALL) -d $(DESTDIR)$(MANDIR)/man3 && \
	    $(INSTALL) -m 644 $(MAN_PAGES) $(DESTDIR)$(MANDIR)/man3/)
	$(if $(BIN_PROGRAMS),$(INSTALL) -d $(DESTDIR)$(BINDIR) && \
	    $(INSTALL) -m 755 $(BIN_PROGRAMS) $(DESTDIR)$(BINDIR)/)
	$(if $(BIN_PROGRAMS),$(INSTALL) -d $(DESTDIR)$(MANDIR)/man1 && \
	    $(INSTALL) -m 644 docs/shipest.1 $(DESTDIR)$(MANDIR)/man1/shipest.1)

uninstall:
	rm -f $(DESTDIR)$(INCLUDEDIR)/shipest.h $(DESTDIR)$(LIBDIR)/libshipest.a \
	      $(DESTDIR)$(LIBDIR)/libshipest.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libshipest.so.$(ABI) \
	      $(DESTDIR)$(LIBDIR)/libshipest.so $(DESTDIR)$(PKGCONFIGDIR)/libshipest.pc \
	      $(DESTDIR)$(BINDIR)/shipest $(DESTDIR)$(MANDIR)/man1/shipest.1
	rm -rf $(DESTDIR)$(DATADIR)/shipest
	rm -f $(addprefix $(DESTDIR)$(MANDIR)/man3/,$(notdir $(wildcard build/docs/man/man3/*.3)))
