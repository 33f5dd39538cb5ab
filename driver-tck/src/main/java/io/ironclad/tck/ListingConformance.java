package io.ironclad.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ironclad.driver.ListPage;
import io.ironclad.driver.ListRequest;
import io.ironclad.driver.ObjectKey;
import io.ironclad.driver.Payload;
import io.ironclad.driver.PutOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Conformance of listings: UTF-8 byte order, prefixes, pagination, key validation. */
public abstract class ListingConformance extends ObjectConformance {

    // --- listing ---

    @Test
    public void listingIsOrderedAndPaginatesOverMoreThanAThousandKeys() throws Exception {
        int count = 1_050;
        List<ObjectKey> inside = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            inside.add(key("many/" + Integer.toString(i, 36)));
        }
        // keys that sort around the listed prefix but are not in it
        List<ObjectKey> outside = List.of(key("man"), key("many"), key("manz/x"), key("many-x"));
        List<ObjectKey> all = new ArrayList<>(inside);
        all.addAll(outside);
        putAll(all);
        try {
            List<ObjectKey> expected = inside.stream().sorted().toList();
            awaitListing(prefix() + "many/", expected);
            List<ObjectKey> paged = new ArrayList<>();
            ListRequest request = new ListRequest(prefix() + "many/", Optional.empty(), 100);
            int pages = 0;
            while (true) {
                ListPage page = driver().list(request);
                pages++;
                assertThat(page.entries()).hasSizeLessThanOrEqualTo(100);
                page.entries().forEach(entry -> paged.add(entry.key()));
                if (page.nextStartAfter().isEmpty()) {
                    break;
                }
                request = request.withStartAfter(page.nextStartAfter().get());
            }
            assertThat(paged).as("keys listed in pages of 100").containsExactlyElementsOf(expected);
            assertThat(pages).isBetween(11, 12);
            ListPage firstThousand = driver().list(ListRequest.prefix(prefix() + "many/"));
            assertThat(firstThousand.entries()).hasSize(ListRequest.DEFAULT_LIMIT);
            assertThat(firstThousand.nextStartAfter()).contains(expected.get(999).value());
            ListPage whole = driver().list(ListRequest.prefix(prefix()).withLimit(10_000));
            assertThat(whole.entries()).extracting(ListPage.Entry::key).containsExactlyElementsOf(all.stream().sorted().toList());
        } finally {
            deleteAll(all);
        }
    }

    @Test
    void listingUsesUtf8ByteOrderAndReportsSizes() throws Exception {
        // UTF-16 order puts U+FFFD after U+1F600 (a surrogate pair); UTF-8 byte order puts it before
        List<ObjectKey> keys = List.of(key("a"), key("a-b"), key("a/b"), key("\uFFFD"), key("\uD83D\uDE00"), key("Z"));
        for (ObjectKey key : keys) {
            driver().put(key, Payload.ofBytes(bytes(key.value())), PutOptions.DEFAULT);
        }
        try {
            List<ObjectKey> expected = List.of(key("Z"), key("a"), key("a-b"), key("a/b"), key("\uFFFD"), key("\uD83D\uDE00"));
            awaitListing(prefix(), expected);
            ListPage page = driver().list(ListRequest.prefix(prefix()));
            for (ListPage.Entry entry : page.entries()) {
                assertThat(entry.size()).isEqualTo(bytes(entry.key().value()).length);
            }
            ListPage afterA = driver().list(ListRequest.prefix(prefix()).withStartAfter(key("a").value()).withLimit(2));
            assertThat(afterA.entries()).extracting(ListPage.Entry::key).containsExactly(key("a-b"), key("a/b"));
        } finally {
            deleteAll(keys);
        }
    }

    @Test
    public void keyValidationHappensBeforeTheDriver() {
        for (String bad : List.of("", "a//b", "/a", "a/", "a/../b", "./a", "a\u0000b", "a\nb", "x".repeat(1025), "a\uD800")) {
            assertThatThrownBy(() -> ObjectKey.of(bad)).as("key %s", bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThat(ObjectKey.of("blobs/sha256/ab/abcdef").value()).isEqualTo("blobs/sha256/ab/abcdef");
    }
}
