package fr.rempart.member;

import fr.rempart.audit.Actor;
import fr.rempart.platform.api.Allowed;
import fr.rempart.platform.api.ApiSecurityFilter;
import fr.rempart.platform.api.TrustedIssuers;
import fr.rempart.platform.web.BodyLimits;
import fr.rempart.platform.web.JsonBinder;
import fr.rempart.platform.web.Locales;
import jakarta.inject.Inject;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.io.InputStream;
import java.util.Locale;

/**
 * The API that writes members: create or update one, import many from CSV. Reading members, their
 * security state, proofs of the caller and actions under the same {@code /api/v1/members} paths are
 * the helpdesk's ({@code helpdesk.HelpdeskResource}): both resources share the root {@code api/v1},
 * whose methods Jersey serves together.
 */
@Path("api/v1")
@Produces(MediaType.APPLICATION_JSON)
public class MemberResource {

    @Inject
    MemberService members;
    @Inject
    MemberImport imports;
    @Context
    HttpHeaders headers;
    @Context
    UriInfo uri;
    @Context
    ContainerRequestContext request;

    /** Creates a member (201) or updates the one with the same member number (200). */
    @POST
    @Path("members")
    @Consumes(MediaType.APPLICATION_JSON)
    @Allowed("security-admin")
    public Response save(JsonValue body) {
        Locale locale = Locales.of(headers);
        MemberService.Saved saved = members.save(JsonBinder.bind(body, MemberForm.class, locale), caller(), locale);
        JsonObject view = view(saved.member());
        return saved.created()
                ? Response.created(uri.getBaseUriBuilder().path("api/v1/members/{n}").build(saved.member().number().value())).entity(view).build()
                : Response.ok(view).build();
    }

    /** Imports members from a CSV body, streamed; answers with counts and the rejected rows. */
    @POST
    @Path("member-imports")
    @Consumes({"text/csv", MediaType.TEXT_PLAIN, MediaType.APPLICATION_OCTET_STREAM})
    @Allowed("security-admin")
    @BodyLimits.Streamed
    public Response importCsv(InputStream body) {
        MemberImport.Report report = imports.run(body, caller(), Locales.of(headers));
        JsonArrayBuilder rejects = JsonBinder.JSON.createArrayBuilder();
        report.rejects().forEach(r -> rejects.add(JsonBinder.JSON.createObjectBuilder().add("line", r.line()).add("field", r.field())
                .add("code", r.code()).add("message", r.message())));
        JsonObjectBuilder answer = JsonBinder.JSON.createObjectBuilder().add("read", report.read()).add("created", report.created())
                .add("updated", report.updated()).add("rejected", report.rejected()).add("rejects", rejects)
                .add("rejectsTruncated", report.rejectsTruncated());
        if (report.stoppedAt() != null) {
            answer.add("stoppedAt", report.stoppedAt());
        }
        return Response.ok(answer.build()).build();
    }

    private Actor caller() {
        TrustedIssuers.Caller caller = (TrustedIssuers.Caller) request.getProperty(ApiSecurityFilter.CALLER);
        return Actor.token(caller.issuerName(), caller.subject());
    }

    /** The member as the administrator who just wrote it sees it: the NIR masked, never whole. */
    static JsonObject view(Member m) {
        return view(m, true);
    }

    /**
     * The member as the API shows it: the NIR masked, never whole; the contact details whole only when
     * {@code contact} (they did not leak: an insider's harvest would), otherwise masked as on the
     * console: e-mail and phone keep a first and last trace, the address only its postcode and city.
     */
    public static JsonObject view(Member m, boolean contact) {
        JsonObjectBuilder b = JsonBinder.JSON.createObjectBuilder().add("memberNumber", m.number().value()).add("nir", m.nirMasked())
                .add("lastName", m.lastName().value()).add("firstName", m.firstName().value())
                .add("birthDate", m.birthDate().toString()).add("sex", String.valueOf(m.sex().code())).add("language", m.language());
        if (m.email() != null) {
            b.add("email", contact ? m.email().value() : m.email().masked());
        }
        if (m.phone() != null) {
            b.add("phone", contact ? m.phone().e164() : m.phone().maskedForStaff());
        }
        if (m.address() != null && !contact) {
            JsonObjectBuilder town = JsonBinder.JSON.createObjectBuilder();
            java.util.Optional.ofNullable(m.address().postcode()).ifPresent(p -> town.add("postcode", p));
            java.util.Optional.ofNullable(m.address().city()).ifPresent(city -> town.add("city", city));
            b.add("address", town);
        } else if (m.address() != null) {
            JsonObjectBuilder a = JsonBinder.JSON.createObjectBuilder().add("line1", m.address().line1()).add("postcode", m.address().postcode())
                    .add("city", m.address().city()).add("country", m.address().country());
            if (m.address().line2() != null) {
                a.add("line2", m.address().line2());
            }
            b.add("address", a);
        }
        JsonArrayBuilder actions = JsonBinder.JSON.createArrayBuilder();
        m.requiredActions().forEach(a -> actions.add(a.name()));
        return b.add("requiredActions", actions).add("createdAt", m.createdAt().toString()).add("updatedAt", m.updatedAt().toString()).build();
    }
}
