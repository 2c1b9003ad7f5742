package org.convcl.opencl.tuning;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.convcl.io.AtomicFile;
import org.convcl.opencl.device.DeviceInfo;

/**
 * The per-user store of find results: for each device, driver and conv2d problem, the algorithm that was fastest
 * when every applicable one was timed ({@code find} mode). It is a cache and never hurts: a missing, damaged,
 * oversized or unreadable file, and any line that is not {@code key<TAB>ALGORITHM_ID}, is skipped (the planner's
 * defaults answer instead); a file is replaced only by an atomic move of a complete new one, never through a link or
 * over anything but a regular file; and it keeps the {@link #MAX_ENTRIES} newest entries. It lives beside the tuning
 * cache ({@link TuningCache#location()}) as {@code find.tsv}.
 */
public final class FindDatabase {
    /** The most entries kept, the oldest dropped first: a few thousand layers of many networks and devices. */
    static final int MAX_ENTRIES = 4096;
    /** A file larger than this is not read: MAX_ENTRIES lines of the longest key fit in it. */
    static final long MAX_BYTES = 4L << 20;
    private static final Pattern ID = Pattern.compile("[A-Z][A-Z0-9_]{0,31}");
    private static final System.Logger LOG = System.getLogger("org.convcl.find");

    private final Path file;
    private final int maxEntries;

    /** The database beside the tuning cache. */
    public static FindDatabase beside(Path tuningCache) {
        return new FindDatabase(tuningCache.toAbsolutePath().resolveSibling("find.tsv"), MAX_ENTRIES);
    }

    FindDatabase(Path file, int maxEntries) {
        this.file = file;
        this.maxEntries = maxEntries;
    }

    public Path file() {
        return file;
    }

    /** The device's part of a key: device, platform and driver, as the tuning cache keys them. */
    public static String deviceKey(DeviceInfo device) {
        return TuningCache.key(device);
    }

    /**
     * The stored algorithms of one device and driver, by problem.
     *
     * @return problem key to algorithm id; empty when there are none or the file cannot be read
     */
    public Map<String, String> load(DeviceInfo device) {
        String prefix = deviceKey(device) + " | ";
        Map<String, String> mine = new LinkedHashMap<>();
        readAll().forEach((key, id) -> {
            if (key.startsWith(prefix)) {
                mine.put(key.substring(prefix.length()), id);
            }
        });
        return mine;
    }

    /**
     * Stores a problem's algorithm, keeping the other entries. A failure is logged, not thrown: a find result that
     * cannot be stored is found again next time.
     */
    public void store(DeviceInfo device, String problem, String algorithmId) {
        String key = deviceKey(device) + " | " + problem;
        if (!valid(key, algorithmId)) {
            LOG.log(System.Logger.Level.WARNING, "find database: not storing malformed entry " + key);
            return;
        }
        try {
            var entries = readAll();
            entries.remove(key);
            entries.put(key, algorithmId);
            var it = entries.keySet().iterator();
            while (entries.size() > maxEntries) {
                it.next();
                it.remove();
            }
            var text = new StringBuilder();
            entries.forEach((k, v) -> text.append(k).append('\t').append(v).append('\n'));
            Files.createDirectories(file.getParent());
            AtomicFile.replace(file, out -> out.write(text.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "find database " + file + ": not stored: " + e);
        }
    }

    /** Every valid entry in file order; nothing when the file is missing, not a regular file, too large or unreadable. */
    private Map<String, String> readAll() {
        Map<String, String> entries = new LinkedHashMap<>();
        try {
            if (!Files.isRegularFile(file) || Files.size(file) > MAX_BYTES) {
                if (Files.exists(file)) {
                    LOG.log(System.Logger.Level.WARNING, "find database " + file + " is not a regular file of at most "
                            + MAX_BYTES + " bytes; ignored");
                }
                return entries;
            }
            for (String line : Files.readString(file, StandardCharsets.UTF_8).split("\n")) {
                int tab = line.indexOf('\t');
                if (tab > 0 && valid(line.substring(0, tab), line.substring(tab + 1))) {
                    entries.remove(line.substring(0, tab));
                    entries.put(line.substring(0, tab), line.substring(tab + 1));
                }
            }
        } catch (CharacterCodingException e) {
            LOG.log(System.Logger.Level.WARNING, "find database " + file + " is not UTF-8; ignored");
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "find database " + file + " cannot be read: " + e);
        }
        return entries;
    }

    private static boolean valid(String key, String id) {
        return key.length() <= 480 && key.indexOf('\t') < 0 && key.indexOf('\n') < 0 && key.indexOf('\r') < 0
                && ID.matcher(id).matches();
    }
}
