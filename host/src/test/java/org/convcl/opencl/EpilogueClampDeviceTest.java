package org.convcl.opencl;

import java.util.List;
import org.convcl.Activation;
import org.junit.jupiter.api.Tag;

/** ReLU6, a clamp and leaky ReLUs through the epilogue sweeps of every path. */
@Tag("slow") // a sweep of every activation on every path: left out of run-tests --quick
class EpilogueClampDeviceTest extends EpilogueSweep {
    @Override
    List<Activation> activations() {
        return List.of(Activation.relu6(), Activation.clamp(-0.5f, 0.25f), Activation.leakyRelu(0.1f),
                Activation.leakyRelu(0));
    }
}
