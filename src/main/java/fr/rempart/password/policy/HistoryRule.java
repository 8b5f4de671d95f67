package fr.rempart.password.policy;

import org.passay.FailureRuleResult;
import org.passay.PasswordData;
import org.passay.RuleResult;
import org.passay.RuleResultDetail;
import org.passay.SuccessRuleResult;
import org.passay.rule.Rule;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Refuses one of the member's last passwords. History entries are keyed MACs (HMAC-SHA256 under a
 * data key sealed by the master key), not password hashes: the check stays fast, and a stolen table
 * is useless without the key. Code {@code HISTORY_VIOLATION}. (Passay 2.0 dropped its digest rules.)
 */
public final class HistoryRule implements Rule {

    public static final String ERROR_CODE = "HISTORY_VIOLATION";

    private final List<String> macs;
    private final Function<String, String> mac;

    public HistoryRule(List<String> macs, Function<String, String> mac) {
        this.macs = macs;
        this.mac = mac;
    }

    @Override
    public RuleResult validate(PasswordData data) {
        if (macs.isEmpty()) {
            return new SuccessRuleResult();
        }
        byte[] candidate = mac.apply(data.getPassword().toString()).getBytes(StandardCharsets.US_ASCII);
        boolean used = false;
        for (String previous : macs) {
            used |= MessageDigest.isEqual(candidate, previous.getBytes(StandardCharsets.US_ASCII));
        }
        return used ? new FailureRuleResult(new RuleResultDetail(ERROR_CODE, Map.of("count", macs.size()))) : new SuccessRuleResult();
    }
}
