package org.convcl.opencl.device;

import java.util.Map;

/**
 * The SIMD width, in floats, of the code POCL's CPU device generates. POCL names that device after the LLVM CPU it
 * compiles for ({@code pthread-haswell-AMD EPYC}), which {@code POCL_KERNELLIB_NAME} may set below the host's, yet
 * it reports CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT from the host's CPUID: on an AVX-512 host with
 * {@code POCL_KERNELLIB_NAME=avx2} (POCL 3.1) it names haswell and still reports 16 floats, and kernels planned for
 * 16 lanes would then run every vector as two, with half the registers the plan counted on.
 */
public final class PoclCpuTarget {
    /**
     * LLVM x86 CPU names (LLVM's X86 target list) by the width of their widest float vectors: the CPUs of POCL's
     * sse2, ssse3, sse41, avx, avx_f16c, avx_fma4, avx2 and avx512 kernel libraries and their kin. The AVX-512 ones
     * are listed so that a longer name wins over its prefix (skylake-avx512 over skylake). Names not listed keep the
     * width the device reports.
     */
    private static final Map<String, Integer> WIDTHS = Map.ofEntries(
            Map.entry("x86-64", 4), Map.entry("x86-64-v2", 4), Map.entry("core2", 4), Map.entry("penryn", 4),
            Map.entry("nehalem", 4), Map.entry("westmere", 4), Map.entry("silvermont", 4), Map.entry("goldmont", 4),
            Map.entry("tremont", 4), Map.entry("btver1", 4),
            Map.entry("x86-64-v3", 8), Map.entry("sandybridge", 8), Map.entry("ivybridge", 8),
            Map.entry("haswell", 8), Map.entry("broadwell", 8), Map.entry("skylake", 8), Map.entry("alderlake", 8),
            Map.entry("raptorlake", 8), Map.entry("meteorlake", 8), Map.entry("gracemont", 8),
            Map.entry("bdver1", 8), Map.entry("bdver2", 8), Map.entry("bdver3", 8), Map.entry("bdver4", 8),
            Map.entry("btver2", 8), Map.entry("znver1", 8), Map.entry("znver2", 8), Map.entry("znver3", 8),
            Map.entry("x86-64-v4", 16), Map.entry("skylake-avx512", 16), Map.entry("cascadelake", 16),
            Map.entry("cooperlake", 16), Map.entry("cannonlake", 16), Map.entry("icelake-client", 16),
            Map.entry("icelake-server", 16), Map.entry("tigerlake", 16), Map.entry("rocketlake", 16),
            Map.entry("sapphirerapids", 16), Map.entry("emeraldrapids", 16), Map.entry("graniterapids", 16),
            Map.entry("knl", 16), Map.entry("knm", 16), Map.entry("znver4", 16), Map.entry("znver5", 16));

    private PoclCpuTarget() {
    }

    /**
     * @param type     the device's type as {@link DeviceInfo#type()} spells it
     * @param name     CL_DEVICE_NAME
     * @param reported CL_DEVICE_PREFERRED_VECTOR_WIDTH_FLOAT
     * @return the narrower of {@code reported} and the width of the CPU a POCL CPU device's name gives; otherwise
     *         {@code reported}
     */
    public static int floatWidth(String type, String name, int reported) {
        if (!type.equals("cpu")) {
            return reported;
        }
        for (String driver : new String[] {"pthread-", "cpu-minimal-", "cpu-", "basic-"}) {
            if (name.startsWith(driver)) {
                String rest = name.substring(driver.length());
                // CPU names may hold hyphens (x86-64-v3, skylake-avx512): the longest listed one wins.
                int best = reported;
                int bestLength = -1;
                for (var e : WIDTHS.entrySet()) {
                    String cpu = e.getKey();
                    if (rest.startsWith(cpu + "-") && cpu.length() > bestLength) {
                        best = Math.min(reported, e.getValue());
                        bestLength = cpu.length();
                    }
                }
                return best;
            }
        }
        return reported;
    }
}
