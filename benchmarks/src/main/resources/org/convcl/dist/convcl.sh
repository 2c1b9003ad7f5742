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

# A directory of this user's own under the temporary directory, kept between runs ($1 names it), or a fresh one where
# another user holds that name or it is not a plain directory this user can write.
user_dir() {
    dir="${TMPDIR:-/tmp}/convcl-$1-$(id -u)"
    mkdir -m 700 "$dir" 2>/dev/null || true
    if [ -L "$dir" ] || [ ! -d "$dir" ] || [ ! -O "$dir" ] || [ ! -w "$dir" ]; then
        dir="$(mktemp -d)"
    fi
    echo "$dir"
}

# Points the link $2 at $1, replacing what was there in one step, so that concurrent runs never see it missing.
link() {
    ln -s "$1" "$2.$$" && mv -f -T "$2.$$" "$2"
}

# The system's loader wins: it may be a vendor's own or a newer one that knows the installed drivers and layers.
# The bundled one (Debian's ocl-icd) only fills in where a driver was installed without any loader, as NVIDIA's
# often is in containers. JOCL opens libOpenCL.so before libOpenCL.so.1, so a development link elsewhere could
# override the choice: both names, linked to the chosen loader, go first on LD_LIBRARY_PATH.
opencl="$(system_opencl)"
if [ -n "$opencl" ]; then
    CONVCL_OPENCL_LIBRARY="$opencl (the system's)"
else
    opencl="$home/lib/libOpenCL.so.1"
    CONVCL_OPENCL_LIBRARY="$opencl (bundled: the system has none)"
fi
loader_dir="$(user_dir loader)"
link "$opencl" "$loader_dir/libOpenCL.so.1"
link "$opencl" "$loader_dir/libOpenCL.so"
LD_LIBRARY_PATH="$loader_dir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
export LD_LIBRARY_PATH

# NVIDIA's OpenCL driver library: from the ld.so cache (64-bit, any version), else from the directories drivers are
# installed or mounted in, by its usual name or, on a read-only driver mount without that link, a versioned one.
# Prints its path, or nothing.
nvidia_opencl() {
    cached="$({ ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true; } \
        | sed -n 's/^[[:space:]]*libnvidia-opencl\.so[.0-9]* (.*x86-64.*) => //p' | head -n 1)"
    if [ -n "$cached" ]; then
        echo "$cached"
        return
    fi
    for dir in /usr/local/nvidia/lib64 /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib /usr/local/cuda/compat; do
        for lib in "$dir"/libnvidia-opencl.so.1 "$dir"/libnvidia-opencl.so.[0-9]*; do
            if [ -e "$lib" ]; then
                echo "$lib"
                return
            fi
        done
    done
}

# Which drivers the loader opens: the user's OCL_ICD_VENDORS; else /etc/OpenCL/vendors, unless NVIDIA's library is
# installed and no .icd file there names it (none at all, or only other vendors', as when POCL came with a package):
# then a vendors directory of this user's own holds copies of those files and one naming NVIDIA's library by its full
# path, so that neither its name nor LD_LIBRARY_PATH matters. The trailing / marks it a directory for every loader.
if [ -n "${OCL_ICD_VENDORS:-}" ]; then
    CONVCL_OPENCL_VENDORS="$OCL_ICD_VENDORS (OCL_ICD_VENDORS, set by you)"
else
    nvidia="$(nvidia_opencl)"
    if [ -n "$nvidia" ] && ! grep -qs 'nvidia' /etc/OpenCL/vendors/*.icd; then
        vendors="$(user_dir vendors)"
        for icd in "$vendors"/*.icd; do
            if [ -e "$icd" ] && [ ! -e "/etc/OpenCL/vendors/${icd##*/}" ]; then
                rm -f "$icd"
            fi
        done
        for icd in /etc/OpenCL/vendors/*.icd; do
            if [ -e "$icd" ]; then
                cp "$icd" "$vendors/.${icd##*/}.$$" && mv -f "$vendors/.${icd##*/}.$$" "$vendors/${icd##*/}"
            fi
        done
        printf '%s\n' "$nvidia" >"$vendors/.nvidia.icd.$$" && mv -f "$vendors/.nvidia.icd.$$" "$vendors/nvidia.icd"
        OCL_ICD_VENDORS="$vendors/"
        export OCL_ICD_VENDORS
        CONVCL_OPENCL_VENDORS="$OCL_ICD_VENDORS (made by this launcher: /etc/OpenCL/vendors and NVIDIA's $nvidia)"
    elif ls /etc/OpenCL/vendors/*.icd >/dev/null 2>&1; then
        CONVCL_OPENCL_VENDORS="/etc/OpenCL/vendors"
    else
        CONVCL_OPENCL_VENDORS="none: /etc/OpenCL/vendors has no .icd file and no libnvidia-opencl.so was found"
    fi
fi
export CONVCL_OPENCL_LIBRARY CONVCL_OPENCL_VENDORS

# POCL, the CPU driver, registers no platform without a writable kernel cache ($XDG_CACHE_HOME or $HOME/.cache,
# then pocl/): a service user with HOME=/nonexistent, a read-only home. It then gets a directory of the user's own.
if [ -z "${POCL_CACHE_DIR:-}" ] && [ -n "${XDG_CACHE_HOME:-}${HOME:-}" ]; then
    pocl_cache="${XDG_CACHE_HOME:-${HOME:-}/.cache}/pocl"
    if ! mkdir -p "$pocl_cache" 2>/dev/null || [ ! -w "$pocl_cache" ]; then
        POCL_CACHE_DIR="$(user_dir pocl)"
        export POCL_CACHE_DIR
    fi
fi

# POCL's worker threads pinned one to a CPU, where the process may run on every online CPU (see the project's
# launcher); a setting of the caller's own is kept.
if [ -z "${POCL_AFFINITY+set}" ] && [ -z "${POCL_MAX_PTHREAD_COUNT:-}" ] && [ -r /sys/devices/system/cpu/online ] \
    && [ "$(sed -n 's/^Cpus_allowed_list:[[:space:]]*//p' /proc/self/status 2>/dev/null)" \
        = "$(cat /sys/devices/system/cpu/online)" ]; then
    POCL_AFFINITY=1
    export POCL_AFFINITY
fi

# The JVM's signal chaining, so that the fault handlers POCL has LLVM install do not displace the JVM's (see the
# project's launcher).
if [ -f "$home/runtime/lib/libjsig.so" ]; then
    LD_PRELOAD="$home/runtime/lib/libjsig.so${LD_PRELOAD:+:$LD_PRELOAD}"
    export LD_PRELOAD
fi

exec "$home/runtime/bin/java" -Djava.awt.headless=true -cp "$home/lib/*" org.convcl.cli.Main "$@"
