#!/bin/sh
# convcl from a self-contained bundle: runs the command line on the Java runtime in this bundle, so the machine needs
# an OpenCL driver but no Java. Works from any directory and through symlinks.
set -eu

home="$(dirname "$(dirname "$(readlink -f "$0")")")"

# Java splits its own library path at ':' and cannot start from such a directory ("Unable to load jimage library").
case "$home" in
*:*)
    echo "convcl: the bundle is in $home, whose path contains ':', from which Java cannot start; move or rename it" >&2
    exit 2
    ;;
esac

# The system's libOpenCL.so.1 as the dynamic loader finds it: LD_LIBRARY_PATH, then the ld.so cache (64-bit entries),
# then the default directories. Prints its path, or nothing.
system_opencl() {
    old_ifs="$IFS"
    IFS=:
    for dir in ${LD_LIBRARY_PATH:-}; do
        if [ -n "$dir" ] && [ -e "$dir/libOpenCL.so.1" ]; then
            IFS="$old_ifs"
            echo "$dir/libOpenCL.so.1"
            return
        fi
    done
    IFS="$old_ifs"
    cached="$({ ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true; } \
        | sed -n 's/^[[:space:]]*libOpenCL\.so\.1 (.*x86-64.*) => //p' | head -n 1)"
    if [ -n "$cached" ]; then
        echo "$cached"
        return
    fi
    for dir in /lib64 /usr/lib64 /lib /usr/lib; do
        if [ -e "$dir/libOpenCL.so.1" ]; then
            echo "$dir/libOpenCL.so.1"
            return
        fi
    done
}

# The system's loader wins: it may be a vendor's own or a newer one that knows the installed drivers and layers.
# The bundled one (Debian's ocl-icd) only fills in where a driver was installed without any loader, as NVIDIA's
# often is in containers; it goes first on LD_LIBRARY_PATH only then, where JOCL's dlopen("libOpenCL.so.1") finds it.
opencl="$(system_opencl)"
if [ -n "$opencl" ]; then
    CONVCL_OPENCL_LIBRARY="$opencl (the system's)"
else
    LD_LIBRARY_PATH="$home/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    export LD_LIBRARY_PATH
    CONVCL_OPENCL_LIBRARY="$home/lib/libOpenCL.so.1 (bundled: the system has none)"
fi

# Which drivers the loader opens: the user's OCL_ICD_VENDORS, else /etc/OpenCL/vendors. When that is empty but
# NVIDIA's driver library is installed, the bundled vendors directory names it, and its directory joins the end of
# LD_LIBRARY_PATH because the .icd file names the library, not its path.
if [ -n "${OCL_ICD_VENDORS:-}" ]; then
    CONVCL_OPENCL_VENDORS="$OCL_ICD_VENDORS (OCL_ICD_VENDORS, set by you)"
elif ls /etc/OpenCL/vendors/*.icd >/dev/null 2>&1; then
    CONVCL_OPENCL_VENDORS="/etc/OpenCL/vendors"
else
    CONVCL_OPENCL_VENDORS="none: /etc/OpenCL/vendors has no .icd file and no libnvidia-opencl.so.1 was found"
    for dir in /usr/local/nvidia/lib64 /usr/lib/x86_64-linux-gnu /usr/lib64; do
        if [ -e "$dir/libnvidia-opencl.so.1" ]; then
            OCL_ICD_VENDORS="$home/etc/OpenCL/vendors"
            LD_LIBRARY_PATH="${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}$dir"
            export OCL_ICD_VENDORS LD_LIBRARY_PATH
            CONVCL_OPENCL_VENDORS="$OCL_ICD_VENDORS (bundled, for $dir/libnvidia-opencl.so.1)"
            break
        fi
    done
fi
export CONVCL_OPENCL_LIBRARY CONVCL_OPENCL_VENDORS

# POCL, the CPU driver, registers no platform without a writable kernel cache ($XDG_CACHE_HOME or $HOME/.cache,
# then pocl/): a service user with HOME=/nonexistent, a read-only home. It then gets a directory of the user's own
# under the temporary directory, kept between runs, or a fresh one where another user holds that name.
if [ -z "${POCL_CACHE_DIR:-}" ] && [ -n "${XDG_CACHE_HOME:-}${HOME:-}" ]; then
    pocl_cache="${XDG_CACHE_HOME:-${HOME:-}/.cache}/pocl"
    if ! mkdir -p "$pocl_cache" 2>/dev/null || [ ! -w "$pocl_cache" ]; then
        POCL_CACHE_DIR="${TMPDIR:-/tmp}/convcl-pocl-$(id -u)"
        mkdir -m 700 "$POCL_CACHE_DIR" 2>/dev/null || true
        if [ -L "$POCL_CACHE_DIR" ] || [ ! -d "$POCL_CACHE_DIR" ] || [ ! -O "$POCL_CACHE_DIR" ] \
            || [ ! -w "$POCL_CACHE_DIR" ]; then
            POCL_CACHE_DIR="$(mktemp -d)"
        fi
        export POCL_CACHE_DIR
    fi
fi

exec "$home/runtime/bin/java" -Djava.awt.headless=true -cp "$home/lib/*" org.convcl.cli.Main "$@"
