package org.convcl.bench.peers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The peer libraries' versions, written into versions.properties from pom.xml when this module is built. */
final class Versions {
    private static final Properties VERSIONS = load();

    private Versions() {
    }

    static String of(String library) {
        return VERSIONS.getProperty(library, "?");
    }

    private static Properties load() {
        var p = new Properties();
        try (var in = Versions.class.getResourceAsStream("versions.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }
}
