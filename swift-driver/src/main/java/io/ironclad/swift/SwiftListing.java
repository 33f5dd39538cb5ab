package io.ironclad.swift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.driver.ListPage;
import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.PathEncoding;
import io.ironclad.driver.StorageException;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Listing a container: JSON pages of names, sizes, ETags and times, followed until the limit. */
final class SwiftListing {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String driver;
    private final String container;
    private final SwiftHttp http;

    SwiftListing(String driver, String container, SwiftHttp http) {
        this.driver = driver;
        this.container = container;
        this.http = http;
    }

    /**
     * Servers cap a listing below the limit asked for (Swift at 10,000, Ceph RGW at 1,000), so a
     * short page is followed by another request from its last name until the limit is reached or
     * a page comes back empty.
     */
    ListPage list(ListRequest request) throws StorageException {
        List<ListPage.Entry> entries = new ArrayList<>();
        Optional<String> marker = request.startAfter();
        while (entries.size() < request.limit()) {
            ListPage page = listOnce(request.prefix(), marker, request.limit() - entries.size());
            entries.addAll(page.entries());
            if (page.nextStartAfter().isEmpty()) {
                return new ListPage(entries, Optional.empty());
            }
            marker = page.nextStartAfter();
        }
        return new ListPage(entries, marker);
    }

    /** One listing request; its next marker is the last name returned, empty only for an empty page. */
    private ListPage listOnce(String prefix, Optional<String> marker, int limit) throws StorageException {
        StringBuilder query = new StringBuilder("format=json&limit=").append(limit);
        if (!prefix.isEmpty()) {
            query.append("&prefix=").append(PathEncoding.segment(prefix));
        }
        marker.ifPresent(name -> query.append("&marker=").append(PathEncoding.segment(name)));
        HttpResponse<byte[]> response = http.send(null, "GET listing of " + container, session -> HttpRequest.newBuilder(
                        SwiftHttp.objectUri(session, container, null, query.toString()))
                .header("X-Auth-Token", session.token()).GET(), HttpResponse.BodyHandlers.ofByteArray(), () -> false);
        if (response.statusCode() == 204) {
            return new ListPage(List.of(), Optional.empty());
        }
        if (response.statusCode() != 200) {
            throw SwiftErrors.forStatus(driver, null, "GET listing of " + container, SwiftErrors.Request.OTHER, response.statusCode());
        }
        return listPage(response.body());
    }

    private ListPage listPage(byte[] body) throws StorageException {
        JsonNode entries;
        try {
            entries = JSON.readTree(body);
        } catch (IOException e) {
            throw new StorageException(driver, null, "unreadable listing of " + container + ": " + e.getMessage(), e);
        }
        List<ListPage.Entry> page = new ArrayList<>();
        String last = null;
        for (JsonNode entry : entries) {
            String name = entry.path("name").asText();
            last = name;
            ObjectKey key;
            try {
                key = ObjectKey.of(name);
            } catch (IllegalArgumentException notOurs) {
                continue;   // written by someone else under a name no key can have
            }
            String hash = entry.path("hash").asText();
            int parameters = hash.indexOf(';');
            page.add(new ListPage.Entry(key, entry.path("bytes").asLong(), parameters < 0 ? hash : hash.substring(0, parameters),
                    listingTime(entry.path("last_modified").asText())));
        }
        Optional<String> next = Optional.ofNullable(last);
        return new ListPage(page, next);
    }

    /** Swift writes {@code 2026-11-23T08:28:52.265430} (UTC, no zone); Ceph RGW appends {@code Z}. */
    private static Instant listingTime(String text) {
        return text.endsWith("Z") ? Instant.parse(text) : LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
    }
}
