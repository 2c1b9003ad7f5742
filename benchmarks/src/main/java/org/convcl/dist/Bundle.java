package org.convcl.dist;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays out the bundle's directory:
 * <pre>
 * bin/convcl                      the launcher (sh): picks the OpenCL loader and drivers, runs runtime/bin/java
 * runtime/                        a jlink image of just the JDK modules the jars use
 * lib/*.jar                       the command line's jars, JOCL included
 * lib/libOpenCL.so.1              Debian's ICD loader (ocl-icd), for systems whose driver came without one
 * lib/ocl-icd.copyright           its licence
 * </pre>
 */
final class Bundle {
    /** Where Debian's ocl-icd-libopencl1 package puts the loader and its licence. */
    static final Path SYSTEM_LOADER = Path.of("/usr/lib/x86_64-linux-gnu/libOpenCL.so.1");
    private static final Path LOADER_COPYRIGHT = Path.of("/usr/share/doc/ocl-icd-libopencl1/copyright");

    private final JdkTools tools;
    private final Path root;

    Bundle(JdkTools tools, Path root) {
        this.tools = tools;
        this.root = root;
    }

    /** Fails up front, before the slow steps, when the loader to bundle is not installed. */
    static void checkLoader() {
        if (!Files.isRegularFile(SYSTEM_LOADER)) {
            throw new IllegalArgumentException("convcl dist bundles Debian's OpenCL loader, and " + SYSTEM_LOADER
                    + " is missing: install it (sudo apt-get install ocl-icd-libopencl1)");
        }
    }

    /**
     * Writes the whole tree.
     *
     * @param jars    the jars to ship
     * @param classes the benchmarks module's classes: its jar, or a directory of classes (as in the source tree),
     *                packed as {@code jarName}
     * @return the JDK modules in the runtime
     */
    String write(List<Path> jars, Path classes, String jarName) throws IOException {
        Path lib = Files.createDirectories(root.resolve("lib"));
        var shipped = new ArrayList<Path>();
        for (Path jar : jars) {
            shipped.add(Files.copy(jar, lib.resolve(jar.getFileName().toString())));
        }
        if (Files.isDirectory(classes)) {
            tools.jar(classes, lib.resolve(jarName));
            shipped.add(lib.resolve(jarName));
        } else {
            shipped.add(Files.copy(classes, lib.resolve(classes.getFileName().toString())));
        }
        String modules = tools.modulesUsedBy(shipped);
        tools.linkRuntime(modules, root.resolve("runtime"));
        Files.copy(SYSTEM_LOADER, lib.resolve("libOpenCL.so.1"));
        if (Files.isRegularFile(LOADER_COPYRIGHT)) {
            Files.copy(LOADER_COPYRIGHT, lib.resolve("ocl-icd.copyright"));
        }
        writeLauncher(Files.createDirectories(root.resolve("bin")).resolve("convcl"));
        return modules;
    }

    private static void writeLauncher(Path launcher) throws IOException {
        try (InputStream script = Bundle.class.getResourceAsStream("convcl.sh")) {
            Files.copy(script, launcher);
        }
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
