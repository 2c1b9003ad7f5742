package org.convcl.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * The temporary files {@link AtomicFile} writes before renaming them over their targets, named
 * {@code .NAME.convcl-tmp-PID-N} beside the target. Those still pending when the JVM is stopped (Ctrl-C, SIGTERM)
 * are deleted on the way out; those a SIGKILL left are recognised by their dead PID and deleted on the next write
 * of the same target.
 */
final class TempFiles {
    private static final String MARK = ".convcl-tmp-";
    private static final Pattern OWNER = Pattern.compile("(\\d{1,18})-\\d+");
    /** The usual limit on one file name (ext4, xfs, btrfs, tmpfs), in bytes. */
    private static final int MAX_NAME_BYTES = 255;
    /** Room kept for the dot, the mark and two numbers of up to 19 digits, so every temporary name fits. */
    private static final int MAX_BASE_BYTES = MAX_NAME_BYTES - 1 - MARK.length() - 2 * 19 - 1;
    private static final long PID = ProcessHandle.current().pid();
    private static final AtomicLong SEQUENCE = new AtomicLong();
    private static final Set<Path> PENDING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TempFiles::deletePending, "convcl-temp-cleanup"));
    }

    private TempFiles() {
    }

    /** Creates an empty temporary file beside the absolute path {@code target}, first removing stale ones. */
    static Path create(Path target) throws IOException {
        removeStale(target);
        Path temp = target.resolveSibling(prefix(target) + PID + "-" + SEQUENCE.incrementAndGet());
        PENDING.add(temp);
        // Not Files.createTempFile, whose owner-only permissions would stick to the output.
        Files.createFile(temp);
        return temp;
    }

    /** Renames {@code temp} over {@code target}, replacing it in one step. */
    static void commit(Path temp, Path target) throws IOException {
        Files.move(temp, target, ATOMIC_MOVE, REPLACE_EXISTING);
        PENDING.remove(temp);
    }

    /** Deletes {@code temp} if it is there. */
    static void discard(Path temp) throws IOException {
        Files.deleteIfExists(temp);
        PENDING.remove(temp);
    }

    /** {@code .NAME.convcl-tmp-}, with NAME cut so that the whole temporary name stays within the limit. */
    private static String prefix(Path target) {
        String name = target.getFileName().toString();
        int end = name.length();
        while (name.substring(0, end).getBytes(UTF_8).length > MAX_BASE_BYTES) {
            end = name.offsetByCodePoints(end, -1);
        }
        return "." + name.substring(0, end) + MARK;
    }

    /**
     * Deletes the temporary files of {@code target} whose process is gone, or that carry this process's id but are
     * not its own (a process of an earlier boot had the same id). Best effort: a directory that cannot be listed
     * just keeps its leftovers, and the write goes on.
     */
    private static void removeStale(Path target) {
        String prefix = prefix(target);
        try (var siblings = Files.newDirectoryStream(target.getParent(), p -> isStale(p, prefix))) {
            for (Path stale : siblings) {
                Files.deleteIfExists(stale);
            }
        } catch (IOException | RuntimeException e) {
            // Leftovers are harmless to this write; they are retried on the next one.
        }
    }

    private static boolean isStale(Path file, String prefix) {
        String name = file.getFileName().toString();
        if (!name.startsWith(prefix)) {
            return false;
        }
        var owner = OWNER.matcher(name.substring(prefix.length()));
        if (!owner.matches()) {
            return false;
        }
        long pid = Long.parseLong(owner.group(1));
        return pid == PID ? !PENDING.contains(file) : ProcessHandle.of(pid).isEmpty();
    }

    private static void deletePending() {
        for (Path temp : PENDING) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException e) {
                // The JVM is exiting; nothing is left to tell.
            }
        }
    }
}
