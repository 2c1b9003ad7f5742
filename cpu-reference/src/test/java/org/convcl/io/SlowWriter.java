package org.convcl.io;

import java.nio.file.Path;

/**
 * A process for {@link AtomicFileTest} to interrupt: it starts an atomic write of {@code args[0]}, says "writing" on
 * standard output once the temporary file holds data, and then waits to be signalled.
 */
final class SlowWriter {
    private SlowWriter() {
    }

    public static void main(String[] args) throws Exception {
        AtomicFile.write(Path.of(args[0]), out -> {
            out.write(new byte[1 << 16]);
            System.out.println("writing");
            System.out.flush();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }
}
