package fr.rempart.breach;

import fr.rempart.member.Member;
import fr.rempart.member.MemberRepository;
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

    /** The figures and the daily series ({@code day → fact → count}). */
    public record View(String incident, long flagged, long notifiedByEmail, long notifiedByLetter, Map<String, Long> facts, long atRisk,
                       Map<LocalDate, Map<String, Long>> daily) {
    }

    @Inject
    MemberRepository members;
    @Inject
    Instance<CampaignFact> facts;
    @Inject
    Jdbc jdbc;
    @Inject
    fr.rempart.notify.NoticeQueue notices;

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
                counts, members.countAtRisk(incident), daily);
    }

    public List<Member> atRisk(String incident, String afterNumber, int limit) {
        return members.atRisk(incident, afterNumber, limit);
    }
}
