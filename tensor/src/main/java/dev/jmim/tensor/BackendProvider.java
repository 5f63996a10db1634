package dev.jmim.tensor;

import java.util.Optional;

/**
 * Found by {@link java.util.ServiceLoader}: offers a backend for one kind of device. A provider
 * whose library is missing says why in {@link #unavailableReason()} instead of failing.
 */
public interface BackendProvider {

    /** Name used to select it (system property {@code jmim.backend}, env {@code JMIM_BACKEND}). */
    String name();

    Device.Type deviceType();

    /** Higher wins when several providers serve one device type and none was selected by name. */
    int priority();

    /** Empty when usable; otherwise one line saying what was tried and what is missing. */
    Optional<String> unavailableReason();

    /** Backend for one device; called only when {@link #unavailableReason()} is empty. */
    Backend create(Device device);
}
