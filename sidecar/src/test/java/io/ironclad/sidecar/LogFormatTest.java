package io.ironclad.sidecar;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;

/**
 * The shipped {@code logback.xml}: text lines carry an ISO-8601 time with date and zone offset,
 * and {@code IRONCLAD_LOG_FORMAT=json} switches to one JSON object per event.
 */
class LogFormatTest {

    @Test
    void textLinesStartWithAnIsoTimeWithZone() throws Exception {
        String line = encodeWith(null);
        assertThat(line).matches("(?s)\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}(Z|[+-]\\d{2}:\\d{2}) INFO  \\[main\\] ironclad\\.test - hello operator\\R");
    }

    @Test
    void jsonFormatWritesOneJsonObjectPerEvent() throws Exception {
        JsonNode event = new ObjectMapper().readTree(encodeWith("json"));
        assertThat(event.path("level").asText()).isEqualTo("INFO");
        assertThat(event.path("loggerName").asText()).isEqualTo("ironclad.test");
        assertThat(event.path("formattedMessage").asText()).isEqualTo("hello operator");
        assertThat(event.path("timestamp").asLong()).isPositive();
    }

    /** Configures a fresh context from the shipped file and encodes one event with the root's only appender. */
    private static String encodeWith(String format) throws Exception {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new ch.qos.logback.classic.util.LogbackMDCAdapter());
        try {
            if (format != null) {
                context.putProperty("IRONCLAD_LOG_FORMAT", format);
            }
            JoranConfigurator configurator = new JoranConfigurator();
            configurator.setContext(context);
            configurator.doConfigure(LogFormatTest.class.getResource("/logback.xml"));
            ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            List<Appender<ILoggingEvent>> appenders = new ArrayList<>();
            root.iteratorForAppenders().forEachRemaining(appenders::add);
            assertThat(appenders).as("root appenders").hasSize(1);
            OutputStreamAppender<ILoggingEvent> appender = (OutputStreamAppender<ILoggingEvent>) appenders.get(0);
            assertThat(appender.getEncoder().getClass().getSimpleName()).isEqualTo("json".equals(format) ? "JsonEncoder" : "PatternLayoutEncoder");
            assertThat(context.getStatusManager().getCopyOfStatusList()).as("configuration warnings")
                    .allMatch(status -> status.getLevel() == ch.qos.logback.core.status.Status.INFO);
            LoggingEvent event = new LoggingEvent(LogFormatTest.class.getName(), context.getLogger("ironclad.test"),
                    Level.INFO, "hello {}", null, new Object[] {"operator"});
            event.setThreadName("main");
            return new String(appender.getEncoder().encode(event), StandardCharsets.UTF_8);
        } finally {
            context.stop();
        }
    }
}
