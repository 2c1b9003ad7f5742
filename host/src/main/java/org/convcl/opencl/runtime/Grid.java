package org.convcl.opencl.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * How many work-groups an NDRange may have along each axis, and the cutting of a larger one into launches that fit.
 * OpenCL has no query for this: NVIDIA's driver maps an NDRange onto a CUDA grid, which holds at most 2^31 - 1
 * blocks along x and 65,535 along y and z (CUDA C Programming Guide, compute capabilities table), the tightest limit
 * of the drivers ConvCL runs on, so every device gets it: the kernels put planes, images and groups along y and z,
 * and 256 images of 512 channels are already past it. A launch cut along y or z runs as several enqueues with
 * global offsets, which the kernels see through {@code get_global_id}; along x (where kernels read
 * {@code get_group_id}) it is refused instead.
 */
final class Grid {
    /** The most work-groups along x, y and z. */
    static final long[] MAX_GROUPS = {Integer.MAX_VALUE, 65_535, 65_535};

    /** One enqueue: its global offset and its global size, each a multiple of the local size. */
    record Part(long[] offset, long[] global) {
    }

    private Grid() {
    }

    /**
     * The launches that together cover {@code global} in groups of {@code local} (null: the driver's choice), none
     * past {@link #MAX_GROUPS}.
     *
     * @throws IllegalArgumentException when the x axis alone has too many groups
     */
    static List<Part> split(String name, long[] global, long[] local) {
        // Without a local size the driver picks one, at least a work-item a group.
        long[] group = local != null ? local : ones(global.length);
        if (global[0] / group[0] > MAX_GROUPS[0]) {
            throw new IllegalArgumentException(name + ": " + global[0] / group[0] + " work-groups along x, more than"
                    + " the " + MAX_GROUPS[0] + " a device takes");
        }
        List<Part> parts = List.of(new Part(new long[global.length], global.clone()));
        for (int axis = 1; axis < global.length; axis++) {
            long step = MAX_GROUPS[axis] * group[axis];
            List<Part> cut = new ArrayList<>();
            for (Part p : parts) {
                for (long start = 0; start < global[axis]; start += step) {
                    long[] offset = p.offset().clone();
                    long[] size = p.global().clone();
                    offset[axis] = start;
                    size[axis] = Math.min(step, global[axis] - start);
                    cut.add(new Part(offset, size));
                }
            }
            parts = cut;
        }
        return parts;
    }

    private static long[] ones(int axes) {
        long[] ones = new long[axes];
        java.util.Arrays.fill(ones, 1);
        return ones;
    }
}
