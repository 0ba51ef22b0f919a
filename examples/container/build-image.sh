#!/bin/bash
# Builds (once; cached in podman's store under a content tag, also tagged :1 for count.groovy) a small offline test image from this
# machine's own binaries: bash, dash as /bin/sh, coreutils, grep, sed, and the shared libraries they
# and a host DMTCP build (/opt/dmtcp, bind-mounted by the tests, never copied) need. No registry.
# Prints the image reference on stdout. Usage: build-image.sh [NAME]   (default localhost/crflow-count)
set -euo pipefail
# one build at a time: the coordinator's and the CLI's container ITs may run side by side (scripts/test)
exec 9>"${TMPDIR:-/tmp}/crflow-build-image.lock"
flock 9
name=${1:-localhost/crflow-count}
bins=(bash dash sleep cat mv rm mkdir ls date seq hostname chmod head tail sync env id readlink dirname basename
      wc true false printf touch cp ln sort uniq tr cut stat grep sed)
paths=()
for b in "${bins[@]}"; do
  p=$(type -P "$b" 2>/dev/null || true)
  [[ -n "$p" && -f "$p" ]] || { echo "build-image: $b not found on this machine" >&2; exit 3; }
  paths+=("$(readlink -f "$p")")
done
extra_libs=()
for d in /opt/dmtcp/bin/dmtcp_launch /opt/dmtcp/bin/dmtcp_coordinator /opt/dmtcp/lib/dmtcp/libdmtcp.so; do
  [[ -e "$d" ]] && extra_libs+=("$d")
done
# the tag changes when this script or any source binary changes
hash=$( { cat "$0"; for p in "${paths[@]}" "${extra_libs[@]}"; do stat -c '%n %s %Y' "$p"; done; } | sha256sum | cut -c1-12)
ref="$name:$hash"
if podman image exists "$ref" 2>/dev/null; then podman tag "$ref" "$name:1"; echo "$ref"; exit 0; fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root"/{usr/bin,usr/lib/x86_64-linux-gnu,lib64,tmp,proc,dev,sys,etc,root,opt,var/tmp}
ln -s usr/bin "$root/bin"; ln -s usr/lib "$root/lib"
chmod 1777 "$root/tmp" "$root/var/tmp"
for i in "${!bins[@]}"; do cp -L "${paths[$i]}" "$root/usr/bin/${bins[$i]}"; done
ln -sf dash "$root/usr/bin/sh"
{ for p in "${paths[@]}" "${extra_libs[@]}"; do ldd "$p" 2>/dev/null || true; done; } \
  | grep -o '/[^ ]*\.so[^ ]*' | sort -u | while read -r lib; do
      case $lib in
        /lib64/*) cp -L "$lib" "$root/lib64/" ;;
        *) cp -L "$lib" "$root/usr/lib/x86_64-linux-gnu/" ;;
      esac
    done
printf 'root:x:0:0:root:/root:/bin/sh\n' > "$root/etc/passwd"
printf 'root:x:0:\n' > "$root/etc/group"
printf '127.0.0.1 localhost\n' > "$root/etc/hosts"
tar -C "$root" -cf "$work/rootfs.tar" .
podman import --quiet "$work/rootfs.tar" "$ref" >/dev/null
podman tag "$ref" "$name:1"
echo "$ref"
