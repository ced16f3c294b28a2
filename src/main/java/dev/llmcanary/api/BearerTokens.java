package dev.llmcanary.api;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/** Reading and comparing bearer tokens, shared by the trigger and admin filters (constant-time comparison). */
final class BearerTokens {

    private BearerTokens() {
    }

    /** The configured token's bytes, trimmed (a Secret made from a file often ends with a newline), or null. */
    static byte[] configured(Optional<String> token) {
        return token.map(String::trim).filter(v -> !v.isEmpty()).map(v -> v.getBytes(StandardCharsets.UTF_8))
                .orElse(null);
    }

    /** The presented bearer token's bytes, or null. */
    static byte[] presented(ContainerRequestContext request) {
        String header = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        return header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)
                ? header.substring(7).trim().getBytes(StandardCharsets.UTF_8) : null;
    }

    static boolean matches(byte[] presented, byte[] token) {
        return presented != null && token != null && MessageDigest.isEqual(presented, token);
    }
}
