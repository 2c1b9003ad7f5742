package org.convcl.opencl;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.convcl.Activation;
import org.convcl.Backend;
import org.convcl.Conv2dParams;
import org.convcl.ConvTranspose2dParams;
import org.convcl.Pool2dParams;
import org.convcl.Tensor;
import org.convcl.VerifyingBackend;
import org.convcl.reference.PoolReference;
import org.convcl.reference.ReferenceBackend;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every public method of every backend, with each argument in turn null and the others valid, throws an
 * {@link IllegalArgumentException} that names that argument, never a bare {@link NullPointerException} from inside.
 * The methods are found by reflection, so a new one is swept without being listed here; only the arguments where
 * null means "none" (bias, residual, an epilogue, a conv2d's activation) are left out.
 */
class NullArgumentTest extends SharedDevice {
    private static final Set<String> MAY_BE_NULL = Set.of("bias", "residual", "epilogue");

    /** The backends swept, by a name for the report; the device one is opened by {@link SharedDevice}. */
    private static final List<String> BACKENDS = List.of("opencl", "reference", "verifying", "multi");

    static Stream<Arguments> nullableArguments() {
        var cases = new ArrayList<Arguments>();
        for (String backend : BACKENDS) {
            for (Method m : classOf(backend).getMethods()) {
                if (m.getDeclaringClass() == Object.class || Modifier.isStatic(m.getModifiers())) {
                    continue;
                }
                Parameter[] params = m.getParameters();
                for (int i = 0; i < params.length; i++) {
                    if (!params[i].getType().isPrimitive() && !mayBeNull(m.getName(), params[i].getName())) {
                        cases.add(Arguments.of(backend, m.getName() + Arrays.toString(m.getParameterTypes())
                                .replace("class ", ""), m, i));
                    }
                }
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1}, argument {3} null")
    @MethodSource("nullableArguments")
    void aNullArgumentIsNamed(String backendName, String signature, Method method, int nullAt) throws Exception {
        var backend = open(backendName);
        try {
            Parameter[] params = method.getParameters();
            Object[] args = new Object[params.length];
            for (int i = 0; i < params.length; i++) {
                args[i] = i == nullAt ? null : valid(backend, method.getName(), params[i]);
            }
            String name = params[nullAt].getName();
            var thrown = assertThrows(InvocationTargetException.class, () -> method.invoke(backend, args)).getCause();
            assertInstanceOf(IllegalArgumentException.class, thrown, () -> signature + " with " + name + " null: " + thrown);
            assertTrue(thrown.getMessage().startsWith(name + ": "), () -> "the message should name " + name + ": "
                    + thrown.getMessage());
        } finally {
            if (backend != device) {
                backend.close();
            }
        }
    }

    /** Bias, residual and a whole epilogue mean "none" when null, and so does a conv2d's activation. */
    private static boolean mayBeNull(String method, String parameter) {
        return MAY_BE_NULL.contains(parameter) || (method.startsWith("conv2d") && parameter.equals("activation"));
    }

    private static Class<?> classOf(String backend) {
        return switch (backend) {
            case "opencl" -> OpenClBackend.class;
            case "reference" -> ReferenceBackend.class;
            case "multi" -> MultiDeviceBackend.class;
            default -> VerifyingBackend.class;
        };
    }

    private static Backend open(String backend) {
        return switch (backend) {
            case "opencl" -> device;
            case "reference" -> new ReferenceBackend();
            case "multi" -> MultiDeviceBackend.of(List.of(new ReferenceBackend(), new ReferenceBackend()));
            default -> new VerifyingBackend(new ReferenceBackend());
        };
    }

    /**
     * A valid value for one parameter of one operation: the shapes of one small layer of each family, so that only
     * the null argument is wrong. Host values are uploaded where the method takes device tensors.
     */
    private static Object valid(Backend backend, String method, Parameter p) {
        var x = Tensor.seeded(1).uniform(1, 2, 5, 5);
        var pool = Pool2dParams.of(2, 2);
        Map<String, Object> values;
        if (method.startsWith("convTranspose2d")) {
            values = Map.of("input", x, "weight", Tensor.seeded(2).uniform(2, 3, 3, 3),
                    "params", ConvTranspose2dParams.DEFAULT, "gradOutput", Tensor.seeded(3).uniform(1, 3, 7, 7));
        } else if (method.startsWith("conv2d") || method.equals("describeConv2d")) {
            var w = Tensor.seeded(2).uniform(3, 2, 3, 3);
            var y = Tensor.seeded(3).uniform(1, 3, 3, 3);
            values = Map.of("input", x, "weight", w, "params", Conv2dParams.DEFAULT, "gradOutput", y, "output", y,
                    "activation", Activation.relu(), "shape", Conv2dParams.DEFAULT.shapeOf(x, w, null));
        } else if (method.startsWith("activation")) {
            values = Map.of("input", x, "gradOutput", x, "output", x, "into", x, "activation", Activation.relu());
        } else if (method.contains("Pool")) {
            values = Map.of("input", x, "params", pool, "gradOutput", Tensor.seeded(3).uniform(1, 2, 2, 2),
                    "indices", PoolReference.maxPool2d(x, pool).indices(), "inputShape", x.shape());
        } else {
            values = Map.of("tensor", x, "into", x, "indices", new long[4], "shape", new int[] {2, 2});
        }
        if (MAY_BE_NULL.contains(p.getName())) {
            return null;
        }
        Object value = values.get(p.getName());
        if (value == null) {
            throw new AssertionError(method + ": no valid value for " + p.getName() + " in the test's table");
        }
        if (p.getType() == DeviceTensor.class) {
            var openCl = (OpenClBackend) backend;
            return value instanceof long[] indices ? openCl.uploadIndices(indices, 1, 2, 2, 2)
                    : openCl.upload((Tensor) value);
        }
        return value;
    }
}
