package io.ironclad.swift;

import io.ironclad.driver.StorageException;

/** Obtains a token and storage URL; called at first use and again when Swift answers 401. */
interface SwiftAuthenticator {

    /**
     * Authenticates afresh.
     *
     * @throws StorageException fatal if the credentials are refused, transient if the auth service is unreachable or failing
     */
    SwiftSession authenticate() throws StorageException;
}
