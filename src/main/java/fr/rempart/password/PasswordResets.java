package fr.rempart.password;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.Email;
import fr.rempart.member.Member;
import fr.rempart.member.MemberDirectory;
import fr.rempart.member.MemberService;
import fr.rempart.member.RequiredAction;
import fr.rempart.notify.Notices;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.Secrets;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

/**
 * Forgotten password: a one-time link to the e-mail address on file — a random 128-bit token, kept
 * only as its SHA-256, valid {@code rempart.password.reset-lifetime} (30 minutes), used once. It
 * never relies on the NIR, the birth date or any other leaked fact, and the request's answer is the
 * same whether or not an account matches.
 */
@ApplicationScoped
public class PasswordResets {


    @Inject
    Clock clock;
    @Inject
    Jdbc jdbc;
    @Inject
    MemberDirectory members;
    @Inject
    MemberService memberService;
    @Inject
    Notices notices;
    @Inject
    AuditTrail audit;
    @Inject
    Settings settings;

    /** Sends a link if the address belongs to a member; says nothing either way. */
    public void request(String email) {
        if (email == null || !Email.valid(email)) {
            return;
        }
        members.findByIdentifier(email.strip()).ifPresent(member -> {
            String token = Secrets.token(16);
            Instant now = clock.instant();
            jdbc.transaction(c -> {
                Jdbc.execute(c, "insert into password_reset (token_hash, member_id, created_at, expires_at) values (?, ?, ?, ?)",
                        Secrets.sha256Hex(token), member.id().value(), now, now.plus(settings.passwordResetLifetime()));
                notices.passwordResetLink(member, settings.publicUrl() + "/password/reset?token=" + token,
                        settings.passwordResetLifetime().toMinutes());
                audit.record(Actor.SYSTEM, "password.reset-requested", member.number().value(), null, null);
                return null;
            });
        });
    }

    /** The member a valid (unexpired, unused) token belongs to. */
    public Optional<Member> holder(String token) {
        if (token == null || token.length() != 22) {
            return Optional.empty();
        }
        return jdbc.one("select member_id from password_reset where token_hash = ? and used_at is null and expires_at > ?",
                r -> r.getObject(1, UUID.class), Secrets.sha256Hex(token), clock.instant())
                .flatMap(id -> members.byId(new fr.rempart.member.MemberId(id)));
    }

    /**
     * Uses the token once (the first of two concurrent uses wins) and clears a pending forced
     * change: the new password has passed the policy. False when the token is no longer valid.
     */
    public boolean consume(String token, Member member) {
        boolean used = jdbc.update("update password_reset set used_at = ? where token_hash = ? and used_at is null and expires_at > ?",
                clock.instant(), Secrets.sha256Hex(token), clock.instant()) == 1;
        if (used) {
            // Any other link still pending for the member dies with this one.
            jdbc.update("update password_reset set used_at = ? where member_id = ? and used_at is null", clock.instant(), member.id().value());
        }
        if (used && member.requiredActions().contains(RequiredAction.UPDATE_PASSWORD)) {
            memberService.completeRequiredAction(member.id(), RequiredAction.UPDATE_PASSWORD, Actor.member(member.number().value()));
        }
        return used;
    }
}
