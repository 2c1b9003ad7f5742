package org.convcl.spark;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.convcl.Tensor;
import org.convcl.io.Npy;

/**
 * Turns a row's image value into C*H*W floats in C order, checked against the pipeline's image shape: an
 * {@code array<float>} of that many values, or the bytes of a float32 {@code .npy} file of that shape. A value that
 * breaks a rule is refused with a {@link ConvclSparkException} naming the row and the rule.
 */
final class ImageDecoder {
    /** What the image column holds, as the driver read it from the schema. */
    enum Encoding {
        FLOAT_ARRAY,
        NPY_BYTES
    }

    private static final Path NPY_NAME = Path.of("image");

    private final Encoding encoding;
    private final int[] shape;
    private final int size;

    ImageDecoder(Encoding encoding, int[] shape) {
        this.encoding = encoding;
        this.shape = shape;
        this.size = (int) Tensor.elementCount(shape);
    }

    /** The number of floats each image decodes to. */
    int imageSize() {
        return size;
    }

    /**
     * Decodes a row's image into {@code into[offset ..]}.
     *
     * @param name   the row's name in errors, such as {@code row 'img7.npy'}
     * @param row    the row
     * @param column the image's column in it
     * @param into   the batch's (N, C, H, W) values
     * @param offset where the image starts in {@code into}
     */
    void decode(String name, Row row, int column, float[] into, int offset) {
        if (row.isNullAt(column)) {
            throw new ConvclSparkException(name + ": image: null; every row needs an image " + describeShape());
        }
        if (encoding == Encoding.NPY_BYTES) {
            decodeNpy(name, row.<byte[]>getAs(column), into, offset);
        } else if (row.get(column) instanceof float[] floats) {
            // Rows straight from a Java map function, which Spark hands on without converting them to a Seq.
            requireSize(name, floats.length);
            System.arraycopy(floats, 0, into, offset, size);
        } else {
            decodeFloats(name, row.getList(column), into, offset);
        }
    }

    private void decodeNpy(String row, byte[] npy, float[] into, int offset) {
        Tensor t;
        try {
            t = Npy.read(npy, NPY_NAME);
        } catch (IllegalArgumentException e) {
            throw new ConvclSparkException(row + ": " + e.getMessage());
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new ConvclSparkException(row + ": image: shape " + Arrays.toString(t.shape())
                    + " in the .npy bytes, but the pipeline takes images " + describeShape());
        }
        t.copyTo(into, offset);
    }

    private void decodeFloats(String row, List<?> values, float[] into, int offset) {
        requireSize(row, values.size());
        for (int i = 0; i < size; i++) {
            Object v = values.get(i);
            if (v == null) {
                throw new ConvclSparkException(row + ": image: element " + i + " is null");
            }
            into[offset + i] = (Float) v;
        }
    }

    private void requireSize(String row, int values) {
        if (values != size) {
            throw new ConvclSparkException(row + ": image: " + values + " values, but the pipeline takes images "
                    + describeShape() + ", " + size + " values in C order");
        }
    }

    private String describeShape() {
        return "(C, H, W) = " + Arrays.toString(shape);
    }
}
