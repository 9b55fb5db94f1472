#!/bin/bash
# Make sure every Debian package in scripts/deps.txt is installed.
#
# As root: installs what is missing (apt-get update once, first, and only
# when something is missing).  Otherwise: prints the apt-get command to run
# and fails, so `make test` never half-runs on a machine that lacks a tool.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
list=${DEPS_LIST:-$here/deps.txt}

if [ ! -r "$list" ]; then
    echo "deps: cannot read $list" >&2
    exit 1
fi
mapfile -t pkgs < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$list" | grep -v '^$')

missing=()
for pkg in "${pkgs[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null || true)
    if [ "$status" != "installed" ]; then
        missing+=("$pkg")
    fi
done

if [ ${#missing[@]} -eq 0 ]; then
    echo "deps: all ${#pkgs[@]} packages present"
    exit 0
fi

install_cmd="DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"

if [ "$(id -u)" -ne 0 ]; then
    echo "deps: missing ${#missing[@]} of ${#pkgs[@]} packages: ${missing[*]}" >&2
    echo "deps: run as root (or with sudo):" >&2
    echo "    apt-get update && $install_cmd" >&2
    exit 1
fi

echo "deps: installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends "${missing[@]}"
echo "deps: installed ${#missing[@]} packages; all ${#pkgs[@]} present"
