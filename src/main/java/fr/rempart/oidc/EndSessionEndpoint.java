package fr.rempart.oidc;

import com.nimbusds.jwt.JWTClaimsSet;
import fr.rempart.platform.web.Csrf;
import fr.rempart.platform.web.CsrfToken;
import fr.rempart.platform.web.Locales;
import fr.rempart.platform.web.Messages;
import fr.rempart.platform.web.Pages;
import fr.rempart.platform.web.ProblemException;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.NewCookie;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0 §2–3). With an {@code id_token_hint}
 * of the current session the session ends at once; without one, the member confirms (a forged
 * logout link cannot sign anyone out). The browser returns only to a registered
 * {@code post_logout_redirect_uri}, exactly matched. Ending the session revokes the grants made
 * through it, and the relying parties receive a CAEP session-revoked event.
 */
@Path("connect/logout")
@Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
public class EndSessionEndpoint {

    private record Request(OidcClient client, String redirect, String state, Optional<JWTClaimsSet> hint) {
    }

    @Inject
    ClientRegistry clients;
    @Inject
    Tokens tokens;
    @Inject
    Instance<Authenticator> authenticators;
    @Inject
    Pages pages;
    @Inject
    CsrfToken csrf;
    @Context
    HttpHeaders headers;
    @Context
    HttpServletRequest request;
    @Context
    UriInfo uri;

    @GET
    public Response get() {
        return logout(parse(uri.getQueryParameters()), false);
    }

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Csrf.Exempt
    public Response post(MultivaluedMap<String, String> form) {
        return logout(parse(form), false);
    }

    /** The member's own confirmation: a page form, so CSRF-checked. */
    @POST
    @Path("confirm")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response confirm(MultivaluedMap<String, String> form) {
        form.remove(Csrf.FIELD);
        return logout(parse(form), true);
    }

    private Response logout(Request logout, boolean confirmed) {
        Authenticator authenticator = authenticator(logout.client());
        Optional<SignedIn> current = authenticator.current(headers, request);
        // The hint must name this very session (its sid), not just the member: an old ID token found in a log signs no one out.
        boolean hintMatches = current.isPresent() && logout.hint().isPresent()
                && Objects.equals(logout.hint().get().getSubject(), current.get().subject())
                && Objects.equals(logout.hint().get().getClaim("sid"), current.get().sid());
        if (current.isPresent() && !hintMatches && !confirmed) {
            Map<String, Object> model = pages.base(Messages.get(Locales.of(headers), "logout.title"), csrf.formToken(), request.getRequestURI());
            model.put("client", logout.client() == null ? null : logout.client().clientId());
            model.put("clientId", logout.client() == null ? "" : logout.client().clientId());
            model.put("redirect", logout.redirect() == null ? "" : logout.redirect());
            model.put("state", logout.state() == null ? "" : logout.state());
            return Response.ok(pages.render("logout", Locales.of(headers), model)).header("Cache-Control", "no-store").build();
        }
        NewCookie[] cleared = current.isPresent() ? authenticator.endSession(headers, request, "rp-logout") : new NewCookie[0];
        String target = logout.redirect() == null ? "/signin?signedOut"
                : logout.redirect() + (logout.state() == null ? "" : (logout.redirect().contains("?") ? "&" : "?") + "state="
                + URLEncoder.encode(logout.state(), StandardCharsets.UTF_8));
        return Response.seeOther(URI.create(target)).cookie(cleared).build();
    }

    private Request parse(MultivaluedMap<String, String> raw) {
        OAuthParameters p;
        try {
            p = OAuthParameters.of(raw);
        } catch (OAuthError e) {
            throw new ProblemException(400, "oidc.error.invalid-request", e.getMessage());
        }
        Optional<JWTClaimsSet> hint = p.get("id_token_hint").map(h -> tokens.verifyIdTokenHint(h)
                .orElseThrow(() -> new ProblemException(400, "oidc.error.logout-hint")));
        String clientId = p.get("client_id").orElse(hint.map(h -> h.getAudience().isEmpty() ? null : h.getAudience().get(0)).orElse(null));
        if (hint.isPresent() && clientId != null && !hint.get().getAudience().contains(clientId)) {
            throw new ProblemException(400, "oidc.error.logout-hint");
        }
        OidcClient client = clientId == null ? null : clients.find(clientId).orElseThrow(() -> new ProblemException(400, "oidc.error.unknown-client"));
        String redirect = p.get("post_logout_redirect_uri").orElse(null);
        if (redirect != null && (client == null || !client.postLogoutRedirectUris().contains(redirect))) {
            throw new ProblemException(400, "oidc.error.redirect-uri");
        }
        return new Request(client, redirect, p.get("state").orElse(null), hint);
    }

    private Authenticator authenticator(OidcClient client) {
        OidcClient.Population population = client == null ? OidcClient.Population.MEMBER : client.population();
        return authenticators.stream().filter(a -> a.population() == population).findFirst().orElseThrow();
    }
}
