package org.convcl.io;

import static java.nio.file.StandardOpenOption.WRITE;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * Writes files all or nothing: the bytes go to a hidden temporary file in the target's directory (see
 * {@link TempFiles}), which is renamed over the target only once it is complete, so a failure never leaves a partial
 * output behind. Several files are written as one: all land or none does. An existing target that is not a regular
 * file, such as {@code /dev/null} or a named pipe, is written through instead, since renaming over it would replace
 * the device or pipe with a plain file. A target that is a symbolic link is refused: renaming over it would replace
 * the link and writing through it would change a file the user did not name, so neither happens silently. Every
 * I/O error names the target as the user gave it.
 * <p>Thread-safe: it keeps no state (two threads writing one file race as any two writers do).
 */
public final class AtomicFile {

    /** Produces the content of a file. */
    @FunctionalInterface
    public interface Content {
        /**
         * Writes the whole content.
         *
         * @param out the stream to write to; not to be closed
         * @throws IOException when writing fails
         */
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * One file to write: where, and what produces its bytes.
     *
     * @param target  the file as the user named it
     * @param content what produces its bytes
     */
    public record Output(Path target, Content content) {
    }

    private AtomicFile() {
    }

    /**
     * Checks up front that every target can be written where it is and that no two are the same file, so commands
     * fail before the expensive work.
     *
     * @param targets the files to be written
     * @throws IOException              when a target's directory cannot be resolved
     * @throws IllegalArgumentException naming the file when its directory is missing or not writable, when it is a
     *                                  directory or a symbolic link, or when two targets are one file
     */
    public static void checkTargets(Path... targets) throws IOException {
        var seen = new HashMap<Path, Path>();
        for (Path target : targets) {
            checkTarget(target);
            Path other = seen.putIfAbsent(realPath(target), target);
            if (other != null) {
                throw new IllegalArgumentException(target + ": is the same file as " + other
                        + "; each output needs its own file");
            }
        }
    }

    /**
     * As {@link #checkTargets}, and also refuses a target that exists but is not a regular file: for files that are
     * read back later, such as caches, where writing into a device or pipe would lose what was written.
     *
     * @param target the file to be replaced or created
     * @throws IOException              when its directory cannot be resolved
     * @throws IllegalArgumentException naming the file, as {@link #checkTargets}, or when it is not a regular file
     */
    public static void checkReplaceable(Path target) throws IOException {
        checkTargets(target);
        if (!isRegularOrAbsent(target)) {
            throw new IllegalArgumentException(target + ": is not a regular file; not replacing it");
        }
    }

    /**
     * Writes {@code target} as {@link #write} does, but only over a regular file or none (see
     * {@link #checkReplaceable}).
     *
     * @param target  the file to write
     * @param content what produces its bytes
     * @throws IllegalArgumentException as {@link #checkReplaceable}
     * @throws IOException              when writing fails; the message names {@code target}
     */
    public static void replace(Path target, Content content) throws IOException {
        checkReplaceable(target);
        write(target, content);
    }

    private static void checkTarget(Path target) {
        Path absolute = target.toAbsolutePath();
        if (Files.isSymbolicLink(absolute)) {
            throw new IllegalArgumentException(target + ": is a symbolic link; not writing through it or replacing it"
                    + " (name the file it points to instead)");
        }
        if (Files.isDirectory(absolute)) {
            throw new IllegalArgumentException(target + ": is a directory, not a file to write");
        }
        if (Files.exists(absolute) && !Files.isRegularFile(absolute)) {
            if (!Files.isWritable(absolute)) {
                throw new IllegalArgumentException(target + ": is not writable");
            }
            return;
        }
        Path dir = absolute.getParent();
        if (dir == null || !Files.isDirectory(dir)) {
            throw new IllegalArgumentException(target + ": directory " + dir + " does not exist");
        }
        if (!Files.isWritable(dir)) {
            throw new IllegalArgumentException(target + ": directory " + dir + " is not writable");
        }
    }

    /** The file {@code target} names, through links and {@code ..}, whether or not it exists yet. */
    private static Path realPath(Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        try {
            return absolute.toRealPath();
        } catch (NoSuchFileException e) {
            return absolute.getParent().toRealPath().resolve(absolute.getFileName());
        }
    }

    /**
     * Writes {@code target} with what {@code content} produces, replacing any existing file atomically.
     *
     * @param target  the file to write
     * @param content what produces its bytes
     * @throws IllegalArgumentException as {@link #checkTargets}
     * @throws IOException              when writing fails; the message names {@code target}
     */
    public static void write(Path target, Content content) throws IOException {
        writeAll(List.of(new Output(target, content)));
    }

    /**
     * Writes every output or none: each regular target's temporary file is completed before any is renamed, and on
     * a failure the temporary files, and any target already renamed into place, are removed.
     *
     * @param outputs the files to write, each a different file
     * @throws IllegalArgumentException as {@link #checkTargets}
     * @throws IOException              when writing fails; the message names the target
     */
    public static void writeAll(List<Output> outputs) throws IOException {
        checkTargets(outputs.stream().map(Output::target).toArray(Path[]::new));
        var throughs = outputs.stream().filter(o -> !isRegularOrAbsent(o.target())).toList();
        var staged = new ArrayList<Staged>();
        var landed = new ArrayList<Path>();
        try {
            for (var o : outputs) {
                if (!throughs.contains(o)) {
                    staged.add(stage(o));
                }
            }
            for (var o : throughs) {
                writeThrough(o);
            }
            for (var s : staged) {
                s.commit();
                landed.add(s.output().target());
            }
        } catch (IOException | RuntimeException | Error e) {
            for (var s : staged) {
                quietly(() -> TempFiles.discard(s.temp()), e);
            }
            for (Path target : landed) {
                quietly(() -> Files.deleteIfExists(target), e);
            }
            throw e;
        }
    }

    private static boolean isRegularOrAbsent(Path target) {
        return !Files.exists(target) || Files.isRegularFile(target);
    }

    /** A complete temporary file waiting to be renamed over its target. */
    private record Staged(Output output, Path temp) {
        void commit() throws IOException {
            try {
                TempFiles.commit(temp, output.target().toAbsolutePath());
            } catch (IOException e) {
                throw FileErrors.about(output.target(), e);
            }
        }
    }

    private static Staged stage(Output o) throws IOException {
        Path temp = null;
        try {
            temp = TempFiles.create(o.target().toAbsolutePath());
            try (var channel = FileChannel.open(temp, WRITE)) {
                o.content().writeTo(Channels.newOutputStream(channel));
                channel.force(true);
            }
            return new Staged(o, temp);
        } catch (IOException e) {
            discard(temp, e);
            throw FileErrors.about(o.target(), e);
        } catch (RuntimeException | Error e) {
            discard(temp, e);
            throw e;
        }
    }

    private static void discard(Path temp, Throwable failure) {
        if (temp != null) {
            quietly(() -> TempFiles.discard(temp), failure);
        }
    }

    /** Writes into the existing device or pipe; neither can be staged, and neither can be synced. */
    private static void writeThrough(Output o) throws IOException {
        try (var out = Files.newOutputStream(o.target(), WRITE)) {
            o.content().writeTo(out);
        } catch (IOException e) {
            throw FileErrors.about(o.target(), e);
        }
    }

    /** A clean-up step after a failure. */
    @FunctionalInterface
    private interface Removal {
        void run() throws IOException;
    }

    /** Runs a clean-up step; its own failure is attached to the one being reported rather than hiding it. */
    private static void quietly(Removal removal, Throwable failure) {
        try {
            removal.run();
        } catch (IOException cleanup) {
            failure.addSuppressed(cleanup);
        }
    }
}
