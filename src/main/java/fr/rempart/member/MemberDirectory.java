package fr.rempart.member;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.List;
import java.util.Optional;

/** Finds a member by what they type to sign in: an e-mail address, a NIR or a member number. */
@ApplicationScoped
public class MemberDirectory {

    private static final int MAX_IDENTIFIER = 254;

    private MemberRepository repository;
    private NirProtector nirs;

    protected MemberDirectory() {
    }

    @Inject
    public MemberDirectory(MemberRepository repository, NirProtector nirs) {
        this.repository = repository;
        this.nirs = nirs;
    }

    public Optional<Member> findByIdentifier(String identifier) {
        if (identifier == null || identifier.isBlank() || identifier.length() > MAX_IDENTIFIER) {
            return Optional.empty();
        }
        if (identifier.contains("@")) {
            return Email.valid(identifier) ? repository.byEmail(Email.parse(identifier)) : Optional.empty();
        }
        if (Nir.problem(identifier).isEmpty()) {
            // A NIR shared by several members (a child under a parent's number) identifies no one.
            List<Member> matches = repository.byNirIndex(nirs.index(Nir.parse(identifier)));
            return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
        }
        return MemberNumber.valid(identifier) ? repository.byNumber(MemberNumber.parse(identifier)) : Optional.empty();
    }

    /**
     * The helpdesk's search: a member number, an e-mail address, a whole NIR (exact, never a part of
     * one), or a last name with a birth date ("Durand 06/05/1981"). A name alone finds no one: it is
     * what anyone knows. At most 20 members.
     */
    public List<Member> search(String query) {
        if (query == null || query.isBlank() || query.length() > 200) {
            return List.of();
        }
        String q = query.strip();
        if (q.contains("@") || Nir.problem(q).isEmpty() || MemberNumber.valid(q)) {
            if (Nir.problem(q).isEmpty()) {
                return repository.byNirIndex(nirs.index(Nir.parse(q)));
            }
            return findByIdentifier(q).map(List::of).orElse(List.of());
        }
        java.util.List<String> words = new java.util.ArrayList<>(java.util.Arrays.asList(q.split("\\s+")));
        Optional<java.time.LocalDate> born = words.stream().map(BirthDates::parse).flatMap(Optional::stream).findFirst();
        if (born.isEmpty()) {
            return List.of();
        }
        words.removeIf(w -> BirthDates.parse(w).isPresent());
        if (words.isEmpty()) {
            return List.of();
        }
        // The whole name ("Le Gall"), or any one word of it ("Durand Claire").
        java.util.Set<String> keys = new java.util.LinkedHashSet<>();
        keys.add(PersonName.matchKey(String.join(" ", words)));
        words.forEach(w -> keys.add(PersonName.matchKey(w)));
        return repository.byNameAndBirthDate(keys, born.get());
    }

    public Optional<Member> byId(MemberId id) {
        return repository.byId(id);
    }

    public Optional<Member> byNumber(MemberNumber number) {
        return repository.byNumber(number);
    }
}
