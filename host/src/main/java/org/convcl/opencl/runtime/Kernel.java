package org.convcl.opencl.runtime;

import static org.jocl.CL.clCreateKernel;
import static org.jocl.CL.clReleaseKernel;
import static org.jocl.CL.clSetKernelArg;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jocl.Pointer;
import org.jocl.Sizeof;
import org.jocl.cl_kernel;
import org.jocl.cl_mem;
import org.jocl.cl_program;

/**
 * One kernel of a built program, held as a few OpenCL kernel objects that each keep the arguments last set on them
 * (OpenCL keeps a kernel's arguments between enqueues). A launch takes the object whose scalar arguments it repeats
 * (the same layer called again) and sets only the arguments that changed, typically the output buffer: through
 * JOCL, setting the twenty-odd arguments of a small convolution costs about as much as enqueueing it.
 *
 * <p>Used only under a hold of its context, which releases it on close.
 */
public final class Kernel {
    /**
     * Kernel objects kept per kernel, so that the layers of a network sharing one build each keep their own
     * arguments; the least recently used object takes a launch that matches none.
     */
    static final int OBJECTS = 8;

    private final cl_program program;
    private final String name;
    /** Most recently used first. */
    private final List<Bound> objects = new ArrayList<>();

    Kernel(cl_program program, String name) {
        this.program = program;
        this.name = name;
        objects.add(create());
    }

    /**
     * Sets {@code arguments} (boxed {@code int}, {@code long} and {@code float} values, and {@code cl_mem} buffers) on
     * one of the kernel objects where they differ from what it holds, and enqueues it with {@code enqueue}, all under
     * this kernel's lock so that no other launch changes the arguments in between.
     */
    synchronized void launch(String launchName, Object[] arguments, KernelCall enqueue) {
        Bound bound = objectFor(arguments);
        for (int i = 0; i < arguments.length; i++) {
            if (i < bound.arguments.length && same(bound.arguments[i], arguments[i])) {
                continue;
            }
            int index = i;
            Object value = arguments[i];
            try {
                Cl.run("clSetKernelArg(" + launchName + ", " + i + ")",
                        () -> clSetKernelArg(bound.handle, index, sizeOf(value), pointerTo(value)));
            } catch (RuntimeException e) {
                bound.arguments = new Object[0];
                throw e;
            }
            if (bound.arguments.length != arguments.length) {
                bound.arguments = Arrays.copyOf(bound.arguments, arguments.length);
            }
            bound.arguments[i] = value;
        }
        enqueue.run(bound.handle);
    }

    /** Kernel objects held now, for tests. */
    synchronized int objectCount() {
        return objects.size();
    }

    synchronized void release() {
        objects.forEach(o -> clReleaseKernel(o.handle));
        objects.clear();
    }

    private Bound objectFor(Object[] arguments) {
        Bound chosen = null;
        for (Bound b : objects) {
            if (sameScalars(b.arguments, arguments)) {
                chosen = b;
                break;
            }
        }
        if (chosen == null) {
            chosen = objects.size() < OBJECTS ? create() : objects.get(objects.size() - 1);
        }
        objects.remove(chosen);
        objects.add(0, chosen);
        return chosen;
    }

    private Bound create() {
        return new Bound(Cl.call("clCreateKernel(" + name + ")", () -> clCreateKernel(program, name, null)));
    }

    private static boolean sameScalars(Object[] held, Object[] wanted) {
        if (held.length != wanted.length) {
            return false;
        }
        for (int i = 0; i < held.length; i++) {
            if (!(wanted[i] instanceof cl_mem) && !same(held[i], wanted[i])) {
                return false;
            }
        }
        return true;
    }

    /** Buffers by identity (a new buffer is a new handle), numbers by value and bits. */
    private static boolean same(Object held, Object wanted) {
        return held == wanted || (held != null && !(wanted instanceof cl_mem) && held.equals(wanted));
    }

    /** The bytes of an argument as {@link #launch} takes them. */
    static long sizeOf(Object value) {
        if (value instanceof cl_mem) {
            return Sizeof.cl_mem;
        }
        if (value instanceof Integer) {
            return Sizeof.cl_int;
        }
        if (value instanceof Float) {
            return Sizeof.cl_float;
        }
        if (value instanceof Long) {
            return Sizeof.cl_long;
        }
        throw new IllegalArgumentException("kernel argument of type " + value.getClass().getName());
    }

    private static Pointer pointerTo(Object value) {
        if (value instanceof cl_mem m) {
            return Pointer.to(m);
        }
        if (value instanceof Integer v) {
            return Pointer.to(new int[] {v});
        }
        if (value instanceof Float v) {
            return Pointer.to(new float[] {v});
        }
        return Pointer.to(new long[] {(Long) value});
    }

    /** The enqueue of a launch, on the kernel object its arguments were set on. */
    @FunctionalInterface
    interface KernelCall {
        void run(cl_kernel handle);
    }

    private static final class Bound {
        final cl_kernel handle;
        Object[] arguments = new Object[0];

        Bound(cl_kernel handle) {
            this.handle = handle;
        }
    }
}
