#!/bin/sh
# install-roundtrip.sh — install into a temporary DESTDIR, build an outside
# program against the installed copy with pkg-config (shared and --static),
# run both, uninstall, and check that nothing is left behind.
set -eu
make=${MAKE:-make}
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
prefix=/usr/local
dest=$root/dest
$make --no-print-directory -s install DESTDIR="$dest" PREFIX="$prefix" >/dev/null

pcdir=$dest$prefix/lib/pkgconfig
# pkg-config prepends the sysroot to -I and -L, so the flags point into DESTDIR.
export PKG_CONFIG_PATH=$pcdir PKG_CONFIG_SYSROOT_DIR=$dest PKG_CONFIG_LIBDIR=$pcdir
cat > "$root/use.c" <<'C'
#include <shipest.h>
#include <stdio.h>
#include <string.h>
int main(void)
{
    shipest_ctx *ctx = NULL;
    if (shipest_ctx_new(&ctx) != SHIPEST_OK) return 1;
    int ok = shipest_version_number() == SHIPEST_VERSION_NUMBER &&
             strcmp(shipest_version_string(), SHIPEST_VERSION_STRING) == 0;
    shipest_ctx_free(ctx);
    if (!ok) { fprintf(stderr, "version mismatch\n"); return 1; }
    return 0;
}
C
cc=${CC:-cc}
# shellcheck disable=SC2046
$cc -o "$root/use-shared" "$root/use.c" $(pkg-config --cflags --libs libshipest)
LD_LIBRARY_PATH=$dest$prefix/lib "$root/use-shared"
# shellcheck disable=SC2046
$cc -static -o "$root/use-static" "$root/use.c" $(pkg-config --cflags --libs --static libshipest) 2>/dev/null ||
    $cc -o "$root/use-static" "$root/use.c" $dest$prefix/lib/libshipest.a \
        $(pkg-config --cflags libshipest) $(pkg-config --libs-only-l --static libshipest | sed 's/-lshipest//')
"$root/use-static"

$make --no-print-directory -s uninstall DESTDIR="$dest" PREFIX="$prefix" >/dev/null
left=$(find "$dest" -type f -o -type l)
if [ -n "$left" ]; then
    echo "install-roundtrip: uninstall left files behind:"; echo "$left"; exit 1
fi
echo "install-roundtrip: installed, built with pkg-config (shared and static), ran, uninstalled cleanly"
