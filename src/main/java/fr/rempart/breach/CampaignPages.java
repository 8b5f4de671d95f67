package fr.rempart.breach;

import fr.rempart.platform.web.CsrfToken;
import fr.rempart.platform.web.Locales;
import fr.rempart.platform.web.Messages;
import fr.rempart.platform.web.Pages;
import fr.rempart.signin.staff.StaffSessions;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The campaign page for the security administrator, signed in as staff: an incident's figures and
 * a chart of each day's flags, password resets, enrolments and sign-ins — an SVG drawn on the
 * server (no script; presentation attributes only, so the strict CSP holds), with the same figures
 * in a table for screen readers.
 */
@Path("staff/incidents/{id}/campaign")
@Produces(MediaType.TEXT_HTML + ";charset=UTF-8")
public class CampaignPages {

    private static final List<String> SERIES = List.of("flagged", "passwordReset", "totpEnrolled", "signedInSince");
    private static final List<String> COLOURS = List.of("#b3261e", "#1b5e20", "#0d47a1", "#6a1b9a");
    private static final int WIDTH = 640;
    private static final int HEIGHT = 220;

    @Inject
    Incidents incidents;
    @Inject
    Campaign campaign;
    @Inject
    StaffSessions staff;
    @Inject
    Pages pages;
    @Inject
    CsrfToken csrf;
    @Context
    HttpHeaders headers;
    @Context
    HttpServletRequest request;

    @GET
    public Response page(@PathParam("id") String id) {
        staff.require(headers, request, "/staff/incidents/" + id + "/campaign", "campaign.forbidden", "security-admin");
        Incident incident = incidents.find(id).orElseThrow(NotFoundException::new);
        Campaign.View view = campaign.of(id);
        Locale locale = Locales.of(headers);
        Map<String, Object> model = pages.base(Messages.get(locale, "campaign.title", incident.title()), csrf.formToken(), request.getRequestURI());
        model.put("incident", incident.title());
        model.put("incidentId", incident.id());
        model.put("flagged", view.flagged());
        model.put("notifiedEmail", view.notifiedByEmail());
        model.put("notifiedLetter", view.notifiedByLetter());
        model.put("passwordReset", view.facts().getOrDefault("passwordReset", 0L));
        model.put("totpEnrolled", view.facts().getOrDefault("totpEnrolled", 0L));
        model.put("signedInSince", view.facts().getOrDefault("signedInSince", 0L));
        model.put("atRisk", view.atRisk());
        model.put("copiedCodes", view.copiedCodes());
        model.put("legend", legend(locale));
        model.put("days", days(view.daily()));
        model.put("bars", bars(view.daily()));
        model.put("chartWidth", WIDTH);
        model.put("chartHeight", HEIGHT);
        return Response.ok(pages.render("campaign", locale, model)).header("Cache-Control", "no-store").build();
    }

    /** The members still at risk as CSV, the same export as the API's, for the administrator on this page. */
    @GET
    @Path("at-risk.csv")
    @Produces("text/csv;charset=UTF-8")
    public Response atRisk(@PathParam("id") String id) {
        staff.require(headers, request, "/staff/incidents/" + id + "/campaign", "campaign.forbidden", "security-admin");
        incidents.find(id).orElseThrow(NotFoundException::new);
        return Response.ok((jakarta.ws.rs.core.StreamingOutput) out -> campaign.writeAtRisk(id, out))
                .header("Content-Disposition", "attachment; filename=\"" + id + "-at-risk.csv\"").header("Cache-Control", "no-store").build();
    }

    private static List<Map<String, Object>> legend(Locale locale) {
        List<Map<String, Object>> legend = new ArrayList<>();
        for (int i = 0; i < SERIES.size(); i++) {
            legend.add(Map.of("name", Messages.get(locale, "campaign.series." + SERIES.get(i)), "colour", COLOURS.get(i), "y", 14 + 16 * i));
        }
        return legend;
    }

    private static List<Map<String, Object>> days(Map<LocalDate, Map<String, Long>> daily) {
        List<Map<String, Object>> rows = new ArrayList<>();
        daily.forEach((day, counts) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("date", day.toString());
            SERIES.forEach(s -> row.put(s, counts.getOrDefault(s, 0L)));
            rows.add(row);
        });
        return rows;
    }

    /** Grouped bars, one group a day (the last 30 days shown), scaled to the largest count. */
    static List<Map<String, Object>> bars(Map<LocalDate, Map<String, Long>> daily) {
        List<Map.Entry<LocalDate, Map<String, Long>>> days = new ArrayList<>(daily.entrySet());
        if (days.size() > 30) {
            days = days.subList(days.size() - 30, days.size());
        }
        long max = Math.max(1, days.stream().flatMap(d -> d.getValue().values().stream()).mapToLong(Long::longValue).max().orElse(1));
        int plot = WIDTH - 180;
        double group = days.isEmpty() ? plot : (double) plot / days.size();
        double bar = Math.max(1, group / (SERIES.size() + 1));
        List<Map<String, Object>> bars = new ArrayList<>();
        for (int d = 0; d < days.size(); d++) {
            for (int s = 0; s < SERIES.size(); s++) {
                long value = days.get(d).getValue().getOrDefault(SERIES.get(s), 0L);
                double height = (HEIGHT - 30) * (double) value / max;
                bars.add(Map.of("x", String.format(Locale.ROOT, "%.1f", d * group + s * bar), "y",
                        String.format(Locale.ROOT, "%.1f", HEIGHT - 20 - height), "width", String.format(Locale.ROOT, "%.1f", bar),
                        "height", String.format(Locale.ROOT, "%.1f", height), "colour", COLOURS.get(s)));
            }
        }
        return bars;
    }
}
