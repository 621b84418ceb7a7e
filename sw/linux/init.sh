#!/bin/busybox sh
# vmplat's init for Debian's busybox (docs/linux.md): scripts/linux.sh puts it into the
# initramfs as /sbin/init-custom (boot argument rdinit=/sbin/init-custom), with the
# workloads' binary as /bin/vmwork and, for a batch run, the commands in /etc/vmplat/run.
#
# It mounts /proc, /sys and /dev, loads the virtio modules, links every busybox applet and
# every workload (seqscan, memhog, ...) into /bin, and makes the virtio disk (/dev/vda), if
# there is one, the swap space. Then:
#   - without /etc/vmplat/run: busybox's init runs a shell on the console, again whenever it
#     exits; `poweroff` (or `reboot`) ends the machine.
#   - with /etc/vmplat/run: each line is one command for the shell; each is announced,
#     run, and its exit status noted. A summary line follows with /proc/vmstat since boot,
#     then the machine powers off. The exit status of the first command that failed (0
#     when all passed) becomes vmplat's exit code through the test finisher (a fail code
#     written with devmem), and is also printed, so the same run on QEMU shows it.
export PATH=/bin:/sbin
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
insmod /lib/modules/virtio_mmio.ko
insmod /lib/modules/virtio_blk.ko
if [ -x /bin/vmwork ]; then
  for p in $(vmwork --list); do ln -s vmwork /bin/"$p"; done
fi

swap="no swap"
if [ -b /dev/vda ]; then
  if mkswap /dev/vda >/dev/null && swapon /dev/vda; then
    swap="swap on /dev/vda ($(($(cat /sys/block/vda/size) / 2048)) MiB)"
  else
    swap="no swap (mkswap/swapon on /dev/vda failed)"
  fi
fi
mmu=$(sed -n 's/^mmu[[:space:]]*: //p' /proc/cpuinfo)
mem=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
echo "vmplat init: Linux $(uname -r), mmu $mmu, $((mem / 1024)) MiB of memory, $swap"

# The /proc/vmstat counters the summary shows, as name=value words.
vmstat_line() {
  awk '$1 ~ /^(pgfault|pgmajfault|pswpin|pswpout|thp_fault_alloc)$/ {
         printf "%s%s=%s", sep, $1, $2; sep = " " }' /proc/vmstat
}

if [ ! -f /etc/vmplat/run ]; then
  [ -x /bin/vmwork ] && echo "vmplat init: workloads: $(vmwork --list | tr '\n' ' ')"
  echo "vmplat init: 'poweroff' ends the machine (Ctrl-A x leaves vmplat at once)"
  mkdir -p /etc
  echo "::respawn:/bin/cttyhack /bin/sh" >/etc/inittab
  exec /bin/busybox init
fi

count=0
failed=0
status=0
while IFS= read -r cmd <&3; do
  case "$cmd" in '' | '#'*) continue ;; esac
  count=$((count + 1))
  echo "vmplat run: \$ $cmd"
  sh -c "$cmd"
  rc=$?
  if [ "$rc" -ne 0 ]; then
    echo "vmplat run: exit status $rc: $cmd"
    failed=$((failed + 1))
    [ "$status" -ne 0 ] || status=$rc
  fi
done 3</etc/vmplat/run
echo "vmplat run: $count commands, $failed failed; vmstat since boot: $(vmstat_line)"
echo "vmplat run: status $status"
if [ "$status" -ne 0 ]; then
  devmem 0x100000 32 $(((status << 16) | 0x3333))
fi
poweroff -f
