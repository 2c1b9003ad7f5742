package org.convcl.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * What {@code convcl --version} prints: ConvCL's version, written into {@code version.properties} by the build,
 * and the JOCL and Java versions this process actually runs on.
 */
public final class Version {
    /** Every Maven-built jar holds its own coordinates here, so this is the JOCL on the class path, not the pom's. */
    private static final String JOCL_POM = "META-INF/maven/org.jocl/jocl/pom.properties";

    private Version() {
    }

    /** The project version, for example {@code 0.1.0-SNAPSHOT}. */
    public static String project() {
        return load(Version.class.getResourceAsStream("version.properties"), "version.properties")
                .getProperty("version");
    }

    /** The JOCL version on the class path, or "unknown" when its jar carries no Maven coordinates. */
    static String jocl() {
        var in = Version.class.getClassLoader().getResourceAsStream(JOCL_POM);
        return in == null ? "unknown" : load(in, JOCL_POM).getProperty("version", "unknown");
    }

    /** Three lines: ConvCL, JOCL, and the Java runtime with its vendor. */
    static String describe() {
        return "convcl " + project() + "\n"
                + "JOCL " + jocl() + "\n"
                + "Java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vendor")
                + ", " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ")\n";
    }

    private static Properties load(InputStream in, String name) {
        if (in == null) {
            throw new IllegalStateException(name + " is missing from the class path: a build that skipped resources");
        }
        var properties = new Properties();
        try (in) {
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(name + ": " + e.getMessage(), e);
        }
        return properties;
    }
}
