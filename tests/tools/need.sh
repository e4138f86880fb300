#!/bin/sh
# need.sh TOOL:PACKAGE ... — make sure each tool is present. A tool is a
# command name, or "check" for the Check library (found with pkg-config).
# Missing ones are installed with apt-get when running as root on Debian;
# otherwise we stop and print the exact command to run.
missing=""
for pair in "$@"; do
    tool=${pair%%:*}
    pkg=${pair#*:}
    case $tool in
        check) pkg-config --exists check 2>/dev/null || missing="$missing $pkg" ;;
        *) command -v "$tool" >/dev/null 2>&1 || missing="$missing $pkg" ;;
    esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    { apt-get install -y -qq $missing || { apt-get update -qq && apt-get install -y -qq $missing; }; } \
        >/dev/null || { echo "apt-get install$missing failed" >&2; exit 1; }
    exit 0
fi
echo "missing:$missing" >&2
echo "run:  sudo apt-get install$missing" >&2
exit 1
