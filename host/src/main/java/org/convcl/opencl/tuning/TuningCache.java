package org.convcl.opencl.tuning;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.convcl.io.AtomicFile;
import org.convcl.io.FileErrors;
import org.convcl.opencl.device.DeviceInfo;

/**
 * The per-user store of tuned kernel parameters, one entry per device and driver, written by {@code convcl tune}
 * and read whenever a backend opens with default options. The file is a properties file at, in order of
 * precedence, the system property {@code convcl.tuning.cache}, the environment variable
 * {@code CONVCL_TUNING_CACHE}, {@code $XDG_CACHE_HOME/convcl/tuning.properties} or
 * {@code ~/.cache/convcl/tuning.properties}.
 *
 * <p>It is a cache and cannot hurt: an entry is used only when it parses, is a configuration the tuner itself could
 * have stored for the device ({@link BlockedSgemmSpace}, {@link GpuSgemmSpace} or the device's default) and fits the
 * device, all checked before any kernel is built; any other entry, a damaged line, a file larger than
 * {@link #MAX_BYTES} or one that is not a regular file is skipped with one warning naming the file and the key, and
 * the valid entries stay in use.
 */
public final class TuningCache {
    /** Where skipped entries and files are reported. */
    public static final String LOGGER_NAME = "org.convcl.tuning";

    private static final System.Logger LOG = System.getLogger(LOGGER_NAME);
    /** A larger file is not read: thousands of devices' entries take a few hundred KiB. */
    static final long MAX_BYTES = 4L << 20;
    /** Each warning once per process: a backend opens, and reads the cache, many times. */
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private TuningCache() {
    }

    public static Path location() {
        String explicit = System.getProperty("convcl.tuning.cache", System.getenv("CONVCL_TUNING_CACHE"));
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("convcl").resolve("tuning.properties");
    }

    /** Device name, platform and driver version: a driver update invalidates what was tuned on the old one. */
    public static String key(DeviceInfo d) {
        return d.platformName() + " | " + d.name() + " | driver " + d.driverVersion();
    }

    /**
     * The tuned SGEMM configuration for this device and driver: the last entry for it that parses, lies in the
     * tuner's space and fits the device; every other entry for it is skipped with a warning, so a backend always
     * opens.
     *
     * @param device the device the configuration is for
     * @return the configuration, or empty when no valid one is stored
     */
    public static Optional<SgemmConfig> lookup(DeviceInfo device) {
        return lastValid(key(device), text -> {
            var config = SgemmConfig.parse(text);
            String refusal = refusal(device, config);
            if (refusal != null) {
                throw new IllegalArgumentException(config + ": " + refusal);
            }
            return config;
        });
    }

    /**
     * Null when the tuner could have stored {@code config} for {@code device} and the device runs it, else why not:
     * larger blocks than the tuner tries take minutes to compile or crash the compiler.
     */
    static String refusal(DeviceInfo device, SgemmConfig config) {
        boolean searched = config.equals(SgemmConfig.defaultFor(device))
                || (config instanceof SgemmConfig.Blocked b && new BlockedSgemmSpace(device).contains(b))
                || (config instanceof SgemmConfig.Tiled t
                        && new GpuSgemmSpace(device).at(GpuSgemmSpace.valuesOf(t)) != null);
        if (!searched) {
            return "not a configuration 'convcl tune' tries on this device";
        }
        return config.fits(device);
    }

    /**
     * Where a backend's SGEMM configuration comes from, for reports: this cache's entry for the device and driver,
     * the untuned default from device queries, or the caller's options.
     *
     * @param device the backend's device
     * @param config the configuration it uses
     * @return a short phrase
     */
    public static String origin(DeviceInfo device, SgemmConfig config) {
        if (lookup(device).filter(config::equals).isPresent()) {
            return "tuned: the entry in " + location();
        }
        return config.equals(SgemmConfig.defaultFor(device)) ? "untuned device default" : "set in the backend options";
    }

    /**
     * Stores the winner for this device and driver, keeping other devices' entries; written atomically.
     *
     * @param device the device it was tuned on
     * @param config the configuration to store
     * @throws IOException              naming the file when it cannot be read or written
     * @throws IllegalArgumentException naming the file when it may not be replaced (see {@link #checkWritable})
     */
    public static void store(DeviceInfo device, SgemmConfig config) throws IOException {
        put(key(device), config.encode());
    }

    /**
     * Stores planner thresholds for this device and driver beside its SGEMM configuration.
     *
     * @param device the device they were tuned on
     * @param policy the thresholds to store
     * @throws IOException              naming the file when it cannot be read or written
     * @throws IllegalArgumentException naming the file when it may not be replaced (see {@link #checkWritable})
     */
    public static void store(DeviceInfo device, ConvPolicy policy) throws IOException {
        put(policyKey(device), policy.encode());
    }

    /**
     * The planner thresholds stored for this device and driver, over its class's defaults; a damaged entry is
     * skipped with a warning, as a damaged configuration is.
     *
     * @param device the device they are for
     * @return the thresholds, or empty when no valid entry is stored
     */
    public static Optional<ConvPolicy> lookupPolicy(DeviceInfo device) {
        var defaults = ConvPolicy.defaultFor(DeviceClass.of(device));
        return lastValid(policyKey(device), text -> ConvPolicy.parse(text, defaults));
    }

    /**
     * Checks what {@link #store} needs, so that {@code convcl tune} fails before its search rather than after: the
     * cache's directory exists (it is made here) and takes new files, and the cache is absent or a readable regular
     * file, not a link, a directory or a device.
     *
     * @throws IOException              naming the file when the existing cache cannot be read
     * @throws IllegalArgumentException naming the file and the rule it breaks
     */
    public static void checkWritable() throws IOException {
        var file = location();
        Path dir = file.toAbsolutePath().getParent();
        try {
            Files.createDirectories(dir);
            // Permission bits do not tell everything (read-only mounts, /proc): a file made and removed does.
            Files.delete(Files.createTempFile(dir, ".convcl-probe", ".tmp"));
        } catch (IOException e) {
            throw new IllegalArgumentException("tuning cache " + file + ": cannot write in its directory " + dir
                    + " (" + FileErrors.reason(e) + ")");
        }
        AtomicFile.checkReplaceable(file);
        entries(file);
    }

    private static String policyKey(DeviceInfo device) {
        return key(device) + " | planner";
    }

    /** The last value stored under {@code key} that {@code parser} accepts; each one it refuses is warned about. */
    private static <T> Optional<T> lastValid(String key, Function<String, T> parser) {
        var file = location();
        List<PropertiesLines.Entry> entries;
        try {
            entries = entries(file);
        } catch (IOException e) {
            warn(FileErrors.describe(e) + "; ignored");
            return Optional.empty();
        } catch (IllegalArgumentException e) {
            warn(e.getMessage());
            return Optional.empty();
        }
        T found = null;
        for (var entry : entries) {
            if (entry.key().equals(key)) {
                try {
                    found = parser.apply(entry.value());
                } catch (IllegalArgumentException e) {
                    warn(file + ": line " + entry.line() + ", entry '" + key + "' skipped: " + e.getMessage());
                }
            }
        }
        return Optional.ofNullable(found);
    }

    /**
     * The entries of the file in file order, none when it is absent; each damaged line is warned about and left out.
     *
     * @throws IOException              when the file cannot be read
     * @throws IllegalArgumentException naming the file when it is not a regular file or is larger than
     *                                  {@link #MAX_BYTES}
     */
    private static List<PropertiesLines.Entry> entries(Path file) throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": is not a regular file; ignored");
        }
        byte[] bytes;
        try (var in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) MAX_BYTES + 1);
        }
        if (bytes.length > MAX_BYTES) {
            throw new IllegalArgumentException(file + ": is larger than " + MAX_BYTES
                    + " bytes, more than any tuning cache needs; ignored");
        }
        var contents = PropertiesLines.parse(bytes);
        for (var d : contents.damage()) {
            warn(file + ": line " + d.line() + ", entry '" + d.key() + "' skipped: " + d.reason());
        }
        return contents.entries();
    }

    /** Replaces the file with its entries, repeats and all, but {@code key}'s, then {@code key} with {@code value}. */
    private static void put(String key, String value) throws IOException {
        var file = location();
        checkWritable();
        var text = new StringBuilder("#ConvCL tuned kernel parameters, written by 'convcl tune'\n");
        for (var entry : entries(file)) {
            if (!entry.key().equals(key)) {
                text.append(PropertiesLines.format(entry.key(), entry.value()));
            }
        }
        text.append(PropertiesLines.format(key, value));
        AtomicFile.replace(file, out -> out.write(text.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The one place the cache reports what it skipped: a warning on logger {@value #LOGGER_NAME}, each distinct one
     * once (the command line prints it as a line of its own).
     */
    private static void warn(String message) {
        if (WARNED.add(message)) {
            LOG.log(System.Logger.Level.WARNING, "tuning cache " + message);
        }
    }
}
