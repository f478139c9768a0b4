#!/usr/bin/env bash
# check-mime.sh MIME.xml — the lab file type is valid shared-mime-info and,
# in one database with the system's types (as when installed next to
# them), *.terrarium-lab.yaml files get it while other YAML stays YAML.
#
# Copyright 2026 The Terrarium authors
# SPDX-License-Identifier: GPL-3.0-or-later
set -euo pipefail
xml=${1:?usage: check-mime.sh MIME.xml}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/mime/packages"
cp /usr/share/mime/packages/*.xml "$xml" "$tmp/mime/packages/"
update-mime-database "$tmp/mime" >/dev/null 2>&1
printf 'format: 1\n' >"$tmp/x.terrarium-lab.yaml"
printf 'a: 1\n' >"$tmp/other.yaml"
type_of() {
  XDG_DATA_HOME="$tmp/none" XDG_DATA_DIRS="$tmp" gio info -a standard::content-type "$1" |
    awk '/standard::content-type/ {print $2}'
}
lab=$(type_of "$tmp/x.terrarium-lab.yaml")
other=$(type_of "$tmp/other.yaml")
echo "# lab file: $lab; other YAML: $other"
[ "$lab" = application/x-terrarium-lab ] && [ "$other" != application/x-terrarium-lab ]
