package io.ironclad.swift;

import static java.util.Objects.requireNonNull;

import io.ironclad.driver.StorageException;
import io.ironclad.driver.BackendUnavailableException;
import io.ironclad.driver.TransientStorageException;
import java.net.URI;
import java.util.Locale;
import org.openstack4j.api.OSClient.OSClientV3;
import org.openstack4j.api.exceptions.AuthenticationException;
import org.openstack4j.api.exceptions.ConnectionException;
import org.openstack4j.core.transport.Config;
import org.openstack4j.model.common.Identifier;
import org.openstack4j.model.identity.v3.Endpoint;
import org.openstack4j.model.identity.v3.Service;
import org.openstack4j.model.identity.v3.Token;
import org.openstack4j.openstack.OSFactory;

/**
 * Keystone v3 password authentication scoped to a project, through OpenStack4j; the token's
 * catalog names the object-store endpoint for the configured region and interface.
 */
final class KeystoneAuthenticator implements SwiftAuthenticator {

    private static final String OBJECT_STORE = "object-store";

    private final String driver;
    private final SwiftDriverConfig config;

    KeystoneAuthenticator(String driver, SwiftDriverConfig config) {
        this.driver = requireNonNull(driver, "driver is null");
        this.config = requireNonNull(config, "config is null");
    }

    @Override
    public SwiftSession authenticate() throws StorageException {
        String action = "Keystone v3 authentication as " + config.user() + " for project " + config.project() + " at " + config.authUrl();
        Token token;
        try {
            OSClientV3 client = OSFactory.builderV3()
                    .endpoint(config.authUrl().toString())
                    .credentials(config.user(), config.key(), Identifier.byName(config.userDomain()))
                    .scopeToProject(Identifier.byName(config.project()), Identifier.byName(config.projectDomain()))
                    .withConfig(Config.newConfig()
                            .withConnectionTimeout((int) config.connectTimeout().toMillis())
                            .withReadTimeout((int) config.requestTimeout().toMillis()))
                    .authenticate();
            token = client.getToken();
        } catch (AuthenticationException e) {
            throw new StorageException(driver, null, action + " refused: " + e.getMessage(), e);
        } catch (ConnectionException e) {
            // OpenStack4j's word for "could not connect": Keystone is down
            throw new BackendUnavailableException(driver, null, action + " failed: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            // OpenStack4j reports server errors as unchecked ResponseExceptions with a status
            throw new TransientStorageException(driver, null, action + " failed: " + e, e);
        }
        return new SwiftSession(objectStoreUrl(token, action), token.getId());
    }

    private URI objectStoreUrl(Token token, String action) throws StorageException {
        String wantedInterface = config.endpointInterface().name().toLowerCase(Locale.ROOT);
        for (Service service : token.getCatalog()) {
            if (!OBJECT_STORE.equals(service.getType())) {
                continue;
            }
            for (Endpoint endpoint : service.getEndpoints()) {
                boolean interfaceMatches = endpoint.getIface() != null
                        && endpoint.getIface().name().equalsIgnoreCase(wantedInterface);
                boolean regionMatches = config.region().isEmpty()
                        || config.region().equals(endpoint.getRegion()) || config.region().equals(endpoint.getRegionId());
                if (interfaceMatches && regionMatches) {
                    return URI.create(endpoint.getUrl().toString());
                }
            }
        }
        throw new StorageException(driver, null, action + ": the token's catalog has no " + OBJECT_STORE + " endpoint with interface "
                + wantedInterface + (config.region().isEmpty() ? "" : " in region " + config.region()));
    }
}
