package fr.rempart.totp;

import fr.rempart.member.CurrentSession;
import fr.rempart.member.HardeningGate;
import fr.rempart.member.Member;
import fr.rempart.member.MemberDirectory;
import fr.rempart.member.WebSession;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.web.ClientInfo;
import fr.rempart.platform.web.CsrfToken;
import fr.rempart.platform.web.Locales;
import fr.rempart.platform.web.Messages;
import fr.rempart.platform.web.Pages;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** From the member's account: enrol a second factor of their own accord, regenerate recovery codes. */
@Path("security")
@Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
public class SecurityPages {

    @Inject
    TotpService totp;
    @Inject
    HardeningGate proofs;
    @Inject
    CurrentSession browser;
    @Inject
    Settings settings;
    @Inject
    MemberDirectory members;
    @Inject
    Pages pages;
    @Inject
    CsrfToken csrf;
    @Context
    HttpHeaders headers;
    @Context
    HttpServletRequest request;

    @GET
    @Path("totp")
    public Response enrolPage() {
        Optional<Member> member = signedIn();
        if (member.isEmpty()) {
            return Response.seeOther(URI.create("/signin")).build();
        }
        if (totp.enrolled(member.get().id())) {
            return Response.seeOther(URI.create("/account")).build();
        }
        if (proofs.required(member.get().id()) && !proofs.proven(session().orElseThrow())) {
            return Response.seeOther(URI.create("/signin/proof")).build();
        }
        return Response.ok(TotpEnrolmentStep.enrolmentPage(pages, totp, member.get(), session().orElseThrow(), page("totp.enrol.title"), locale(),
                "/security/totp", null)).build();
    }

    @POST
    @Path("totp")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    public Response enrol(@FormParam("code") String code, @FormParam("acknowledged") String acknowledged) {
        Optional<Member> member = signedIn();
        if (member.isEmpty()) {
            return Response.seeOther(URI.create("/signin")).build();
        }
        if (acknowledged != null || totp.enrolled(member.get().id())) {
            return Response.seeOther(URI.create("/account")).build();
        }
        WebSession session = session().orElseThrow();
        if (proofs.required(member.get().id()) && !proofs.proven(session)) {
            return Response.seeOther(URI.create("/signin/proof")).build();
        }
        var codes = totp.confirm(member.get(), session, code, ClientInfo.of(request, settings));
        if (codes.isEmpty()) {
            return Response.status(400).entity(TotpEnrolmentStep.enrolmentPage(pages, totp, member.get(), session, page("totp.enrol.title"), locale(),
                    "/security/totp", Messages.get(locale(), "totp.enrol.invalid-code"))).build();
        }
        return Response.ok(TotpEnrolmentStep.recoveryCodesPage(pages, page("totp.codes.title"), locale(), codes.get(), "/security/totp")).build();
    }

    @POST
    @Path("recovery-codes")
    public Response regenerate() {
        Optional<Member> member = signedIn();
        if (member.isEmpty() || !totp.enrolled(member.get().id())) {
            return Response.seeOther(URI.create(member.isEmpty() ? "/signin" : "/account")).build();
        }
        return Response.ok(TotpEnrolmentStep.recoveryCodesPage(pages, page("totp.codes.title"), locale(),
                totp.regenerateRecoveryCodes(member.get(), ClientInfo.of(request, settings)), "/security/totp")).build();
    }

    private Optional<Member> signedIn() {
        return session().flatMap(s -> members.byId(s.member()));
    }

    private Optional<WebSession> session() {
        return browser.current(headers, request).filter(WebSession::full);
    }

    private Map<String, Object> page(String titleKey) {
        return pages.base(Messages.get(locale(), titleKey), csrf.formToken(), request.getRequestURI());
    }

    private Locale locale() {
        return Locales.of(headers);
    }
}
