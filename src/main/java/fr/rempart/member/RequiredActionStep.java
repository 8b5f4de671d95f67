package fr.rempart.member;

import fr.rempart.platform.web.ClientInfo;
import jakarta.ws.rs.core.MultivaluedMap;

import java.util.Locale;

/**
 * One required action, completed between the password and a full session. The capability that owns
 * the action (password reset, TOTP enrolment…) implements it as a CDI bean; the sign-in flow finds
 * it by {@link #action()} and serves it at {@code /required-actions/{path}}.
 */
public interface RequiredActionStep {

    RequiredAction action();

    /** The path segment of the step's page. */
    String path();

    /** The step's page (HTML), with the errors of a refused submission, if any. */
    String render(Context context, Submission refused);

    /** Handles the form; answers done, or refused with the errors to show. */
    Submission submit(Context context, MultivaluedMap<String, String> form);

    /** Who is completing the step, in which session, from where, in which language, and the page model every page shares (title, CSRF token…). */
    record Context(Member member, WebSession session, ClientInfo client, Locale locale, java.util.Map<String, Object> page) {
    }

    /**
     * Done; or refused with every error of each field (field → messages); or not done yet with a page
     * to show (a step in several screens, such as recovery codes shown once before going on).
     */
    record Submission(boolean done, java.util.Map<String, java.util.List<String>> errors, String page, boolean secondFactorUsed) {
        public static Submission completed() {
            return new Submission(true, java.util.Map.of(), null, false);
        }

        public static Submission refused(java.util.Map<String, java.util.List<String>> errors) {
            return new Submission(false, errors, null, false);
        }

        public static Submission show(String page) {
            return new Submission(false, java.util.Map.of(), page, false);
        }

        /** A page to show after the member proved a second factor (a code from the authenticator just enrolled). */
        public static Submission verified(String page) {
            return new Submission(false, java.util.Map.of(), page, true);
        }
    }
}
