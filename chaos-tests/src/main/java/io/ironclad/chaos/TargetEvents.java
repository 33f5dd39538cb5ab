package io.ironclad.chaos;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The consistency events an Ironclad sidecar counts ({@code ironclad_consistency_events_total} on
 * {@code /prometheus}), summed by kind: retries, freshness fetches, integrity refusals, timeouts.
 * A registry without that endpoint yields an empty map.
 */
final class TargetEvents {

    private static final Pattern LINE = Pattern.compile(
            "^ironclad_consistency_events_total\\{([^}]*)}\\s+([0-9.eE+-]+)$", Pattern.MULTILINE);
    private static final Pattern KIND = Pattern.compile("kind=\"([^\"]+)\"");

    private TargetEvents() {
    }

    static Map<String, Long> scrape(URI target) {
        Map<String, Long> events = new TreeMap<>();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(target.resolve("/prometheus"))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return events;
            }
            Matcher line = LINE.matcher(response.body());
            while (line.find()) {
                Matcher kind = KIND.matcher(line.group(1));
                if (kind.find()) {
                    events.merge(kind.group(1), (long) Double.parseDouble(line.group(2)), Long::sum);
                }
            }
        } catch (java.io.IOException e) {
            return events; // not an Ironclad sidecar, or not reachable: no events to report
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return events;
    }
}
