package org.convcl.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.convcl.Tensor;
import org.convcl.io.AtomicFile;
import org.convcl.io.Npy;

/**
 * The files of a convolution command: {@code --input}, {@code --weight} and the optional {@code --bias} read, and
 * {@code --output} checked to be writable before any work is done.
 */
record ConvFiles(Tensor input, Tensor weight, Tensor bias, Path output) {

    static ConvFiles read(Args args) throws IOException {
        var inputFile = Path.of(args.required("input"));
        var weightFile = Path.of(args.required("weight"));
        var output = Path.of(args.required("output"));
        AtomicFile.checkTargets(output);
        String biasFile = args.value("bias");
        return new ConvFiles(Heap.readNpy(inputFile), Heap.readNpy(weightFile),
                biasFile == null ? null : Heap.readNpy(Path.of(biasFile)), output);
    }

    /** Writes the result to {@code --output}. */
    void write(Tensor result) throws IOException {
        Npy.write(output, result);
    }
}
