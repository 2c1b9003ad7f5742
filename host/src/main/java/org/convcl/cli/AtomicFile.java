package org.convcl.cli;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file all or nothing: the bytes go to a hidden temporary file in the target's directory, which is renamed
 * over the target only once it is complete, so a failure never leaves a partial output behind.
 */
final class AtomicFile {

    /** Produces the content of the file. */
    @FunctionalInterface
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private AtomicFile() {
    }

    /**
     * Checks up front that {@code target} can be written where it is, so commands fail before the expensive work.
     *
     * @throws IllegalArgumentException naming the file when its directory is missing or the target is a directory
     */
    static void checkTarget(Path target) {
        Path absolute = target.toAbsolutePath();
        if (Files.isDirectory(absolute)) {
            throw new IllegalArgumentException(target + ": is a directory, not a file to write");
        }
        Path dir = absolute.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(target + ": directory " + dir + " does not exist");
        }
    }

    /** Writes {@code target} with what {@code content} produces, replacing any existing file atomically. */
    static void write(Path target, Content content) throws IOException {
        Path absolute = target.toAbsolutePath();
        // Same directory as the target: a rename across file systems could not be atomic.
        Path temp = absolute.resolveSibling("." + absolute.getFileName() + "."
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36) + ".tmp");
        try {
            // CREATE_NEW rather than Files.createTempFile, whose owner-only permissions would stick to the output.
            try (var channel = FileChannel.open(temp, CREATE_NEW, WRITE)) {
                content.writeTo(Channels.newOutputStream(channel));
                channel.force(true);
            }
            Files.move(temp, absolute, ATOMIC_MOVE, REPLACE_EXISTING);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }
}
