package dev.llmcanary.api;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

/**
 * Maps {@code Authorization: Bearer <token>} to a role: the admin token to {@link Roles#ADMIN} and
 * {@link Roles#TRIGGER}, the trigger token to {@link Roles#TRIGGER}. The tokens are opaque shared secrets (not JWTs),
 * compared in constant time, trimmed like the presented one (a Secret made from a file often ends with a newline).
 * No header is an anonymous caller (reading is open; {@code @RolesAllowed} turns it into a 401); a header that
 * matches no token fails authentication (401). Authentication runs lazily, per secured operation
 * ({@code quarkus.http.auth.proactive=false}), so the API's problem mappers answer every refusal.
 */
@ApplicationScoped
public class TokenAuthentication implements HttpAuthenticationMechanism {

    static final String REALM = "Bearer realm=\"llm-canary\"";

    private final ApiSettings settings;

    public TokenAuthentication(ApiSettings settings) {
        this.settings = settings;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext context, IdentityProviderManager identityProviderManager) {
        String header = context.request().getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Uni.createFrom().optional(Optional.empty());
        }
        byte[] presented = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        if (matches(presented, settings.adminToken())) {
            return Uni.createFrom().item(identity(Roles.ADMIN, Roles.ADMIN, Roles.TRIGGER));
        }
        if (matches(presented, settings.triggerToken())) {
            return Uni.createFrom().item(identity(Roles.TRIGGER, Roles.TRIGGER));
        }
        return Uni.createFrom().failure(new AuthenticationFailedException("the bearer token matches no configured"
                + " token"));
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", REALM));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        // the identity is built here from configuration: no identity provider is involved
        return Set.of();
    }

    /** Whether a role's token is configured at all (without one, that permission is off rather than open). */
    boolean configured(String role) {
        return (Roles.ADMIN.equals(role) ? settings.adminToken() : settings.triggerToken())
                .map(String::trim).filter(t -> !t.isEmpty()).isPresent();
    }

    private static boolean matches(byte[] presented, Optional<String> token) {
        return token.map(String::trim).filter(t -> !t.isEmpty())
                .map(t -> MessageDigest.isEqual(presented, t.getBytes(StandardCharsets.UTF_8))).orElse(false);
    }

    private static SecurityIdentity identity(String principal, String... roles) {
        QuarkusSecurityIdentity.Builder b = QuarkusSecurityIdentity.builder()
                .setPrincipal(new QuarkusPrincipal(principal));
        for (String r : roles) {
            b.addRole(r);
        }
        return b.build();
    }
}
