package io.ironclad.swift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.StorageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** The result of a bulk delete ({@code ?multipart-manifest=delete}), which answers 200 even when it failed. */
record BulkDeleteResult(int status, int deleted, int notFound) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static BulkDeleteResult parse(String driver, ObjectKey key, byte[] body) throws StorageException {
        try {
            JsonNode json = JSON.readTree(new String(body, StandardCharsets.UTF_8));
            String status = json.path("Response Status").asText("");
            int code = status.length() >= 3 ? Integer.parseInt(status.substring(0, 3)) : 0;
            return new BulkDeleteResult(code, json.path("Number Deleted").asInt(), json.path("Number Not Found").asInt());
        } catch (IOException | NumberFormatException e) {
            throw new StorageException(driver, key, "unreadable multipart-manifest=delete answer: " + e.getMessage(), e);
        }
    }
}
