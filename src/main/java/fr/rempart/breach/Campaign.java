package fr.rempart.breach;

import fr.rempart.member.Member;
import fr.rempart.member.MemberRepository;
import fr.rempart.notify.MessageCheckCounts;
import fr.rempart.notify.NoticeQueue;
import fr.rempart.platform.csv.CsvExport;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The campaign view of one incident, for the security administrator: how many members it flagged,
 * how many were notified, reset their password, enrolled a second factor, signed in since, and how
 * many are still at risk; and the same day by day for the chart. Each capability counts what it
 * owns ({@link CampaignFact}).
 */
@ApplicationScoped
public class Campaign {

    /**
     * The figures and the daily series ({@code day → fact → count}); {@code copiedCodes}: the
     * incident's verification codes checked from so many addresses that they are taken as copied.
     */
    public record View(String incident, long flagged, long notifiedByEmail, long notifiedByLetter, Map<String, Long> facts, long atRisk,
                       long copiedCodes, Map<LocalDate, Map<String, Long>> daily) {
    }

    @Inject
    MemberRepository members;
    @Inject
    Instance<CampaignFact> facts;
    @Inject
    Jdbc jdbc;
    @Inject
    NoticeQueue notices;
    @Inject
    MessageCheckCounts checks;

    public View of(String incident) {
        Map<String, Long> counts = new LinkedHashMap<>();
        Map<LocalDate, Map<String, Long>> daily = new TreeMap<>();
        CampaignFact.daily(jdbc, "select cast(flagged_at as date), count(*) from member_flag where incident = ? group by cast(flagged_at as date)",
                incident).forEach((day, n) -> daily.computeIfAbsent(day, d -> new LinkedHashMap<>()).put("flagged", n));
        for (CampaignFact fact : facts) {
            counts.put(fact.name(), fact.count(incident));
            fact.daily(incident).forEach((day, n) -> daily.computeIfAbsent(day, d -> new LinkedHashMap<>()).put(fact.name(), n));
        }
        return new View(incident, members.countFlagged(incident), notices.countDone(incident, "EMAIL"), notices.countDone(incident, "LETTER"),
                counts, members.countAtRisk(incident), checks.countCopied(incident), daily);
    }

    /**
     * Members still at risk as CSV, for outreach (member number, names, contact, what is pending —
     * never the NIR), a page of 5,000 at a time: the API's export and the campaign page's link.
     * A member's own fields may hold a formula sign (an e-mail may start with {@code =}):
     * {@link CsvExport} neutralises them.
     */
    public void writeAtRisk(String incident, java.io.OutputStream out) throws java.io.IOException {
        CsvExport csv = CsvExport.to(out);
        csv.row("member_number", "nom", "prenom", "courriel", "telephone", "a_faire");
        String after = "";
        List<Member> page;
        do {
            page = members.atRisk(incident, after, 5_000);
            for (Member m : page) {
                csv.row(m.number().value(), m.lastName().value(), m.firstName().value(), m.email() == null ? "" : m.email().value(),
                        m.phone() == null ? "" : m.phone().e164(),
                        m.requiredActions().stream().map(Enum::name).sorted().collect(java.util.stream.Collectors.joining(" ")));
                after = m.number().value();
            }
        } while (page.size() == 5_000);
        csv.flush();
    }
}
