package dev.llmcanary.client.discovery;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.Locale;

/** Endpoint names for discovered addresses and pods: readable, bounded, valid configuration names. */
public final class DiscoveredNames {

    /** Like a DNS label, so names stay short in metrics and logs. */
    public static final int MAX_LENGTH = 63;

    private DiscoveredNames() {
    }

    /** {@code 10.0.0.7} stays as it is; {@code fd00::1} becomes {@code fd00--1} (zone ids are dropped). */
    public static String of(InetAddress address) {
        String text = address.getHostAddress();
        if (address instanceof Inet6Address) {
            int zone = text.indexOf('%');
            text = compress(zone < 0 ? text : text.substring(0, zone));
        }
        return of(text);
    }

    /** A name from a pod name or address text: lower case, only {@code [a-z0-9._-]}, at most 63 characters. */
    public static String of(String text) {
        String s = text.toLowerCase(Locale.ROOT).replace(':', '-').replaceAll("[^a-z0-9._-]", "-");
        s = s.replaceAll("^[^a-z0-9]+", "");
        if (s.isEmpty()) {
            s = "endpoint";
        }
        return s.length() <= MAX_LENGTH ? s : s.substring(0, MAX_LENGTH);
    }

    /** Java prints IPv6 addresses in full ({@code fd00:0:0:0:0:0:0:1}); the usual short form reads better. */
    static String compress(String full) {
        String[] groups = full.split(":");
        int bestStart = -1;
        int bestLen = 0;
        for (int i = 0; i < groups.length; ) {
            if (groups[i].equals("0")) {
                int j = i;
                while (j < groups.length && groups[j].equals("0")) {
                    j++;
                }
                if (j - i > bestLen && j - i > 1) {
                    bestStart = i;
                    bestLen = j - i;
                }
                i = j;
            } else {
                i++;
            }
        }
        if (bestStart < 0) {
            return full;
        }
        String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
        String tail = String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLen, groups.length));
        // A leading or trailing zero keeps the name starting and ending with a digit (::1 reads 0--1).
        return (head.isEmpty() ? "0" : head) + "::" + (tail.isEmpty() ? "0" : tail);
    }
}
