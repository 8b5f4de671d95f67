package fr.rempart.password;

import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.member.RequiredAction;
import fr.rempart.member.SecurityTimeline;
import fr.rempart.platform.web.Messages;
import fr.rempart.platform.web.Pages;
import fr.rempart.signin.RequiredActionStep;
import fr.rempart.signin.SessionStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MultivaluedMap;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The required action {@code UPDATE_PASSWORD}: the member chooses a new password that meets the
 * policy and differs from the current one. Every other session of the member ends with it.
 */
@ApplicationScoped
public class UpdatePasswordStep implements RequiredActionStep {

    @Inject
    PasswordPolicy policy;
    @Inject
    PasswordHasher hasher;
    @Inject
    PasswordCredentials credentials;
    @Inject
    SessionStore sessions;
    @Inject
    AuditTrail audit;
    @Inject
    SecurityTimeline timeline;
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
        Map<String, Object> model = new HashMap<>(context.page());
        model.put("title", Messages.get(context.locale(), "update-password.title"));
        model.put("minLength", policy.minLength());
        model.put("maxLength", policy.maxLength());
        model.put("rules", Messages.get(context.locale(), "update-password.rules", policy.minLength(), policy.maxLength()));
        if (refused != null) {
            model.put("hasErrors", !refused.errors().isEmpty());
            model.put("errors", refused.errors().entrySet().stream().map(e -> Map.of("field", e.getKey(), "message", e.getValue())).toList());
            model.put("newPasswordError", refused.errors().get("newPassword"));
            model.put("confirmPasswordError", refused.errors().get("confirmPassword"));
        }
        return pages.render("update-password", context.locale(), model);
    }

    @Override
    public Submission submit(Context context, MultivaluedMap<String, String> form) {
        String password = form.getFirst("newPassword");
        String confirmation = form.getFirst("confirmPassword");
        Map<String, String> errors = new LinkedHashMap<>();
        if (password == null || password.isEmpty()) {
            errors.put("newPassword", Messages.get(context.locale(), "password.required"));
        } else {
            policy.check(password).stream().findFirst()
                    .ifPresent(v -> errors.put("newPassword", Messages.get(context.locale(), "password." + v.code(), v.limit())));
        }
        if (errors.isEmpty() && !password.equals(confirmation)) {
            errors.put("confirmPassword", Messages.get(context.locale(), "password.confirmation-differs"));
        }
        var current = credentials.hashOf(context.member().id());
        if (errors.isEmpty() && current.isPresent() && hasher.verify(password, current.get()).matches()) {
            errors.put("newPassword", Messages.get(context.locale(), "password.same-as-current"));
        }
        if (!errors.isEmpty()) {
            return Submission.refused(errors);
        }
        credentials.store(context.member().id(), hasher.hash(password));
        sessions.revokeOthers(context.member().id(), context.session());
        String number = context.member().number().value();
        audit.record(Actor.member(number), "password.changed", number, "required action", "ip=" + context.client().address());
        timeline.record(context.member().id(), "password.changed", context.client().address(), null);
        return Submission.completed();
    }
}
