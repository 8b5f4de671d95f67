package fr.rempart.member;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a member must do after the password step and before getting a full session,
 * in this order. Each action has a handler in the capability that owns it.
 */
public enum RequiredAction {
    UPDATE_PASSWORD, CONFIGURE_TOTP;

    public static Set<RequiredAction> parse(String stored) {
        if (stored == null || stored.isBlank()) {
            return EnumSet.noneOf(RequiredAction.class);
        }
        return Arrays.stream(stored.split(",")).map(String::trim).filter(s -> !s.isEmpty())
                .map(RequiredAction::valueOf).collect(Collectors.toCollection(() -> EnumSet.noneOf(RequiredAction.class)));
    }

    public static String format(Set<RequiredAction> actions) {
        return actions.stream().map(Enum::name).collect(Collectors.joining(","));
    }
}
