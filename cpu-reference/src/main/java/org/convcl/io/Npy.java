package org.convcl.io;

import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.EOFException;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import org.convcl.Tensor;

/**
 * NumPy {@code .npy} files: reads float32 ({@code '<f4'}, or {@code '=f4'} on little-endian machines) C-order
 * arrays of any rank, format versions 1.0 and 2.0, into tensors, and int64 ({@code '<i8'}, or {@code '=i8'}) ones
 * into {@link Int64Array}s; writes both in format 1.0, byte for byte as {@code np.save}. A file that breaks a rule
 * is refused with an {@link IllegalArgumentException} naming the file and the rule; data after the last element
 * counts as such a break. Writes are atomic: a failure leaves no partial file. Archives of several arrays
 * ({@code .npz}) are {@link Npz}'s. Thread-safe: it keeps no state.
 */
public final class Npy {
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    /** Magic, two version bytes and the 2-byte header length of format 1.0. */
    private static final int PREFIX_V1 = MAGIC.length + 2 + 2;
    private static final int MAX_HEADER_V1 = 0xFFFF;
    /** The longest header read, in bytes: ample for any real array, small enough to hold. */
    private static final int MAX_HEADER = 1 << 20;
    private static final int CHUNK_BYTES = 1 << 16;
    private static final String FLOAT32 = "<f4";
    private static final String INT64 = "<i8";

    /** An element type read: its NumPy type string, its size, and the name and cast a refusal gives. */
    enum Dtype {
        FLOAT32_ELEMENTS(FLOAT32, Float.BYTES, "float32"),
        INT64_ELEMENTS(INT64, Long.BYTES, "int64");

        final String descr;
        final int bytes;
        final String numpyName;

        Dtype(String descr, int bytes, String numpyName) {
            this.descr = descr;
            this.bytes = bytes;
            this.numpyName = numpyName;
        }
    }

    /** Puts {@code count} elements starting at {@code from} into a little-endian buffer. */
    @FunctionalInterface
    private interface Elements {
        void put(ByteBuffer buffer, int from, int count);
    }

    private Npy() {
    }

    /**
     * Reads a float32 C-order array.
     *
     * @param file a {@code .npy} file, as {@code np.save(file, a.astype(np.float32))} writes
     * @return a tensor of the file's shape (rank 0 has one element)
     * @throws IllegalArgumentException naming the file when it is not such an array: bad magic, unsupported version,
     *                                  malformed header, another dtype, Fortran order, or data shorter or longer than
     *                                  the shape
     * @throws IOException              when the file cannot be read
     */
    public static Tensor read(Path file) throws IOException {
        return fromFile(file, Npy::read);
    }

    /**
     * Reads a float32 C-order array from the bytes of a {@code .npy} file already in memory, such as a file a Spark job
     * read as binary, by the rules of {@link #read(Path)}.
     *
     * @param npy  the file's bytes
     * @param name what refusals call the bytes, in place of a file name
     * @return a tensor of the array's shape
     * @throws IllegalArgumentException starting with {@code name} when the bytes are not such an array, with the rules of
     *                                  {@link #read(Path)}
     */
    public static Tensor read(byte[] npy, Path name) {
        try {
            return read(new ByteArrayChannel(npy), name);
        } catch (IOException e) {
            // Only a read past the end fails on bytes in memory: a file cut short.
            throw new IllegalArgumentException(name + ": the data ends early (" + npy.length + " bytes)", e);
        }
    }

    /** Reads one array from a channel; {@code file} names it in refusals. */
    @FunctionalInterface
    interface ChannelReader<T> {
        T read(SeekableByteChannel channel, Path file) throws IOException;
    }

    private static <T> T fromFile(Path file, ChannelReader<T> reader) throws IOException {
        try (var channel = open(file)) {
            return reader.read(channel, file);
        }
    }

    /** A float32 array from {@code channel}, such as an entry of an archive; {@code file} names it in refusals. */
    static Tensor read(SeekableByteChannel channel, Path file) throws IOException {
        var layout = layout(channel, file, Dtype.FLOAT32_ELEMENTS);
        float[] data = new float[layout.count()];
        readElements(channel, file, layout.dataStart(), data.length, Float.BYTES,
                (buffer, from, n) -> buffer.asFloatBuffer().get(data, from, n));
        return new Tensor(data, layout.header().shape());
    }

    /**
     * Reads an int64 C-order array, such as PyTorch's max-pool indices saved with {@code np.save}.
     *
     * @param file a {@code .npy} file of dtype {@code '<i8'}
     * @return the values, row-major, and the file's shape
     * @throws IllegalArgumentException naming the file when it is not such an array, with the rules of {@link #read}
     * @throws IOException              when the file cannot be read
     */
    public static Int64Array readInt64(Path file) throws IOException {
        return fromFile(file, Npy::readInt64);
    }

    /** An int64 array from {@code channel}, such as an entry of an archive; {@code file} names it in refusals. */
    static Int64Array readInt64(SeekableByteChannel channel, Path file) throws IOException {
        var layout = layout(channel, file, Dtype.INT64_ELEMENTS);
        long[] data = new long[layout.count()];
        readElements(channel, file, layout.dataStart(), data.length, Long.BYTES,
                (buffer, from, n) -> buffer.asLongBuffer().get(data, from, n));
        return new Int64Array(data, layout.header().shape());
    }

    /**
     * The shape of a float32 C-order array, read from its header, without reading the data; for example to check
     * that memory suffices before {@link #read}.
     *
     * @param file a {@code .npy} file
     * @return the extents, outermost first; empty for rank 0
     * @throws IllegalArgumentException as {@link #read}: the whole file is checked except the values themselves
     * @throws IOException              when the file cannot be read
     */
    public static int[] shape(Path file) throws IOException {
        try (var channel = open(file)) {
            return layout(channel, file, Dtype.FLOAT32_ELEMENTS).header().shape();
        }
    }

    /** Where a checked file's data starts, and how many elements it holds. */
    private record Layout(NpyHeader header, long dataStart, int count) {
    }

    private static FileChannel open(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw invalid(file, "is a directory, not a .npy file");
        }
        return FileChannel.open(file, StandardOpenOption.READ);
    }

    private static Layout layout(SeekableByteChannel channel, Path file, Dtype dtype) throws IOException {
        long size = channel.size();
        var prefix = read(channel, file, 0, (int) Math.min(size, PREFIX_V1 + 2));
        if (size < MAGIC.length || !Arrays.equals(prefix.array(), 0, MAGIC.length, MAGIC, 0, MAGIC.length)) {
            throw invalid(file, "not a .npy file (bad magic: it does not start with \\x93NUMPY)");
        }
        if (size < MAGIC.length + 2) {
            throw invalid(file, "truncated: the file ends inside the format version");
        }
        int major = prefix.get(MAGIC.length), minor = prefix.get(MAGIC.length + 1);
        // Format 2.0 differs from 1.0 only by a 4-byte header length.
        int lengthBytes = minor != 0 ? 0 : major == 1 ? 2 : major == 2 ? 4 : 0;
        if (lengthBytes == 0) {
            throw invalid(file, "format version " + major + "." + minor + " is not supported (1.0 and 2.0 are)");
        }
        int headerStart = MAGIC.length + 2 + lengthBytes;
        if (size < headerStart) {
            throw invalid(file, "truncated: the file ends inside the header length");
        }
        long headerLength = lengthBytes == 2 ? Short.toUnsignedLong(prefix.getShort(MAGIC.length + 2))
                : Integer.toUnsignedLong(prefix.getInt(MAGIC.length + 2));
        // Bounded before it is read: format 2.0 allows 4 GiB, numpy writes a few hundred bytes.
        if (headerLength > MAX_HEADER) {
            throw invalid(file, "the header length " + headerLength + " is more than the " + MAX_HEADER
                    + " bytes a header may take here");
        }
        long dataStart = headerStart + headerLength;
        if (dataStart > size) {
            throw invalid(file, "truncated: the header says it takes " + headerLength + " bytes but the file ends "
                    + (size - headerStart) + " bytes after the header length");
        }
        var text = ISO_8859_1.decode(read(channel, file, headerStart, (int) headerLength)).toString();
        var header = parseHeader(file, text, dtype);
        return new Layout(header, dataStart, elementCount(file, header, dtype, size - dataStart));
    }

    /**
     * Writes {@code tensor} as a float32 ({@code '<f4'}) C-order array of its shape, atomically: the file is
     * complete or, on a failure, left as it was.
     *
     * @param file   the file to write; an existing one is replaced
     * @param tensor the values, row-major
     * @throws IllegalArgumentException naming the file when its directory is missing or not writable, when it is a
     *                                  directory, or when the rank needs a header longer than format 1.0 holds
     * @throws IOException              when the file cannot be written; the message names it
     */
    public static void write(Path file, Tensor tensor) throws IOException {
        AtomicFile.writeAll(List.of(float32(file, tensor)));
    }

    /**
     * Writes an int64 ({@code '<i8'}) C-order array atomically, such as max pooling's indices
     * ({@link org.convcl.MaxPool2dResult#indices()}, shaped as its output).
     *
     * @param file  the file to write; an existing one is replaced
     * @param data  values in row-major order
     * @param shape extents; their product must equal {@code data.length}
     * @throws IllegalArgumentException naming {@code data} when its length does not match the shape, or as
     *                                  {@link #write(Path, Tensor)}
     * @throws IOException              when the file cannot be written; the message names it
     */
    public static void writeInt64(Path file, long[] data, int... shape) throws IOException {
        AtomicFile.writeAll(List.of(int64(file, data, shape)));
    }

    /**
     * {@code tensor} as a float32 ({@code '<f4'}) array of its shape, to be written to {@code file} with other
     * files by {@link AtomicFile#writeAll}, all or none.
     *
     * @param file   the file to write
     * @param tensor the values, row-major; read when the output is written
     * @return the output, not yet written
     * @throws IllegalArgumentException when the rank needs a header longer than format 1.0 holds
     */
    public static AtomicFile.Output float32(Path file, Tensor tensor) {
        float[] data = tensor.data();
        return output(file, new NpyHeader(FLOAT32, false, tensor.shape()), Float.BYTES, data.length,
                (buffer, from, count) -> buffer.asFloatBuffer().put(data, from, count));
    }

    /**
     * An int64 ({@code '<i8'}) array to be written to {@code file} with other files by {@link AtomicFile#writeAll}.
     *
     * @param file  the file to write
     * @param data  values in row-major order; read when the output is written
     * @param shape extents; their product must equal {@code data.length}
     * @return the output, not yet written
     * @throws IllegalArgumentException naming {@code data} when its length does not match the shape, or when the
     *                                  rank needs a header longer than format 1.0 holds
     */
    public static AtomicFile.Output int64(Path file, long[] data, int... shape) {
        new Int64Array(data, shape);
        return output(file, new NpyHeader(INT64, false, shape), Long.BYTES, data.length,
                (buffer, from, count) -> buffer.asLongBuffer().put(data, from, count));
    }

    private static AtomicFile.Output output(Path file, NpyHeader header, int elementBytes, int count,
                                            Elements elements) {
        byte[] text = header.format(PREFIX_V1).getBytes(ISO_8859_1);
        if (text.length > MAX_HEADER_V1) {
            throw new IllegalArgumentException(file + ": a header of " + text.length + " bytes (rank "
                    + header.shape().length + ") does not fit format 1.0");
        }
        return new AtomicFile.Output(file, out -> {
            var prefix = ByteBuffer.allocate(PREFIX_V1).order(LITTLE_ENDIAN)
                    .put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) text.length);
            out.write(prefix.array());
            out.write(text);
            var buffer = ByteBuffer.allocate(CHUNK_BYTES).order(LITTLE_ENDIAN);
            int perChunk = CHUNK_BYTES / elementBytes;
            for (int from = 0; from < count; from += perChunk) {
                int n = Math.min(perChunk, count - from);
                elements.put(buffer.clear(), from, n);
                out.write(buffer.array(), 0, n * elementBytes);
            }
        });
    }

    private static NpyHeader parseHeader(Path file, String text, Dtype dtype) {
        NpyHeader header;
        try {
            header = NpyHeader.parse(text);
        } catch (IllegalArgumentException e) {
            throw invalid(file, e.getMessage());
        }
        String dtypeProblem = dtypeProblem(header.descr(), dtype, ByteOrder.nativeOrder());
        if (dtypeProblem != null) {
            throw invalid(file, dtypeProblem);
        }
        if (header.fortranOrder()) {
            throw invalid(file, "fortran_order is True; only C-order arrays are read"
                    + " (save np.ascontiguousarray(a) instead)");
        }
        return header;
    }

    /**
     * The element count, once the data the shape implies is known to be what the file holds, so that no header can
     * make the reader allocate more than the file's size.
     */
    private static int elementCount(Path file, NpyHeader header, Dtype dtype, long dataBytesInFile) {
        var dataBytes = BigInteger.valueOf(dtype.bytes);
        for (int extent : header.shape()) {
            dataBytes = dataBytes.multiply(BigInteger.valueOf(extent));
        }
        String what = "shape " + header.shapeText() + " of " + dtype.numpyName + " takes " + dataBytes
                + " bytes but the file has ";
        int order = dataBytes.compareTo(BigInteger.valueOf(dataBytesInFile));
        if (order > 0) {
            throw invalid(file, "truncated data: " + what + "only " + dataBytesInFile + " after the header");
        }
        if (order < 0) {
            throw invalid(file, "trailing data: " + what + dataBytesInFile + " after the header");
        }
        long count = dataBytesInFile / dtype.bytes;
        if (count > Integer.MAX_VALUE - 8) {
            throw invalid(file, "shape " + header.shapeText() + " has more elements than a Java array holds");
        }
        return (int) count;
    }

    /**
     * Null when {@code descr} is {@code dtype} in little-endian order on a machine of byte order {@code nativeOrder},
     * else why not. Native order ({@code '=f4'}, which numpy reads in the reading machine's order) is little-endian
     * on x86 and ARM; only a big-endian machine makes it big-endian.
     */
    static String dtypeProblem(String descr, Dtype dtype, ByteOrder nativeOrder) {
        boolean bigEndian = descr.startsWith(">") || (descr.startsWith("=") && nativeOrder == ByteOrder.BIG_ENDIAN);
        String kindAndSize = dtype.descr.substring(1);
        if (descr.equals(dtype.descr) || (descr.equals("=" + kindAndSize) && !bigEndian)) {
            return null;
        }
        boolean sameType = descr.length() == 3 && descr.endsWith(kindAndSize);
        return "dtype '" + descr + "'" + dtypeName(descr, bigEndian) + " found, " + dtype.numpyName + " ('"
                + dtype.descr + "') is needed: save " + (sameType ? "x.astype('" + dtype.descr + "')"
                : "x.astype(numpy." + dtype.numpyName + ")") + " instead";
    }

    private static String dtypeName(String descr, boolean bigEndian) {
        if (descr.length() < 3 || "<>|=".indexOf(descr.charAt(0)) < 0 || !descr.substring(2).matches("[1-9][0-9]?")) {
            return "";
        }
        String kind = switch (descr.charAt(1)) {
            case 'f' -> "float";
            case 'i' -> "int";
            case 'u' -> "uint";
            case 'c' -> "complex";
            case 'b' -> "bool";
            default -> null;
        };
        if (kind == null) {
            return "";
        }
        int bits = Integer.parseInt(descr.substring(2)) * Byte.SIZE;
        return " (" + kind + (kind.equals("bool") ? "" : bits) + (bigEndian ? ", big-endian" : "") + ")";
    }

    /** Takes {@code count} elements starting at {@code from} out of a little-endian buffer. */
    @FunctionalInterface
    private interface ElementReader {
        void get(ByteBuffer buffer, int from, int count);
    }

    private static void readElements(SeekableByteChannel channel, Path file, long position, int count,
                                     int elementBytes, ElementReader elements) throws IOException {
        var buffer = ByteBuffer.allocate(CHUNK_BYTES).order(LITTLE_ENDIAN);
        int perChunk = CHUNK_BYTES / elementBytes;
        for (int from = 0; from < count; from += perChunk) {
            int n = Math.min(perChunk, count - from);
            fill(channel, file, position + (long) from * elementBytes, buffer.clear().limit(n * elementBytes));
            elements.get(buffer.flip(), from, n);
        }
    }

    /** Reads {@code length} bytes at {@code position} into a new little-endian buffer, flipped for reading. */
    private static ByteBuffer read(SeekableByteChannel channel, Path file, long position, int length)
            throws IOException {
        var buffer = ByteBuffer.allocate(length).order(LITTLE_ENDIAN);
        fill(channel, file, position, buffer);
        return buffer.flip();
    }

    private static void fill(SeekableByteChannel channel, Path file, long position, ByteBuffer buffer)
            throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.position(at).read(buffer);
            if (n < 0) {
                throw new EOFException(file + ": the file got shorter while it was read");
            }
            at += n;
        }
    }

    /** The refusal of {@code file}, with the header's control characters (a NUL, say) escaped to keep one line. */
    static IllegalArgumentException invalid(Path file, String rule) {
        var message = new StringBuilder();
        (file + ": " + rule).chars().forEach(c -> message.append(
                Character.isISOControl(c) ? String.format("\\x%02x", c) : Character.toString(c)));
        return new IllegalArgumentException(message.toString());
    }
}
