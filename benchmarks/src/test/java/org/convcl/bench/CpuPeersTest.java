package org.convcl.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without the peers module on the classpath, {@code --peers} notes it once and goes on with CLBlast alone. */
public class CpuPeersTest {
    @TempDir
    Path dir;

    /** A peer library that records the thread count it was opened with, in its device. */
    public static final class FakeLibrary extends NamedPeerLibrary {
        public FakeLibrary() {
            super("fake", threads -> new FakeContender("nd4j", threads + " threads", false));
        }
    }

    /** A peer library whose native part is missing. */
    public static final class BrokenLibrary extends NamedPeerLibrary {
        public BrokenLibrary() {
            super("broken", threads -> {
                throw new UnsatisfiedLinkError("no libbroken.so");
            });
        }
    }

    @Test
    void withoutThePeersModuleThereIsOneNoteAndNoPeer() throws IOException {
        var out = new ByteArrayOutputStream();
        try (var loader = loaderWith()) {
            var peers = CpuPeers.open(loader, 2, "offline", new PrintStream(out, true, StandardCharsets.UTF_8));
            assertEquals(List.of(), peers);
        }
        assertEquals("peers: offline; comparing with CLBlast only\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void peersOnTheClassPathAreOpenedWithTheThreadCountAndABrokenOneIsLeftOut() throws IOException {
        var out = new ByteArrayOutputStream();
        try (var loader = loaderWith(BrokenLibrary.class, FakeLibrary.class)) {
            var peers = CpuPeers.open(loader, 3, "offline", new PrintStream(out, true, StandardCharsets.UTF_8));
            assertEquals(List.of(new FakeContender("nd4j", "3 threads", false)), peers);
        }
        String note = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, note.lines().count(), note);
        assertTrue(note.startsWith("peers: broken did not start (java.lang.UnsatisfiedLinkError: no libbroken.so)"), note);
    }

    /** A class loader that sees a services file naming {@code libraries}, as the peers module's jar would. */
    private URLClassLoader loaderWith(Class<?>... libraries) throws IOException {
        var services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        var names = new StringBuilder();
        for (var c : libraries) {
            names.append(c.getName()).append('\n');
        }
        Files.writeString(services.resolve(PeerLibrary.class.getName()), names);
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader());
    }
}
