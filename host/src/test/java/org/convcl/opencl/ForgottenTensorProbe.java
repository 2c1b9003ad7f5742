package org.convcl.opencl;

import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.convcl.Tensor;

/**
 * Forgets device tensors until the garbage collector frees them, for {@link LibraryLoggingTest}, with the tensors'
 * logger routed as an application would: its records printed on stdout as {@code LEVEL logger: message}, none passed
 * on to the console.
 */
final class ForgottenTensorProbe {
    private ForgottenTensorProbe() {
    }

    public static void main(String[] args) throws InterruptedException {
        var logger = Logger.getLogger(DeviceTensor.LOGGER_NAME);
        logger.setUseParentHandlers(false);
        logger.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                System.out.println(record.getLevel() + " " + record.getLoggerName() + ": " + record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        });
        try (var backend = OpenClBackend.open(Devices.choose(null))) {
            for (int i = 0; i < 4; i++) {
                backend.upload(Tensor.zeros(1, 1, 8, 8));
            }
            for (int i = 0; i < 100 && backend.liveBuffers() > 0; i++) {
                System.gc();
                Thread.sleep(20);
            }
            System.out.println(backend.liveBuffers() + " alive");
        }
    }
}
