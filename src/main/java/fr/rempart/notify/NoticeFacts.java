package fr.rempart.notify;

import java.time.LocalDate;
import java.util.Locale;
import java.util.Optional;

/**
 * What a breach notice tells about its incident, in the reader's language. The {@code breach}
 * capability, which owns incidents, implements it; notices are rendered long after they were queued.
 */
public interface NoticeFacts {

    record Breach(String source, LocalDate discoveredOn, String leaked, String notLeaked) {
    }

    Optional<Breach> breach(String incident, Locale locale);
}
