package org.convcl.opencl;

import java.util.ArrayList;

/**
 * Allocates 200 MB device tensors on the default device until one is refused, for {@link MemoryBudgetTest}; prints
 * how many it got and the refusal. Nothing is written to them, so a driver that allocates lazily spends nothing.
 */
final class DeviceMemoryHog {
    static final int FLOATS = 50_000_000;

    private DeviceMemoryHog() {
    }

    public static void main(String[] args) {
        // Kept reachable, so that none is freed by the garbage collector before the refusal.
        var tensors = new ArrayList<DeviceTensor>();
        try (var backend = OpenClBackend.open(Devices.choose(null))) {
            while (true) {
                try {
                    tensors.add(backend.allocate("tensor " + tensors.size(), false, FLOATS));
                } catch (IllegalArgumentException e) {
                    System.out.println(tensors.size() + " accepted");
                    System.out.println(e.getMessage());
                    return;
                }
            }
        }
    }
}
