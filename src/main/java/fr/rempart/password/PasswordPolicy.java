package fr.rempart.password;

import fr.rempart.platform.config.Settings;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;

/**
 * What a new password must satisfy. Lengths are counted in code points after NFKC normalisation,
 * and a password is never truncated: one over the maximum is refused, not cut.
 */
@ApplicationScoped
public class PasswordPolicy {

    /** A broken rule: a stable code (message key {@code password.<code>}) and its parameter. */
    public record Violation(String code, int limit) {
    }

    private int minLength;
    private int maxLength;

    protected PasswordPolicy() {
    }

    @Inject
    public PasswordPolicy(Settings settings) {
        this.minLength = settings.passwordMinLength();
        this.maxLength = settings.passwordMaxLength();
    }

    public List<Violation> check(String password) {
        List<Violation> violations = new ArrayList<>();
        String normalised = Normalizer.normalize(password == null ? "" : password, Normalizer.Form.NFKC);
        int length = normalised.codePointCount(0, normalised.length());
        if (length < minLength) {
            violations.add(new Violation("too-short", minLength));
        }
        if (length > maxLength) {
            violations.add(new Violation("too-long", maxLength));
        }
        if (!normalised.isEmpty() && normalised.strip().isEmpty()) {
            violations.add(new Violation("blank", 0));
        }
        return violations;
    }

    public int minLength() {
        return minLength;
    }

    public int maxLength() {
        return maxLength;
    }
}
