package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.exceptions.BeanInstantiationException;
import io.micronaut.context.exceptions.ConfigurationException;
import io.micronaut.http.server.exceptions.ServerStartupException;
import java.net.BindException;
import java.sql.SQLNonTransientConnectionException;
import org.junit.jupiter.api.Test;

/** A failed start, however deeply the framework wraps it, is one line with the cause and the documented exit code. */
class StartupFailureTest {

    @Test
    void portInUseNamesTheAddressAndIsAConfigurationError() {
        StartupFailure failure = StartupFailure.of(new ServerStartupException("Unable to start Micronaut server on 127.0.0.1:5000",
                new BindException("Address already in use")));
        assertThat(failure.cause()).isEqualTo("Unable to start Micronaut server on 127.0.0.1:5000: Address already in use"
                + " (is another server listening on that port?)");
        assertThat(failure.exitCode()).isEqualTo(2);
    }

    @Test
    void aLockedEmbeddedDatabaseIsUnreachableAndSaysSo() {
        RuntimeException wrapped = new RuntimeException("Error instantiating bean of type [Flyway]\n\nMessage: Unable to obtain connection\nPath Taken: ...",
                new SQLNonTransientConnectionException("Database may be already in use: \"/d/metadata.mv.db\". Possible solutions: close all"
                        + " other connection(s); use the server mode [90020-232]", new IllegalStateException("The file is locked [2.3.232/7]")));
        StartupFailure failure = StartupFailure.of(wrapped);
        assertThat(failure.exitCode()).isEqualTo(3);
        assertThat(failure.locked()).isTrue();
        assertThat(failure.cause()).startsWith("database: Database may be already in use: \"/d/metadata.mv.db\"").doesNotContain("\n");
    }

    @Test
    void aBadSettingIsItsFirstLine() {
        StartupFailure failure = StartupFailure.of(new BeanInstantiationException("Error instantiating bean of type [AccessControl]\n\n"
                + "Message: refusing to serve 0.0.0.0 without authentication\nPath Taken: new AccessControl(...)",
                new ConfigurationException("refusing to serve 0.0.0.0 without authentication")));
        assertThat(failure.cause()).isEqualTo("configuration: refusing to serve 0.0.0.0 without authentication");
        assertThat(failure.exitCode()).isEqualTo(2);
    }
}
