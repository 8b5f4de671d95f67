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

    public Optional<Member> byId(MemberId id) {
        return repository.byId(id);
    }

    public Optional<Member> byNumber(MemberNumber number) {
        return repository.byNumber(number);
    }
}
