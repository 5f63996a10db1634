package dev.jmim.tensor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chooses the backend for each device. Providers come from {@link ServiceLoader}; for a device type
 * the one named by the system property {@code jmim.backend} (or env {@code JMIM_BACKEND}) wins,
 * otherwise the available provider with the highest priority.
 */
public final class Backends {
    private static final List<BackendProvider> PROVIDERS = load();
    private static final Map<Device, Backend> CHOSEN = new ConcurrentHashMap<>();

    private Backends() {}

    /** The backend that runs ops on this device, created on first use. */
    public static Backend forDevice(Device device) {
        return CHOSEN.computeIfAbsent(device, Backends::choose);
    }

    public static Backend cpu() {
        return forDevice(Device.CPU);
    }

    /** Makes the named provider run CPU ops from now on (tests use it to compare backends). */
    public static Backend useCpu(String name) {
        BackendProvider provider = PROVIDERS.stream()
                .filter(p -> p.deviceType() == Device.Type.CPU && p.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException(
                        "no CPU backend named '" + name + "'; available: " + names(Device.Type.CPU)));
        Backend backend = provider.create(Device.CPU);
        CHOSEN.put(Device.CPU, backend);
        return backend;
    }

    /** Every provider found, with why it is unavailable when it is. */
    public static List<ProviderStatus> providers() {
        List<ProviderStatus> out = new ArrayList<>();
        for (BackendProvider p : PROVIDERS) {
            out.add(new ProviderStatus(p.name(), p.deviceType(), p.priority(), p.unavailableReason()));
        }
        return out;
    }

    /** One provider as {@code jmim info} shows it. */
    public record ProviderStatus(
            String name, Device.Type deviceType, int priority, Optional<String> unavailableReason) {}

    private static Backend choose(Device device) {
        String requested = System.getProperty("jmim.backend", System.getenv("JMIM_BACKEND"));
        List<BackendProvider> candidates = PROVIDERS.stream()
                .filter(p -> p.deviceType() == device.type())
                .sorted(Comparator.comparingInt(BackendProvider::priority).reversed())
                .toList();
        if (requested != null && !requested.isBlank()) {
            for (BackendProvider p : candidates) {
                if (p.name().equals(requested)) {
                    return create(p, device);
                }
            }
            if (device.type() == Device.Type.CPU) {
                throw new IllegalStateException(
                        "jmim.backend=" + requested + " names no CPU backend; available: " + names(Device.Type.CPU));
            }
        }
        List<String> reasons = new ArrayList<>();
        for (BackendProvider p : candidates) {
            Optional<String> reason = p.unavailableReason();
            if (reason.isEmpty()) {
                return p.create(device);
            }
            reasons.add(p.name() + ": " + reason.get());
        }
        throw new IllegalStateException("no backend for " + device
                + (reasons.isEmpty() ? " (no provider on the class path)" : ": " + String.join("; ", reasons)));
    }

    private static Backend create(BackendProvider p, Device device) {
        Optional<String> reason = p.unavailableReason();
        if (reason.isPresent()) {
            throw new IllegalStateException(
                    "backend " + p.name() + " for " + device + " is unavailable: " + reason.get());
        }
        return p.create(device);
    }

    private static String names(Device.Type type) {
        return PROVIDERS.stream()
                .filter(p -> p.deviceType() == type)
                .map(BackendProvider::name)
                .toList()
                .toString();
    }

    private static List<BackendProvider> load() {
        List<BackendProvider> found = new ArrayList<>();
        ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader())
                .forEach(found::add);
        return List.copyOf(found);
    }
}
