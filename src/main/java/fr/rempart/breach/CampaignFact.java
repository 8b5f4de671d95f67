package fr.rempart.breach;

import fr.rempart.platform.db.Jdbc;

import java.time.LocalDate;
import java.util.Map;
import java.util.TreeMap;

/**
 * One thing the campaign view counts among the members an incident flagged, measured by the
 * capability that owns it (password, second factor, sign-in): how many have done it since they were
 * flagged, and how many each day (for the chart).
 */
public interface CampaignFact {

    /** A stable name: {@code passwordReset}, {@code totpEnrolled}, {@code signedInSince}. */
    String name();

    long count(String incident);

    Map<LocalDate, Long> daily(String incident);

    /** Reads "day, count" rows into a date-ordered series. */
    static Map<LocalDate, Long> daily(Jdbc jdbc, String sql, Object... parameters) {
        Map<LocalDate, Long> days = new TreeMap<>();
        jdbc.list(sql, r -> Map.entry(r.getDate(1).toLocalDate(), r.getLong(2)), parameters).forEach(e -> days.put(e.getKey(), e.getValue()));
        return days;
    }
}
