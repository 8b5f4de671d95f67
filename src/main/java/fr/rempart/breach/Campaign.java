package fr.rempart.breach;

import fr.rempart.member.Member;
import fr.rempart.member.MemberId;
import fr.rempart.member.MemberRepository;
import fr.rempart.member.SecurityTimeline;
import fr.rempart.notify.MessageCheckCounts;
import fr.rempart.notify.NoticeQueue;
import fr.rempart.password.PasswordHistory;
import fr.rempart.platform.csv.CsvExport;
import fr.rempart.platform.db.Dated;
import fr.rempart.totp.TotpEnrolments;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The campaign view of one incident, for the security administrator: how many members it flagged,
 * how many were notified, reset their password, enrolled a second factor, signed in since, and how
 * many are still at risk; and the same day by day for the chart.
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

    /** Flags read a page at a time: memory stays flat whatever the incident's size. */
    private static final int PAGE = 10_000;

    @Inject
    MemberRepository members;
    @Inject
    SecurityTimeline timeline;
    @Inject
    PasswordHistory passwords;
    @Inject
    TotpEnrolments enrolments;
    @Inject
    NoticeQueue notices;
    @Inject
    MessageCheckCounts checks;

    /**
     * Each figure comes from the capability that owns it: the flags and the sign-ins from member's
     * timeline, the new passwords from password's history, the second factors from totp, a page of
     * flagged members at a time (no query reads another capability's tables).
     */
    public View of(String incident) {
        Map<String, Long> counts = new LinkedHashMap<>();
        counts.put("passwordReset", 0L);
        counts.put("totpEnrolled", 0L);
        Map<LocalDate, Map<String, Long>> daily = new TreeMap<>();
        members.dailyFlagged(incident).forEach((day, n) -> add(daily, day, "flagged", n));
        List<MemberRepository.Flag> page;
        MemberRepository.Flag last = null;
        do {
            page = members.flags(incident, last == null ? null : last.member(), PAGE);
            List<MemberId> ids = page.stream().map(MemberRepository.Flag::member).toList();
            Map<MemberId, List<Dated>> chosen = passwords.chosenAt(ids);
            Map<MemberId, Dated> confirmed = enrolments.confirmedAt(ids);
            for (MemberRepository.Flag flag : page) {
                // A new password after the flag, counted on the day of the first one.
                chosen.getOrDefault(flag.member(), List.of()).stream().filter(d -> d.at().isAfter(flag.at())).findFirst().ifPresent(d -> {
                    counts.merge("passwordReset", 1L, Long::sum);
                    add(daily, d.day(), "passwordReset", 1);
                });
                // A second factor protects the member whenever it was enrolled; the chart shows those enrolled after the flag.
                Dated enrolled = confirmed.get(flag.member());
                if (enrolled != null) {
                    counts.merge("totpEnrolled", 1L, Long::sum);
                    if (enrolled.at() != null && enrolled.at().isAfter(flag.at())) {
                        add(daily, enrolled.day(), "totpEnrolled", 1);
                    }
                }
                last = flag;
            }
        } while (page.size() == PAGE);
        counts.put("signedInSince", timeline.countSignedInSinceFlagged(incident));
        timeline.dailySignedInSinceFlagged(incident).forEach((day, n) -> add(daily, day, "signedInSince", n));
        return new View(incident, members.countFlagged(incident), notices.countDone(incident, "EMAIL"), notices.countDone(incident, "LETTER"),
                counts, members.countAtRisk(incident), checks.countCopied(incident), daily);
    }

    private static void add(Map<LocalDate, Map<String, Long>> daily, LocalDate day, String fact, long n) {
        daily.computeIfAbsent(day, d -> new LinkedHashMap<>()).merge(fact, n, Long::sum);
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
