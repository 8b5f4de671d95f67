package fr.rempart.breach;

import fr.rempart.platform.validation.ValidPastDate;
import jakarta.validation.Valid;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;

import java.time.LocalDate;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;

/** An incident as the admin API receives it, validated before anything is written. */
public record IncidentForm(
        @NotBlank @Size(max = 200) String title,
        @NotBlank @Size(max = 200) String source,
        @NotBlank @Size(max = 10) @ValidPastDate String occurredFrom,
        @Size(max = 10) @ValidPastDate String occurredTo,
        @NotBlank @Size(max = 10) @ValidPastDate String discoveredOn,
        @NotEmpty @Size(max = 7) List<String> leaked,
        @Size(max = 7) List<String> notLeaked,
        @Valid PolicyForm policy) {

    public record PolicyForm(Boolean updatePassword, Boolean configureTotp, Boolean revokeSessions) {
    }

    @AssertTrue(message = "{rempart.incident.categories}")
    public boolean isCategoriesKnownAndDisjoint() {
        Optional<EnumSet<Incident.DataCategory>> leakedSet = categories(leaked);
        Optional<EnumSet<Incident.DataCategory>> notSet = categories(notLeaked);
        if (leakedSet.isEmpty() || notSet.isEmpty()) {
            return leaked == null; // @NotEmpty reports a missing list
        }
        EnumSet<Incident.DataCategory> both = EnumSet.copyOf(leakedSet.get());
        both.retainAll(notSet.get());
        return both.isEmpty();
    }

    @AssertTrue(message = "{rempart.incident.dates}")
    public boolean isDatesInOrder() {
        Optional<LocalDate> from = fr.rempart.member.BirthDates.parse(occurredFrom);
        Optional<LocalDate> to = fr.rempart.member.BirthDates.parse(occurredTo);
        Optional<LocalDate> discovered = fr.rempart.member.BirthDates.parse(discoveredOn);
        if (from.isEmpty() || discovered.isEmpty()) {
            return true; // the fields' own constraints report these
        }
        return !from.get().isAfter(discovered.get()) && to.map(t -> !t.isBefore(from.get())).orElse(true);
    }

    static Optional<EnumSet<Incident.DataCategory>> categories(List<String> names) {
        EnumSet<Incident.DataCategory> set = EnumSet.noneOf(Incident.DataCategory.class);
        if (names == null) {
            return Optional.of(set);
        }
        for (String name : names) {
            try {
                set.add(Incident.DataCategory.valueOf(name.strip().toUpperCase(java.util.Locale.ROOT)));
            } catch (IllegalArgumentException e) {
                return Optional.empty();
            }
        }
        return Optional.of(set);
    }
}
