package fr.rempart.oidc;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.Secrets;
import fr.rempart.platform.db.Jdbc;
import fr.rempart.platform.web.ClientInfo;
import fr.rempart.platform.web.Csrf;
import fr.rempart.platform.web.JsonBinder;
import fr.rempart.platform.web.Locales;
import fr.rempart.platform.web.Messages;
import fr.rempart.platform.web.Pages;
import fr.rempart.platform.web.ProblemException;
import fr.rempart.platform.web.ReturnPath;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedHashMap;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.time.Clock;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The authorization endpoint (OpenID Connect Core §3.1.2, RFC 6749 §4.1, PKCE RFC 7636). The member
 * (or staff member) signs in with the existing pages: the request waits server-side and the
 * browser comes back to {@code /oauth2/authorize/resume} once the sign-in is complete. No consent
 * page: every client is one of the mutual's own applications, registered by its administrators.
 */
@Path("oauth2/authorize")
public class AuthorizationEndpoint {

    private static final Duration PENDING_LIFETIME = Duration.ofMinutes(15);

    @Inject
    Clock clock;
    @Inject
    ClientRegistry clients;
    @Inject
    Instance<Authenticator> authenticators;
    @Inject
    Grants grants;
    @Inject
    Settings settings;
    @Inject
    Jdbc jdbc;
    @Inject
    AuditTrail audit;
    @Inject
    Pages pages;
    @Context
    HttpHeaders headers;
    @Context
    HttpServletRequest request;
    @Context
    UriInfo uri;

    @GET
    public Response get() {
        return authorize(parameters(uri.getQueryParameters()), clock.instant(), null);
    }

    /**
     * Authorization by form post (§3.1.2.1) arrives from the client's site by design: no CSRF token.
     * Like the GET, it can only lead to pages where the member acts, or give a code to a registered client.
     */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Csrf.Exempt
    public Response post(MultivaluedMap<String, String> form) {
        return authorize(parameters(form), clock.instant(), null);
    }

    /** Back from the sign-in pages. */
    @GET
    @Path("resume")
    public Response resume(@QueryParam("id") String id) {
        record Pending(String parameters, Instant createdAt) {
        }
        Optional<Pending> pending = id == null || id.length() != 43 ? Optional.empty()
                : jdbc.one("select parameters, created_at from oidc_authorization_request where id = ? and expires_at > ?",
                r -> new Pending(r.getString(1), Jdbc.instant(r, "created_at")), id, clock.instant());
        if (pending.isEmpty()) {
            throw new ProblemException(400, "oidc.error.expired-request");
        }
        MultivaluedMap<String, String> raw = new MultivaluedHashMap<>();
        JsonObject stored = JsonBinder.JSON.createReader(new StringReader(pending.get().parameters())).readObject();
        stored.forEach((k, v) -> raw.add(k, ((JsonString) v).getString()));
        return authorize(parameters(raw), pending.get().createdAt(), id);
    }

    private Response authorize(OAuthParameters parameters, Instant requestedAt, String pendingId) {
        AuthorizationRequest authz;
        try {
            authz = AuthorizationRequest.validate(parameters, clients, settings);
        } catch (AuthorizationRequest.OAuthRedirect error) {
            error.afterSignIn = pendingId != null;
            return redirectError(error);
        }
        try {
            return decide(authz, requestedAt, pendingId);
        } catch (AuthorizationRequest.OAuthRedirect error) {
            error.afterSignIn = pendingId != null;
            return redirectError(error);
        }
    }

    private Response decide(AuthorizationRequest authz, Instant requestedAt, String pendingId) {
        Authenticator authenticator = authenticators.stream().filter(a -> a.population() == authz.client().population()).findFirst()
                .orElseThrow(() -> new IllegalStateException("No authenticator for " + authz.client().population()));
        Optional<SignedIn> who = authenticator.current(headers, request);
        Instant now = clock.instant();
        // A sign-in made after this request was received satisfies prompt=login and max_age (no loop, even with max_age=0).
        boolean reauthenticate = who.isPresent() && who.get().authTime().isBefore(requestedAt) && (authz.prompt().contains("login")
                || (authz.maxAge() != null && who.get().authTime().plusSeconds(authz.maxAge()).isBefore(now)));
        if (who.isEmpty() || reauthenticate) {
            if (authz.prompt().contains("none")) {
                throw authz.error("login_required", "The user must sign in.");
            }
            if (reauthenticate) {
                // The session stays until the person acts on that page: a forged link cannot sign anyone out.
                return toPage(authenticator.reauthenticationPath(), authz, requestedAt, pendingId);
            }
            return toPage(authenticator.signInPath(), authz, requestedAt, pendingId);
        }
        if (Acr.requiresMfa(authz.acrValues()) && !who.get().multiFactor()) {
            if (authz.prompt().contains("none")) {
                throw authz.error("interaction_required", "A second factor is required.");
            }
            Optional<Authenticator.StepUp> stepUp = authenticator.stepUp(who.get(), headers, request, authz.client().clientId());
            if (stepUp.isEmpty()) {
                throw authz.error("unmet_authentication_requirements", "A second factor cannot be used for this account.");
            }
            return toPage(stepUp.get().path(), authz, requestedAt, pendingId);
        }
        return issueCode(authz, who.get(), now, pendingId);
    }

    private Response issueCode(AuthorizationRequest authz, SignedIn who, Instant now, String pendingId) {
        String code = Secrets.token(32);
        jdbc.transaction(c -> {
            grants.saveCode(new Grants.Code(Secrets.sha256Hex(code), authz.client().clientId(), authz.redirectUri(), authz.client().population(),
                    who.subject(), who.sid(), authz.scope(), authz.nonce(), authz.codeChallenge(), who.amr(), who.authTime(),
                    now.plus(settings.oidcCodeLifetime()), null, authz.apiResource()), now);
            if (pendingId != null) {
                Jdbc.execute(c, "delete from oidc_authorization_request where id = ?", pendingId);
            }
            audit.record(new Actor(authz.client().population().name().toLowerCase(java.util.Locale.ROOT), who.subject()), "oidc.authorized",
                    who.subject(), null, "client=" + authz.client().clientId() + " scope=" + authz.scope() + " acr=" + Acr.of(who.amr()));
            return null;
        });
        StringBuilder location = new StringBuilder(authz.redirectUri()).append(authz.redirectUri().contains("?") ? '&' : '?')
                .append("code=").append(code);
        if (authz.state() != null) {
            location.append("&state=").append(encode(authz.state()));
        }
        location.append("&iss=").append(encode(settings.oidcIssuer())); // RFC 9207
        return toClient(location.toString(), pendingId != null);
    }

    /**
     * Back to the client. After the sign-in pages, the browser arrives here from a form post, and
     * browsers apply the page's CSP {@code form-action 'self'} to the redirects that follow it: so
     * the way back is a page that moves on by itself (meta refresh, no script), with a link.
     */
    private Response toClient(String location, boolean afterSignInForm) {
        if (!afterSignInForm) {
            return Response.seeOther(URI.create(location)).build();
        }
        java.util.Locale locale = Locales.of(headers);
        var model = pages.base(Messages.get(locale, "continue.title"), "", request.getRequestURI());
        model.put("refresh", location);
        return Response.ok(pages.render("continue", locale, model)).type(MediaType.TEXT_HTML + ";charset=UTF-8")
                .header("Cache-Control", "no-store").cookie(ReturnPath.cleared(client().secure())).build();
    }

    /** Keeps the request and sends the browser to a page that comes back here when done. */
    private Response toPage(String path, AuthorizationRequest authz, Instant requestedAt, String pendingId) {
        String id = pendingId;
        if (id == null) {
            id = Secrets.token(32);
            JsonObjectBuilder json = JsonBinder.JSON.createObjectBuilder();
            authz.parameters().forEach(json::add);
            String stored = json.build().toString();
            if (stored.length() > 8000) {
                throw authz.error("invalid_request", "The request is too large.");
            }
            jdbc.update("insert into oidc_authorization_request (id, parameters, created_at, expires_at) values (?, ?, ?, ?)",
                    id, stored, requestedAt, requestedAt.plus(PENDING_LIFETIME));
        }
        return Response.seeOther(URI.create(path)).cookie(ReturnPath.set("/oauth2/authorize/resume?id=" + id, client().secure())).build();
    }

    private Response redirectError(AuthorizationRequest.OAuthRedirect error) {
        StringBuilder location = new StringBuilder(error.redirectUri).append(error.redirectUri.contains("?") ? '&' : '?')
                .append("error=").append(error.code).append("&error_description=").append(encode(error.getMessage()));
        if (error.state != null) {
            location.append("&state=").append(encode(error.state));
        }
        location.append("&iss=").append(encode(settings.oidcIssuer()));
        return toClient(location.toString(), error.afterSignIn);
    }

    private static OAuthParameters parameters(MultivaluedMap<String, String> raw) {
        try {
            return OAuthParameters.of(raw);
        } catch (OAuthError e) {
            throw new ProblemException(400, "oidc.error.invalid-request", e.getMessage());
        }
    }

    private ClientInfo client() {
        return ClientInfo.of(request, settings);
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
