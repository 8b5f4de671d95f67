package fr.rempart.password.policy;

import me.gosimple.nbvcxz.Nbvcxz;
import me.gosimple.nbvcxz.resources.ConfigurationBuilder;
import org.passay.FailureRuleResult;
import org.passay.PasswordData;
import org.passay.RuleResult;
import org.passay.RuleResultDetail;
import org.passay.SuccessRuleResult;
import org.passay.rule.Rule;

import java.util.Locale;
import java.util.Map;

/**
 * Estimates how many guesses an attacker needs (nbvcxz, zxcvbn's method: dictionaries, keyboard
 * patterns, dates, repeats…) and refuses a password under the floor. Code {@code TOO_GUESSABLE}.
 * The estimate is bounded in cost: runs of one character are shortened and the search for the
 * best combination stops after a few milliseconds, so no input makes it slow.
 */
public final class GuessabilityRule implements Rule {

    public static final String ERROR_CODE = "TOO_GUESSABLE";
    private static final int MAX_ESTIMATED = 64;
    private static final Nbvcxz ESTIMATOR = new Nbvcxz(new ConfigurationBuilder().setLocale(Locale.FRENCH).setDistanceCalc(false)
            .setCombinationAlgorithmTimeout(20L).createConfiguration());

    private final double floorLog10;
    private final double estimateLog10;

    /** With the estimate already made (it is also shown to the member). */
    public GuessabilityRule(double floorLog10, double estimateLog10) {
        this.floorLog10 = floorLog10;
        this.estimateLog10 = estimateLog10;
    }

    /** log10 of the estimated number of guesses. */
    public static double guessesLog10(String password) {
        if (password.isEmpty()) {
            return 0;
        }
        String bounded = password.replaceAll("(.)\\1{3,}", "$1$1$1");
        if (bounded.length() > MAX_ESTIMATED) {
            bounded = bounded.substring(0, MAX_ESTIMATED);
        }
        return ESTIMATOR.estimate(bounded).getEntropy() * Math.log10(2);
    }

    @Override
    public RuleResult validate(PasswordData data) {
        double log10 = estimateLog10;
        return log10 >= floorLog10 ? new SuccessRuleResult()
                : new FailureRuleResult(new RuleResultDetail(ERROR_CODE, Map.of("guessesLog10", Math.round(log10 * 10) / 10.0, "floor", floorLog10)));
    }
}
