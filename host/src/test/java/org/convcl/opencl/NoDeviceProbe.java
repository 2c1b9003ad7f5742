package org.convcl.opencl;

import org.convcl.opencl.device.ConvclException;

/** Prints what opening an OpenCL backend throws, for a JVM whose ICD loader finds no driver ({@code WithoutOpenClTest}). */
public final class NoDeviceProbe {
    private NoDeviceProbe() {
    }

    public static void main(String[] args) {
        try (var backend = OpenClBackend.open("cpu")) {
            System.out.println("opened " + backend.name());
        } catch (ConvclException e) {
            System.out.println(e.getMessage());
        }
    }
}
