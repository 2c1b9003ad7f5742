package org.convcl.opencl.tuning;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;
import org.convcl.opencl.device.DeviceInfo;

/**
 * The per-user store of tuned kernel parameters, one entry per device and driver, written by {@code convcl tune}
 * and read whenever a backend opens with default options. The file is a properties file at, in order of
 * precedence, the system property {@code convcl.tuning.cache}, the environment variable
 * {@code CONVCL_TUNING_CACHE}, {@code $XDG_CACHE_HOME/convcl/tuning.properties} or
 * {@code ~/.cache/convcl/tuning.properties}.
 */
public final class TuningCache {
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
     * The tuned SGEMM configuration for this device and driver, if one is stored, parses and fits the device; a
     * stale or damaged entry is ignored, so a backend always opens.
     */
    public static Optional<SgemmConfig> lookup(DeviceInfo device) {
        return entry(key(device)).flatMap(text -> {
            try {
                var config = SgemmConfig.parse(text);
                return config.fits(device) == null ? Optional.of(config) : Optional.empty();
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        });
    }

    /**
     * Where a backend's SGEMM configuration comes from, for reports: this cache's entry for the device and driver,
     * the untuned default from device queries, or the caller's options.
     */
    public static String origin(DeviceInfo device, SgemmConfig config) {
        if (lookup(device).filter(config::equals).isPresent()) {
            return "tuned: the entry in " + location();
        }
        return config.equals(SgemmConfig.defaultFor(device)) ? "untuned device default" : "set in the backend options";
    }

    /** Stores the winner for this device and driver, keeping other devices' entries; written atomically. */
    public static void store(DeviceInfo device, SgemmConfig config) {
        put(key(device), config.encode());
    }

    /** Stores planner thresholds for this device and driver beside its SGEMM configuration. */
    public static void store(DeviceInfo device, ConvPolicy policy) {
        put(policyKey(device), policy.encode());
    }

    /**
     * The planner thresholds stored for this device and driver, over its class's defaults; a damaged entry is
     * ignored, as a damaged configuration is.
     */
    public static Optional<ConvPolicy> lookupPolicy(DeviceInfo device) {
        return entry(policyKey(device)).flatMap(text -> {
            try {
                return Optional.of(ConvPolicy.parse(text, ConvPolicy.defaultFor(DeviceClass.of(device))));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        });
    }

    private static String policyKey(DeviceInfo device) {
        return key(device) + " | planner";
    }

    private static Optional<String> entry(String key) {
        var file = location();
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(load(file).getProperty(key));
        } catch (IOException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static void put(String key, String value) {
        var file = location();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            var entries = Files.isRegularFile(file) ? load(file) : new Properties();
            entries.setProperty(key, value);
            var temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".tuning", ".tmp");
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                entries.store(out, "ConvCL tuned kernel parameters, written by 'convcl tune'");
            }
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("tuning cache " + file + ": " + e.getMessage(), e);
        }
    }

    private static Properties load(Path file) throws IOException {
        var p = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(in);
        }
        return p;
    }
}
