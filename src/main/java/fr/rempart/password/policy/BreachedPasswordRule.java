package fr.rempart.password.policy;

import fr.rempart.password.corpus.PwnedPasswords;
import org.passay.FailureRuleResult;
import org.passay.PasswordData;
import org.passay.RuleResult;
import org.passay.RuleResultDetail;
import org.passay.SuccessRuleResult;
import org.passay.rule.Rule;

import java.util.Map;

/** Refuses a password whose SHA-1 is in the breached corpus (exact lookup: no false positive). Code {@code BREACHED}. */
public final class BreachedPasswordRule implements Rule {

    public static final String ERROR_CODE = "BREACHED";

    private final PwnedPasswords corpus;

    public BreachedPasswordRule(PwnedPasswords corpus) {
        this.corpus = corpus;
    }

    @Override
    public RuleResult validate(PasswordData data) {
        int seen = corpus.occurrences(data.getPassword().toString());
        return seen == 0 ? new SuccessRuleResult()
                : new FailureRuleResult(new RuleResultDetail(ERROR_CODE, Map.of("count", seen)));
    }
}
