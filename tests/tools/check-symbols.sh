#!/bin/sh
# check-symbols.sh LIB LIST — the shared library exports exactly the
# committed list, and nothing without the shipest_ prefix.
lib=$1 list=$2
actual=$(nm -D --defined-only "$lib" | awk '{print $3}' | sort)
bad=$(printf '%s\n' "$actual" | grep -v '^shipest_' | grep -v '^$')
status=0
if [ -n "$bad" ]; then
    echo "check-symbols: exported names without the shipest_ prefix:"; echo "$bad"; status=1
fi
if ! printf '%s\n' "$actual" | diff -u "$list" - ; then
    echo "check-symbols: exports differ from $list (run 'make symbols' if the change is intended)"; status=1
fi
[ $status -eq 0 ] && echo "check-symbols: $(printf '%s\n' "$actual" | wc -l) exported symbols match $list"
exit $status
