package fr.rempart.oidc;

import fr.rempart.platform.config.MapConfig;
import jakarta.ws.rs.core.MultivaluedHashMap;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the endpoints refuse before looking anything up: parameters, PKCE, client registrations, redirect URIs. */
class OAuthInputTest {

    @Test
    void aRepeatedOrOversizedParameterIsAnInvalidRequest() {
        MultivaluedHashMap<String, String> repeated = new MultivaluedHashMap<>();
        repeated.add("code", "a");
        repeated.add("code", "b");
        assertThatThrownBy(() -> OAuthParameters.of(repeated)).isInstanceOfSatisfying(OAuthError.class,
                e -> assertThat(e.code()).isEqualTo("invalid_request"));
        MultivaluedHashMap<String, String> oversized = new MultivaluedHashMap<>();
        oversized.add("state", "x".repeat(OAuthParameters.MAX_VALUE + 1));
        assertThatThrownBy(() -> OAuthParameters.of(oversized)).isInstanceOf(OAuthError.class);
        MultivaluedHashMap<String, String> empty = new MultivaluedHashMap<>();
        empty.add("scope", "");
        assertThat(OAuthParameters.of(empty).get("scope")).isEmpty(); // RFC 6749 §3.1: empty means omitted
    }

    @Test
    void pkceAcceptsOnlyTheMatchingVerifierAndRefusesADowngrade() throws Exception {
        String verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
        String challenge = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        assertThat(challenge).isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"); // RFC 7636 Appendix B
        TokenEndpoint.checkPkce(challenge, verifier);
        TokenEndpoint.checkPkce(null, null);
        assertThatThrownBy(() -> TokenEndpoint.checkPkce(challenge, verifier.replace('d', 'e'))).isInstanceOf(OAuthError.class);
        assertThatThrownBy(() -> TokenEndpoint.checkPkce(challenge, null)).isInstanceOf(OAuthError.class);
        assertThatThrownBy(() -> TokenEndpoint.checkPkce(null, verifier)).isInstanceOf(OAuthError.class); // downgrade
        assertThatThrownBy(() -> TokenEndpoint.checkPkce(challenge, "short")).isInstanceOf(OAuthError.class);
    }

    @Test
    void redirectUrisAreHttpsLoopbackHttpOrANativeAppScheme() {
        assertThat(ClientValidation.redirectUri("https://portail.mutuelle.example/cb")).isTrue();
        assertThat(ClientValidation.redirectUri("http://127.0.0.1:8765/cb")).isTrue();
        assertThat(ClientValidation.redirectUri("http://localhost/cb")).isTrue();
        assertThat(ClientValidation.redirectUri("fr.mutuelle.app:/oauth2redirect")).isTrue();
        assertThat(ClientValidation.redirectUri("http://portail.mutuelle.example/cb")).isFalse();
        assertThat(ClientValidation.redirectUri("https://portail.mutuelle.example/cb#fragment")).isFalse();
        assertThat(ClientValidation.redirectUri("javascript:alert(1)")).isFalse();
        assertThat(ClientValidation.redirectUri("/relative")).isFalse();
        assertThat(ClientValidation.redirectUri("https://user@portail.mutuelle.example/cb")).isFalse();
    }

    @Test
    void aRegistrationBreakingTheRulesListsEveryField() {
        ClientRegistry.Registration bad = new ClientRegistry.Registration("a", List.of("http://evil.example/cb"), List.of(),
                Set.of("client_credentials", "password"), Set.of("root"), true, null, null, OidcClient.Population.MEMBER, "HS256", "carrier-pigeon",
                null, null, Set.of("openid", "rempart:everything"));
        var errors = ClientValidation.errors(bad, MapConfig.settings(), Locale.ENGLISH);
        assertThat(errors).extracting(e -> e.field()).contains("clientId", "grantTypes", "redirectUris", "groups", "idTokenSignedResponseAlg",
                "events.delivery", "scopes");
        ClientRegistry.Registration publicCredentials = new ClientRegistry.Registration("spa", List.of("https://spa.example/cb"), List.of(),
                Set.of("authorization_code", "client_credentials"), Set.of(), true, null, null, OidcClient.Population.MEMBER, null, null, null, null, null);
        assertThat(ClientValidation.errors(publicCredentials, MapConfig.settings(), Locale.ENGLISH)).extracting(e -> e.code())
                .contains("PUBLIC_CLIENT_CREDENTIALS");
    }

    @Test
    void aConsoleCannotRegisterForAMembersViewNorOfflineAndAMemberAppNotForTheHelpdesksScope() {
        ClientRegistry.Registration console = new ClientRegistry.Registration("console", List.of("https://console.example/cb"), List.of(),
                Set.of("authorization_code", "refresh_token"), Set.of(), false, null, null, OidcClient.Population.STAFF, null, null, null, null,
                Set.of("openid", "offline_access", "rempart:helpdesk"));
        assertThat(ClientValidation.errors(console, MapConfig.settings(), Locale.ENGLISH)).extracting(e -> e.code()).containsExactly("SCOPE_NOT_FOR_STAFF");
        ClientRegistry.Registration app = new ClientRegistry.Registration("app", List.of("https://app.example/cb"), List.of(),
                Set.of("authorization_code"), Set.of(), false, null, null, OidcClient.Population.MEMBER, null, null, null, null,
                Set.of("openid", "rempart:admin"));
        assertThat(ClientValidation.errors(app, MapConfig.settings(), Locale.ENGLISH)).extracting(e -> e.code()).containsExactly("SCOPE_NOT_FOR_MEMBERS");
        // Unnamed, the scopes are OpenID's only: the API's are never given by default, and a console never gets offline_access.
        assertThat(new ClientRegistry.Registration("c2", List.of(), List.of(), Set.of("authorization_code"), Set.of(), false, null, null,
                OidcClient.Population.STAFF, null, null, null, null, null).scopesOrDefault()).containsExactly("email", "openid", "phone", "profile");
    }

    @Test
    void mfaIsRequiredOnlyWhenEveryRequestedClassNeedsIt() {
        assertThat(Acr.requiresMfa(List.of("urn:rempart:acr:mfa"))).isTrue();
        assertThat(Acr.requiresMfa(List.of("http://schemas.openid.net/pape/policies/2007/06/multi-factor"))).isTrue();
        assertThat(Acr.requiresMfa(List.of("urn:rempart:acr:pwd", "urn:rempart:acr:mfa"))).isFalse();
        assertThat(Acr.requiresMfa(List.of())).isFalse();
        assertThat(Acr.amr(new java.util.LinkedHashSet<>(List.of("pwd", "otp")))).containsExactly("pwd", "otp", "mfa");
    }
}
