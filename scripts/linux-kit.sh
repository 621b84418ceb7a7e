#!/usr/bin/env bash
# The Linux kit: Debian's riscv64 kernel (6.12, trixie), OpenSBI and busybox, fetched from
# Debian's archive with a private apt configuration and cached outside the repository.
#
#   scripts/linux-kit.sh [fetch]         make sure the kit is cached; print its directory
#   scripts/linux-kit.sh fetch --update  ask the archive again for the newest versions
#   scripts/linux-kit.sh initramfs OUT.cpio [--init PROG] [--add FILE:/PATH]...
#                                        an uncompressed newc initramfs (see below)
#
# The cache is $VMPLAT_LINUX_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/vmplat/linux:
#   apt/                 the private apt state (sources list, package lists, .debs)
#   <kernel version>/    Image, System.map, config-*, fw_jump.{elf,bin}, fw_dynamic.{elf,bin},
#                        busybox, virtio_mmio.ko, virtio_blk.ko (decompressed), VERSIONS
#   current              a link to the newest complete kit
# Once a kit is complete, fetch answers from the cache without touching the network.
#
# The archive's address is not written here: it is read from the machine's own Debian
# source (/etc/apt/sources.list.d/*.sources or /etc/apt/sources.list), whose files are
# only read. The .debs come from the trixie suite for riscv64 (opensbi is arch all).
#
# The initramfs holds /bin/busybox, /lib/modules/virtio_{mmio,blk}.ko, /init (a busybox
# shell script: mounts, loads the modules, starts a shell) and, with --init PROG, PROG as
# /sbin/init-custom, to be chosen with the boot argument rdinit=/sbin/init-custom. --add
# copies more files in. The archive is uncompressed: a simulated kernel would spend
# millions of instructions inflating it.
#
# Exit codes: 0 ok, 1 failure (named on stderr), 2 bad usage, 77 the archive is unreachable.
set -euo pipefail

readonly SUITE=trixie
readonly ARCH=riscv64
readonly KERNEL_SERIES=6.12
readonly META=linux-image-riscv64

die() {
  echo "linux-kit: $*" >&2
  exit 1
}
usage() {
  echo "linux-kit: $*; usage: linux-kit.sh [fetch [--update]] | initramfs OUT.cpio" \
    "[--init PROG] [--add FILE:/PATH]..." >&2
  exit 2
}

cache_root=${VMPLAT_LINUX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/vmplat/linux}
apt_dir=$cache_root/apt

# The URIs of the Debian archive the machine itself uses: those of its stanzas (or lines)
# that name a suite without -security, -updates or -backports.
archive_uris() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -r "$f" ] || continue
    awk '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && uris != "" && suites ~ /(^| )[a-z]+( |$)/) print uris
        types = ""; uris = ""; suites = ""
      }
      /^[ \t]*$/ { flush(); next }
      /^#/ { next }
      /^Types:/ { sub(/^Types:[ \t]*/, ""); types = $0 }
      /^URIs:/ { sub(/^URIs:[ \t]*/, ""); uris = $0 }
      /^Suites:/ { sub(/^Suites:[ \t]*/, ""); suites = $0 }
      END { flush() }' "$f" | tr ' ' '\n'
  done
  if [ -r /etc/apt/sources.list ]; then
    sed -e 's/\[[^]]*\]//' /etc/apt/sources.list |
      awk '$1 == "deb" && $3 ~ /^[a-z]+$/ { print $2 }'
  fi
}

apt_opts() {
  printf '%s\n' \
    -o "Dir::Etc::sourcelist=$apt_dir/sources.list" -o "Dir::Etc::sourceparts=$apt_dir/empty.d" \
    -o "Dir::Etc::preferences=$apt_dir/empty.d/none" \
    -o "Dir::Etc::preferencesparts=$apt_dir/empty.d" -o "Dir::State::lists=$apt_dir/lists" \
    -o "Dir::State::status=$apt_dir/status" -o "Dir::Cache=$apt_dir/cache" \
    -o "APT::Architecture=$ARCH" -o "APT::Architectures::=$ARCH" -o "Debug::NoLocking=1" \
    -o "Acquire::Languages=none" -o "APT::Get::List-Cleanup=false" \
    -o "APT::Sandbox::User=$(id -un)"
}

apt_setup() {
  mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial" "$apt_dir/debs" \
    "$apt_dir/empty.d"
  : >"$apt_dir/status"
  local uris
  uris=$(archive_uris | sort -u)
  [ -n "$uris" ] || die "no Debian archive found in /etc/apt/sources.list(.d); cannot fetch"
  local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
  [ -r "$keyring" ] || die "$keyring is missing (apt-get install debian-archive-keyring)"
  local u
  : >"$apt_dir/sources.list"
  for u in $uris; do
    echo "deb [arch=$ARCH signed-by=$keyring] $u $SUITE main" >>"$apt_dir/sources.list"
  done
}

# apt-get/apt-cache with the private configuration.
kit_apt() {
  local tool=$1
  shift
  local opts
  mapfile -t opts < <(apt_opts)
  "$tool" "${opts[@]}" "$@"
}

field() { # package field
  kit_apt apt-cache show --no-all-versions "$1" 2>/dev/null | awk -v f="$2:" '$1 == f { $1 = ""; sub(/^ /, ""); print; exit }'
}

fetch() {
  local update=$1
  if [ "$update" = no ] && [ -f "$cache_root/current/VERSIONS" ]; then
    echo "$cache_root/current"
    return
  fi
  command -v apt-get >/dev/null || die "apt-get is needed to fetch the kit"
  apt_setup
  echo "linux-kit: reading the $SUITE package lists for $ARCH" >&2
  if ! kit_apt apt-get -qq update >"$apt_dir/update.log" 2>&1 ||
    grep -qE '^(W|E): (Failed to fetch|Some index files failed)' "$apt_dir/update.log"; then
    cat "$apt_dir/update.log" >&2
    echo "linux-kit: the Debian archive is unreachable; cannot fetch the kit" >&2
    exit 77
  fi

  # The metapackage names the versioned image package (linux-image-6.12.N+debM-riscv64).
  local meta_version image image_version
  meta_version=$(field "$META" Version)
  [ -n "$meta_version" ] || die "$META is not in $SUITE for $ARCH"
  image=$(field "$META" Depends | tr ',' '\n' | sed -n 's/^ *\(linux-image-[^ ]*\).*/\1/p' | head -1)
  [ -n "$image" ] || die "$META $meta_version depends on no linux-image package"
  image_version=$(field "$image" Version)
  case "$image_version" in
    "$KERNEL_SERIES".*) ;;
    *) die "$image is version '$image_version', expected $KERNEL_SERIES.x" ;;
  esac
  local sbi_version bb_version
  sbi_version=$(field opensbi Version)
  bb_version=$(field busybox-static Version)
  [ -n "$sbi_version" ] || die "opensbi is not in $SUITE"
  [ -n "$bb_version" ] || die "busybox-static is not in $SUITE for $ARCH"

  local kit=$cache_root/$image_version
  if [ -f "$kit/VERSIONS" ] && grep -qx "opensbi $sbi_version" "$kit/VERSIONS" &&
    grep -qx "busybox-static $bb_version" "$kit/VERSIONS"; then
    ln -sfn "$image_version" "$cache_root/current"
    echo "$kit"
    return
  fi

  echo "linux-kit: downloading $image $image_version, opensbi $sbi_version," \
    "busybox-static $bb_version" >&2
  # A .deb left by an interrupted run is reused when its version is the one wanted.
  local want=() spec v
  for spec in "$image=$image_version" "opensbi=$sbi_version" "busybox-static=$bb_version"; do
    v=${spec#*=}
    compgen -G "$apt_dir/debs/${spec%%=*}_${v/:/%3a}_*.deb" >/dev/null || want+=("$spec")
  done
  if [ ${#want[@]} -gt 0 ]; then
    (cd "$apt_dir/debs" && kit_apt apt-get -qq download "${want[@]}") >&2 ||
      die "apt-get download of ${want[*]} failed"
  fi

  work=$(mktemp -d "$cache_root/extract.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  mkdir -p "$work/root"
  # apt names the files with the epoch's colon escaped: find them by package name.
  local deb p
  for p in "$image" opensbi busybox-static; do
    deb=$(compgen -G "$apt_dir/debs/${p}_*.deb" | head -1 || true)
    [ -n "$deb" ] || die "no .deb of $p after the download"
    # Only what the kit uses: unpacking all the kernel's modules takes a minute.
    dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$work/root" --wildcards \
      './boot/*' './usr/lib/riscv64-linux-gnu/opensbi/generic/*' './usr/bin/busybox' \
      './bin/busybox' '*/virtio_mmio.ko*' '*/virtio_blk.ko*' 2>/dev/null || true
  done

  local out=$work/kit r=$work/root
  mkdir -p "$out"
  local vmlinuz
  vmlinuz=$(compgen -G "$r/boot/vmlinu[xz]-*" | head -1 || true)
  [ -n "$vmlinuz" ] || die "$image holds no /boot/vmlinuz"
  # Debian ships the RISC-V Image gzip-compressed; vmplat and QEMU load the raw Image.
  if gzip -t "$vmlinuz" 2>/dev/null; then
    gzip -dc "$vmlinuz" >"$out/Image"
  else
    cp "$vmlinuz" "$out/Image"
  fi
  cp "$r"/boot/System.map-* "$out/System.map"
  cp "$r"/boot/config-* "$out/"
  local sbi=$r/usr/lib/riscv64-linux-gnu/opensbi/generic f
  for f in fw_jump.elf fw_jump.bin fw_dynamic.elf fw_dynamic.bin; do
    [ -f "$sbi/$f" ] || die "opensbi $sbi_version has no $f"
    cp "$sbi/$f" "$out/"
  done
  f=$r/usr/bin/busybox
  [ -f "$f" ] || f=$r/bin/busybox
  [ -f "$f" ] || die "busybox-static $bb_version has no busybox binary"
  cp "$f" "$out/busybox"
  local m
  for m in virtio_mmio virtio_blk; do
    f=$(find "$r" -name "$m.ko*" | head -1)
    [ -n "$f" ] || die "$image has no module $m"
    case "$f" in
      *.xz) xz -dc "$f" >"$out/$m.ko" ;;
      *.zst) zstd -qdc "$f" >"$out/$m.ko" ;;
      *) cp "$f" "$out/$m.ko" ;;
    esac
  done
  {
    echo "$image $image_version"
    echo "opensbi $sbi_version"
    echo "busybox-static $bb_version"
    echo "release $(basename "$vmlinuz" | sed 's/^vmlinu[xz]-//')"
  } >"$out/VERSIONS"
  rm -rf "$kit"
  mv "$out" "$kit"
  rm -rf "$work"
  ln -sfn "$image_version" "$cache_root/current"
  # The .debs are no longer needed: the extracted kit is the cache.
  rm -f "$apt_dir/debs/"*.deb "$apt_dir/cache/"*.bin
  echo "$kit"
}

# The default /init: busybox's shell mounts the pseudo file systems, loads the virtio
# modules and gives a shell on the console; leaving it powers the machine off.
write_init_script() {
  cat >"$1" <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
insmod /lib/modules/virtio_mmio.ko
insmod /lib/modules/virtio_blk.ko
echo "vmplat initramfs: busybox $(busybox | head -1 | cut -d' ' -f2), kernel $(uname -r)"
setsid cttyhack sh
poweroff -f
EOF
  chmod 755 "$1"
}

# Writes an uncompressed newc archive (the kernel's initramfs format,
# Documentation/driver-api/early-userspace/buffer-format.rst) from lines "type mode path
# [source | major minor]" on stdin (the source, last, may hold spaces): entries owned by
# root, at time 0, so the same inputs give the same bytes and no privilege is needed for
# /dev/console. Missing parent directories are added.
write_newc() {
  python3 -c '
import sys
out = open(sys.argv[1], "wb")
ino = 0
dirs = set()
def entry(name, mode, data=b"", rdev=(0, 0)):
    global ino
    parent = name.rpartition("/")[0]
    if parent and parent not in dirs:
        entry(parent, 0o040755)
    if mode & 0o170000 == 0o040000:
        dirs.add(name)
    ino += 1
    name = name.encode() + b"\0"
    fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, rdev[0], rdev[1], len(name), 0]
    out.write(b"070701" + b"".join(b"%08x" % f for f in fields) + name)
    out.write(b"\0" * (-(110 + len(name)) % 4) + data + b"\0" * (-len(data) % 4))
for line in sys.stdin:
    kind, mode, path, *rest = line.rstrip("\n").split(" ", 3)
    mode = int(mode, 8)
    if kind == "dir":
        entry(path, 0o040000 | mode)
    elif kind == "file":
        entry(path, 0o100000 | mode, open(rest[0], "rb").read())
    elif kind == "char":
        major, minor = rest[0].split()
        entry(path, 0o020000 | mode, rdev=(int(major), int(minor)))
entry("TRAILER!!!", 0)
' "$1"
}

initramfs() {
  [ $# -ge 1 ] || usage "initramfs needs an output file"
  local out=$1
  shift
  local init="" adds=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --init) [ $# -ge 2 ] || usage "--init needs a program"; init=$2; shift 2 ;;
      --add) [ $# -ge 2 ] || usage "--add needs FILE:/PATH"; adds+=("$2"); shift 2 ;;
      *) usage "unknown initramfs argument '$1'" ;;
    esac
  done
  [ -z "$init" ] || [ -f "$init" ] || die "--init '$init' does not exist"
  local a
  for a in "${adds[@]}"; do
    if [ ! -f "${a%%:*}" ] || [ "${a#*:/}" = "$a" ]; then
      usage "--add '$a': expected FILE:/ABSOLUTE/PATH with an existing FILE"
    fi
  done
  local kit
  kit=$(fetch no)
  local script
  script=$(mktemp)
  write_init_script "$script"
  {
    local d
    for d in bin sbin dev proc sys tmp lib lib/modules; do echo "dir 755 $d"; done
    echo "char 600 dev/console 5 1"
    echo "file 755 init $script"
    echo "file 755 bin/busybox $kit/busybox"
    echo "file 644 lib/modules/virtio_mmio.ko $kit/virtio_mmio.ko"
    echo "file 644 lib/modules/virtio_blk.ko $kit/virtio_blk.ko"
    [ -z "$init" ] || echo "file 755 sbin/init-custom $init"
    for a in "${adds[@]}"; do echo "file 755 ${a#*:/} ${a%%:*}"; done
  } | write_newc "$out.tmp"
  rm -f "$script"
  mv "$out.tmp" "$out"
  echo "$out"
}

cmd=${1:-fetch}
[ $# -gt 0 ] && shift
case "$cmd" in
  fetch)
    update=no
    for a in "$@"; do
      case "$a" in
        --update) update=yes ;;
        *) usage "unknown fetch argument '$a'" ;;
      esac
    done
    mkdir -p "$cache_root"
    fetch "$update"
    ;;
  initramfs) mkdir -p "$cache_root"; initramfs "$@" ;;
  -h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' ;;
  *) usage "unknown command '$cmd'" ;;
esac
