package fr.rempart.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import fr.rempart.platform.api.LocalTokens;
import fr.rempart.platform.api.TrustedIssuers;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.text.ParseException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether one of our access tokens is still good: a valid JWT (see {@link Tokens}), not revoked one
 * by one (RFC 7009), and its grant not revoked — so signing out, a password change, the helpdesk or
 * an incident ends the tokens of a session at once, for introspection, UserInfo and {@code /api/v1}.
 */
@ApplicationScoped
public class ActiveTokens implements LocalTokens {

    @Inject
    Clock clock;
    @Inject
    Tokens tokens;
    @Inject
    Grants grants;
    @Inject
    Jdbc jdbc;

    public Optional<JWTClaimsSet> active(String token) {
        return tokens.verifyAccessToken(token).filter(this::stillActive);
    }

    private boolean stillActive(JWTClaimsSet claims) {
        String grant;
        try {
            grant = claims.getStringClaim("gid");
        } catch (ParseException e) {
            return false;
        }
        // Both reads in one transaction (they join it): one connection and one commit per check instead of two.
        return jdbc.transaction(c -> {
            if (grant != null && grants.grant(grant).map(g -> !g.active(clock.instant())).orElse(true)) {
                return false;
            }
            return !grants.accessTokenRevoked(claims.getJWTID());
        });
    }

    @Override
    public String issuer() {
        return tokens.issuer();
    }

    /**
     * The API's check: one of our active access tokens that names the API in its {@code aud} (a token a relying
     * party got for its own use does not open it) and says whom it speaks for ({@link Tokens#SUBJECT_KIND}).
     */
    @Override
    public Optional<TrustedIssuers.Caller> verify(String token) {
        return tokens.verifyAccessToken(token).filter(claims -> claims.getAudience().contains(tokens.apiAudience())).filter(this::stillActive)
                .flatMap(claims -> {
                    try {
                        String kind = claims.getStringClaim(Tokens.SUBJECT_KIND);
                        if (kind == null) {
                            return Optional.empty();
                        }
                        List<String> groups = claims.getStringListClaim("groups");
                        String scope = claims.getStringClaim("scope");
                        return Optional.of(new TrustedIssuers.Caller(TrustedIssuers.Caller.LOCAL, claims.getSubject(),
                                TrustedIssuers.Kind.valueOf(kind.toUpperCase(java.util.Locale.ROOT)),
                                groups == null ? Set.of() : new HashSet<>(groups),
                                scope == null ? Set.of() : new HashSet<>(Arrays.asList(scope.trim().split(" +"))), claims.getStringClaim("client_id")));
                    } catch (ParseException | IllegalArgumentException e) {
                        return Optional.empty();
                    }
                });
    }
}
