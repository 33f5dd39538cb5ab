package io.ironclad.driver;

/** The operation needs a capability the driver does not have; optional operations throw this rather than do nothing. */
public class UnsupportedCapabilityException extends StorageException {

    private static final long serialVersionUID = 1L;

    private final Capability capability;

    public UnsupportedCapabilityException(String driver, ObjectKey key, Capability capability) {
        super(driver, key, "unsupported capability " + capability);
        this.capability = capability;
    }

    public Capability capability() {
        return capability;
    }
}
