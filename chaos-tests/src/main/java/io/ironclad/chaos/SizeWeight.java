package io.ironclad.chaos;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/** A layer size and how often it is drawn relative to the others. */
record SizeWeight(long bytes, int weight) {

    SizeWeight {
        if (bytes < 1 || weight < 1) {
            throw new IllegalArgumentException("size and weight must be >= 1, got " + bytes + ":" + weight);
        }
    }

    /** Parses {@code 4k:6,256k:3,6m:1} (suffixes k, m, g are powers of 1024). */
    static List<SizeWeight> parseList(String text) {
        List<SizeWeight> sizes = new ArrayList<>();
        for (String item : text.split(",")) {
            String[] parts = item.trim().split(":");
            if (parts.length != 2) {
                throw new IllegalArgumentException("expected SIZE:WEIGHT, got '" + item + "'");
            }
            sizes.add(new SizeWeight(parseBytes(parts[0]), Integer.parseInt(parts[1].trim())));
        }
        return List.copyOf(sizes);
    }

    static long parseBytes(String text) {
        String value = text.trim().toLowerCase(Locale.ROOT);
        long unit = switch (value.charAt(value.length() - 1)) {
            case 'k' -> 1L << 10;
            case 'm' -> 1L << 20;
            case 'g' -> 1L << 30;
            default -> 1;
        };
        return Long.parseLong(unit == 1 ? value : value.substring(0, value.length() - 1)) * unit;
    }

    static long draw(List<SizeWeight> sizes, SplittableRandom random) {
        int total = sizes.stream().mapToInt(SizeWeight::weight).sum();
        int pick = random.nextInt(total);
        for (SizeWeight size : sizes) {
            pick -= size.weight();
            if (pick < 0) {
                return size.bytes();
            }
        }
        throw new IllegalStateException("unreachable: weights sum to " + total);
    }
}
