package org.convcl.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.convcl.Tensor;

/**
 * NumPy {@code .npz} archives: a zip of {@code .npy} files, one per named array, stored ({@code np.savez}) or
 * deflated ({@code np.savez_compressed}). Each array is read as {@link Npy} reads a file, with the same checks; the
 * archive itself is checked first: entry names ({@code NAME.npy}, no path, no control characters, no duplicates),
 * at most {@value #MAX_ENTRIES} entries, and no entry inflating past {@value #MAX_ENTRY_BYTES} bytes, its declared
 * size, or what deflate can make of its compressed size, so that a zip bomb is refused before it fills memory.
 * Writes are atomic, as {@link Npy}'s. Thread-safe: it keeps no state.
 *
 * <pre>{@code
 * Npz.writer().add("output", result.output()).add("indices", indices).write(Path.of("pool.npz"));
 * Tensor y = Npz.read(Path.of("pool.npz"), "output");
 * }</pre>
 */
public final class Npz {
    /** The most entries an archive may list. */
    public static final int MAX_ENTRIES = 65_536;
    /** The most bytes one entry may inflate to: the largest Java byte array. */
    public static final long MAX_ENTRY_BYTES = Integer.MAX_VALUE - 8;
    /** Deflate's largest expansion is about 1032 to 1; an entry declaring more is not a deflated array. */
    private static final long MAX_DEFLATE_RATIO = 1100;
    private static final String SUFFIX = ".npy";

    private Npz() {
    }

    /**
     * The names of the arrays an archive holds, in its order.
     *
     * @param file a {@code .npz} file
     * @return the names, without {@code .npy}
     * @throws IllegalArgumentException naming the file when it is not a zip of {@code .npy} entries with valid names
     * @throws IOException              when the file cannot be read
     */
    public static List<String> names(Path file) throws IOException {
        try (var zip = open(file)) {
            return List.copyOf(entries(zip, file).keySet());
        }
    }

    /**
     * Reads one float32 array of an archive.
     *
     * @param file a {@code .npz} file
     * @param name the array's name, as given to {@code np.savez}
     * @return a tensor of the array's shape
     * @throws IllegalArgumentException naming the file and entry when the archive or the array breaks a rule of
     *                                  this class or of {@link Npy#read}, or holds no such array
     * @throws IOException              when the file cannot be read
     */
    public static Tensor read(Path file, String name) throws IOException {
        return readEntry(file, name, Npy::read);
    }

    /**
     * Reads one int64 array of an archive, such as max pooling's indices.
     *
     * @param file a {@code .npz} file
     * @param name the array's name, as given to {@code np.savez}
     * @return the values and shape
     * @throws IllegalArgumentException naming the file and entry when the archive or the array breaks a rule of
     *                                  this class or of {@link Npy#readInt64}, or holds no such array
     * @throws IOException              when the file cannot be read
     */
    public static Int64Array readInt64(Path file, String name) throws IOException {
        return readEntry(file, name, Npy::readInt64);
    }

    /** The entry {@code name} read as a {@code .npy} file named {@code file/name.npy} in refusals. */
    private static <T> T readEntry(Path file, String name, Npy.ChannelReader<T> reader) throws IOException {
        try (var zip = open(file)) {
            var entry = entry(zip, file, name);
            return reader.read(new ByteArrayChannel(inflate(zip, entry, file)), file.resolve(entry.getName()));
        }
    }

    /**
     * A new archive to fill, written deflated unless {@link Writer#stored()} is asked for.
     *
     * @return an empty writer
     */
    public static Writer writer() {
        return new Writer();
    }

    /**
     * The arrays of one archive to write, in the order added. Not thread-safe: fill it in one thread.
     */
    public static final class Writer {
        private final Map<String, AtomicFile.Content> arrays = new LinkedHashMap<>();
        private boolean deflated = true;

        private Writer() {
        }

        /**
         * Adds a float32 array.
         *
         * @param name   its name in the archive ({@code name.npy})
         * @param tensor the values; read when the archive is written
         * @return this writer
         * @throws IllegalArgumentException when the name is not valid or already added, or the rank needs a header
         *                                  longer than format 1.0 holds
         */
        public Writer add(String name, Tensor tensor) {
            return put(name, Npy.float32(Path.of(checkedName(name) + SUFFIX), tensor).content());
        }

        /**
         * Adds an int64 array.
         *
         * @param name  its name in the archive ({@code name.npy})
         * @param array the values and shape; read when the archive is written
         * @return this writer
         * @throws IllegalArgumentException when the name is not valid or already added
         */
        public Writer add(String name, Int64Array array) {
            return put(name, Npy.int64(Path.of(checkedName(name) + SUFFIX), array.data(), array.shape()).content());
        }

        /**
         * Stores the arrays uncompressed, as {@code np.savez} does.
         *
         * @return this writer
         */
        public Writer stored() {
            deflated = false;
            return this;
        }

        /**
         * Writes the archive atomically: complete or, on a failure, the file left as it was.
         *
         * @param file the file to write; an existing one is replaced
         * @throws IllegalArgumentException naming the file when its directory is missing or not writable, or it is
         *                                  a directory
         * @throws IOException              when the file cannot be written; the message names it
         */
        public void write(Path file) throws IOException {
            AtomicFile.write(file, out -> {
                var zip = new ZipOutputStream(out);
                for (var array : arrays.entrySet()) {
                    var bytes = new ByteArrayOutputStream();
                    array.getValue().writeTo(bytes);
                    zip.putNextEntry(zipEntry(array.getKey() + SUFFIX, bytes.toByteArray()));
                    bytes.writeTo(zip);
                    zip.closeEntry();
                }
                // Finished, not closed: the caller owns the stream.
                zip.finish();
            });
        }

        private Writer put(String name, AtomicFile.Content content) {
            if (arrays.putIfAbsent(name, content) != null) {
                throw new IllegalArgumentException("name: '" + name + "' is already in the archive");
            }
            return this;
        }

        private ZipEntry zipEntry(String name, byte[] bytes) {
            var entry = new ZipEntry(name);
            entry.setMethod(deflated ? ZipEntry.DEFLATED : ZipEntry.STORED);
            if (!deflated) {
                var crc = new CRC32();
                crc.update(bytes);
                entry.setSize(bytes.length);
                entry.setCompressedSize(bytes.length);
                entry.setCrc(crc.getValue());
            }
            return entry;
        }
    }

    private static ZipFile open(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw invalid(file, "is a directory, not a .npz file");
        }
        try {
            return new ZipFile(file.toFile());
        } catch (ZipException e) {
            throw invalid(file, "not a .npz file (not a zip archive: " + e.getMessage() + ")");
        }
    }

    /** The archive's entries by array name, once every name is checked. */
    private static Map<String, ZipEntry> entries(ZipFile zip, Path file) {
        if (zip.size() > MAX_ENTRIES) {
            throw invalid(file, zip.size() + " entries, more than the " + MAX_ENTRIES + " an archive may hold here");
        }
        var byName = new LinkedHashMap<String, ZipEntry>();
        var seen = new HashSet<String>();
        for (var entries = zip.entries(); entries.hasMoreElements(); ) {
            var entry = entries.nextElement();
            String entryName = entry.getName();
            if (!entryName.endsWith(SUFFIX) || !seen.add(entryName)) {
                throw invalid(file, "entry '" + entryName + "' is " + (entryName.endsWith(SUFFIX) ? "listed twice"
                        : "not a .npy array") + "; a .npz holds one NAME.npy per array");
            }
            String name = entryName.substring(0, entryName.length() - SUFFIX.length());
            String rule = nameRule(name);
            if (rule != null) {
                throw invalid(file, "entry '" + entryName + "': " + rule);
            }
            byName.put(name, entry);
        }
        return byName;
    }

    private static ZipEntry entry(ZipFile zip, Path file, String name) {
        var all = entries(zip, file);
        var entry = all.get(name);
        if (entry == null) {
            throw new IllegalArgumentException("name: " + file + " holds no array '" + name + "' (it holds "
                    + (all.isEmpty() ? "none" : String.join(", ", all.keySet())) + ")");
        }
        return entry;
    }

    /**
     * The entry's bytes, after checking what it declares against the caps, and refusing it as soon as it inflates
     * past its declared size or ends short of it.
     */
    private static byte[] inflate(ZipFile zip, ZipEntry entry, Path file) throws IOException {
        long size = entry.getSize();
        long compressed = entry.getCompressedSize();
        String what = "entry '" + entry.getName() + "' ";
        if (size < 0 || size > MAX_ENTRY_BYTES) {
            throw invalid(file, what + "declares " + size + " bytes; an entry may take 0 to " + MAX_ENTRY_BYTES);
        }
        if (entry.getMethod() == ZipEntry.DEFLATED && size > Math.max(1, compressed) * MAX_DEFLATE_RATIO + 1024) {
            throw invalid(file, what + "declares " + size + " bytes from " + compressed + " compressed, more than"
                    + " deflate expands to (a zip bomb?)");
        }
        if (entry.getMethod() == ZipEntry.STORED && size != compressed) {
            throw invalid(file, what + "is stored but declares " + size + " bytes in " + compressed);
        }
        byte[] bytes;
        try (InputStream in = zip.getInputStream(entry)) {
            // Memory grows with the bytes the entry really holds: a damaged size field in a small file asks for
            // gigabytes it never delivers.
            bytes = in.readNBytes((int) size);
            if (bytes.length < size) {
                throw invalid(file, what + "truncated: it declares " + size + " bytes and holds " + bytes.length);
            }
            if (in.read() >= 0) {
                throw invalid(file, what + "inflates to more than the " + size + " bytes it declares (a zip bomb?)");
            }
        } catch (ZipException e) {
            throw invalid(file, what + "is damaged: " + e.getMessage());
        }
        return bytes;
    }

    /** Why {@code name} cannot name an array, or null where it can. */
    private static String nameRule(String name) {
        if (name.isEmpty() || name.length() > 200) {
            return "a name takes 1 to 200 characters";
        }
        if (name.contains("/") || name.contains("\\") || name.equals(".") || name.equals("..")) {
            return "a name is not a path: no '/', '\\\\', '.' or '..'";
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            return "a name has no control characters";
        }
        return null;
    }

    private static String checkedName(String name) {
        if (name == null) {
            throw new IllegalArgumentException("name: must not be null");
        }
        String rule = nameRule(name);
        if (rule != null) {
            throw new IllegalArgumentException("name: '" + name + "': " + rule);
        }
        return name;
    }

    private static IllegalArgumentException invalid(Path file, String rule) {
        return Npy.invalid(file, rule);
    }
}
