package fr.rempart.it;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Staff signing in through the external identity provider set in configuration (here a small
 * OpenID Provider on the loopback): code flow with PKCE, the ID token checked, a second factor
 * attested by the provider, the groups it gives, and never an account of ours taken over.
 */
class StaffExternalSignInIT {

    private static final Random RANDOM = new Random();
    private final RempartServer server = RempartServer.get();

    private static String location(HttpResponse<String> r) {
        return r.headers().firstValue("Location").orElse("");
    }

    /** The browser's round trip: Rempart → the provider (which signs the person in at once) → Rempart's callback. */
    private HttpResponse<String> signIn(FormClient browser, FakeIdentityProvider.Person person) {
        server.identityProvider().signInNext(person);
        HttpResponse<String> start = browser.get("/staff/signin/external");
        assertThat(start.statusCode()).isEqualTo(303);
        assertThat(location(start)).startsWith(server.identityProvider().issuer() + "/authorize?").contains("code_challenge_method=S256");
        HttpResponse<String> back = browser.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(location(start))).GET());
        assertThat(back.statusCode()).isEqualTo(302);
        String callback = location(back);
        assertThat(callback).startsWith(server.baseUrl() + "/staff/signin/external/callback?code=");
        return browser.get(callback.substring(server.baseUrl().length()));
    }

    private static String name() {
        return "ext." + Integer.toString(RANDOM.nextInt(Integer.MAX_VALUE), 36);
    }

    @Test
    void anAgentOfTheDirectorySignsInWithTheProvidersSecondFactorAndReachesTheConsole() {
        FormClient browser = new FormClient(server);
        assertThat(browser.get("/staff/signin").body()).contains("href=\"/staff/signin/external\"").contains("Annuaire");
        String username = name();
        HttpResponse<String> done = signIn(browser, new FakeIdentityProvider.Person("sub-" + username, username, username + "@mutuelle.example",
                List.of("helpdesk-agent", "not-a-group-of-ours"), List.of("pwd", "otp", "mfa")));
        assertThat(done.statusCode()).as(done.body()).isEqualTo(303);
        assertThat(location(done)).endsWith("/staff");
        HttpResponse<String> home = browser.get("/staff");
        assertThat(home.body()).contains("id=\"staff-username\">" + username + "<").contains("data-group=\"helpdesk-agent\"")
                .doesNotContain("not-a-group-of-ours").contains("ext");
        assertThat(browser.get("/staff/helpdesk").statusCode()).isEqualTo(200);
        assertThat(browser.get("/staff/helpdesk/approvals").statusCode()).as("an agent, not a supervisor").isEqualTo(403);

        // The password sign-in does not know accounts of the provider.
        assertThat(new FormClient(server).submit("/staff/signin", "/staff/signin", java.util.Map.of("username", username, "password", "!external"))
                .body()).contains("signin-error");
    }

    @Test
    void withoutASecondFactorWithAForgedStateOrWithTheNameOfOneOfOurAccountsNobodySignsIn() {
        String username = name();
        HttpResponse<String> weak = signIn(new FormClient(server), new FakeIdentityProvider.Person("sub-" + username, username,
                username + "@mutuelle.example", List.of("helpdesk-supervisor"), List.of("pwd")));
        assertThat(weak.statusCode()).isEqualTo(403);
        assertThat(weak.body()).contains("seconde vérification");

        // A second factor given hours ago, in the provider's own session, is not one given now.
        String stale = name();
        assertThat(signIn(new FormClient(server), new FakeIdentityProvider.Person("sub-" + stale, stale, stale + "@mutuelle.example",
                List.of("helpdesk-agent"), List.of("mfa"), 3 * 3600)).statusCode()).isEqualTo(400);
        // An e-mail-shaped name from the directory: its local part.
        String upn = name();
        FormClient directory = new FormClient(server);
        assertThat(signIn(directory, new FakeIdentityProvider.Person("sub-" + upn, upn + "@corp.example", upn + "@corp.example",
                List.of("helpdesk-agent"), List.of("mfa"))).statusCode()).isEqualTo(303);
        assertThat(directory.get("/staff").body()).contains("id=\"staff-username\">" + upn + "<");

        // The demo agent is an account of ours: a provider's "agent" never becomes it.
        HttpResponse<String> takeover = signIn(new FormClient(server), new FakeIdentityProvider.Person("sub-other", "agent", "agent@elsewhere.example",
                List.of("helpdesk-supervisor"), List.of("mfa")));
        assertThat(takeover.statusCode()).isEqualTo(403);

        // A callback this browser did not start: refused.
        FormClient other = new FormClient(server);
        server.identityProvider().signInNext(new FakeIdentityProvider.Person("sub-x", name(), "x@mutuelle.example", List.of("helpdesk-agent"), List.of("mfa")));
        HttpResponse<String> started = new FormClient(server).get("/staff/signin/external");
        HttpResponse<String> back = other.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(location(started))).GET());
        HttpResponse<String> stolen = other.get(location(back).substring(server.baseUrl().length()));
        assertThat(stolen.statusCode()).isEqualTo(400);
        assertThat(other.get("/staff").statusCode()).isEqualTo(303);
    }
}
