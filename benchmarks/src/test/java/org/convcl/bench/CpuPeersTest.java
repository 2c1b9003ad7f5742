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
import org.convcl.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without the peers module on the classpath, {@code --peers} notes it once and goes on with CLBlast alone. */
public class CpuPeersTest {
    @TempDir
    Path dir;

    /** A peer library that records the thread count it was opened with. */
    public static final class FakeLibrary implements PeerLibrary {
        @Override
        public String name() {
            return "fake";
        }

        @Override
        public Contender open(int threads) {
            return new FakePeer(threads);
        }
    }

    /** A peer library whose native part is missing. */
    public static final class BrokenLibrary implements PeerLibrary {
        @Override
        public String name() {
            return "broken";
        }

        @Override
        public Contender open(int threads) {
            throw new UnsatisfiedLinkError("no libbroken.so");
        }
    }

    private record FakePeer(int threads) implements Contender {
        @Override
        public String backend() {
            return "nd4j";
        }

        @Override
        public String device() {
            return threads + " threads";
        }

        @Override
        public Run prepare(BenchCase c, Tensor input, Tensor weight) {
            throw new UnsupportedOperationException("never run here");
        }

        @Override
        public void close() {
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
            assertEquals(List.of(new FakePeer(3)), peers);
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
