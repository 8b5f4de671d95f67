package fr.rempart.password;

import fr.rempart.member.RequiredAction;
import fr.rempart.member.RequiredActionStep;
import fr.rempart.platform.web.Messages;
import fr.rempart.platform.web.Pages;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MultivaluedMap;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The required action {@code UPDATE_PASSWORD} (set on breached accounts, by the helpdesk, or for an
 * administrator's initial password): the member chooses a new password that passes the whole policy
 * against their own data and differs from the current one. Every failed rule is listed at once.
 */
@ApplicationScoped
public class UpdatePasswordStep implements RequiredActionStep {

    @Inject
    PasswordChanges changes;
    @Inject
    Pages pages;

    @Override
    public RequiredAction action() {
        return RequiredAction.UPDATE_PASSWORD;
    }

    @Override
    public String path() {
        return "update-password";
    }

    @Override
    public String render(Context context, Submission refused) {
        return PasswordPage.render(pages, context.page(), context.locale(), changes.policy().minLength(changes.contextOf(context.member())),
                changes.policy().maxLength(), "/required-actions/update-password", "update-password.title", "update-password.why",
                refused == null ? Map.of() : refused.errors());
    }

    @Override
    public Submission submit(Context context, MultivaluedMap<String, String> form) {
        Map<String, List<String>> errors = PasswordPage.check(changes, context.member(), form, context.locale());
        if (!errors.isEmpty()) {
            return Submission.refused(errors);
        }
        changes.change(context.member(), form.getFirst("newPassword"), context.session(), context.client(), "required action");
        return Submission.completed();
    }

    /** The new-password form shared by the required action, the forgotten-password reset and the staff's first sign-in. */
    public static final class PasswordPage {
        private PasswordPage() {
        }

        static Map<String, List<String>> check(PasswordChanges changes, fr.rempart.member.Member member, MultivaluedMap<String, String> form,
                                               java.util.Locale locale) {
            String password = form.getFirst("newPassword");
            String confirmation = form.getFirst("confirmPassword");
            Map<String, List<String>> errors = new LinkedHashMap<>();
            PasswordPolicy.Verdict verdict = changes.check(member, password, locale);
            if (!verdict.acceptable()) {
                errors.put("newPassword", verdict.violations().stream().map(PasswordPolicy.Violation::message).toList());
            } else if (!password.equals(confirmation)) {
                errors.put("confirmPassword", List.of(Messages.get(locale, "password.confirmation-differs")));
            }
            return errors;
        }

        public static String render(Pages pages, Map<String, Object> page, java.util.Locale locale, int minLength, int maxLength, String action,
                             String titleKey, String whyKey, Map<String, List<String>> errors) {
            Map<String, Object> model = new HashMap<>(page);
            model.put("title", Messages.get(locale, titleKey));
            model.putIfAbsent("askCode", false);
            model.put("why", Messages.get(locale, whyKey));
            model.put("action", action);
            model.put("minLength", minLength);
            model.put("maxLength", maxLength);
            model.put("rules", Messages.get(locale, "update-password.rules", minLength, maxLength));
            List<Map<String, String>> summary = new ArrayList<>();
            errors.forEach((field, messages) -> messages.forEach(m -> summary.add(Map.of("field", field, "message", m))));
            model.put("hasErrors", !summary.isEmpty());
            model.put("errors", summary);
            model.put("newPasswordErrors", errors.getOrDefault("newPassword", List.of()));
            model.put("newPasswordInvalid", errors.containsKey("newPassword"));
            model.put("confirmPasswordErrors", errors.getOrDefault("confirmPassword", List.of()));
            model.put("confirmPasswordInvalid", errors.containsKey("confirmPassword"));
            return pages.render("update-password", locale, model);
        }
    }
}
