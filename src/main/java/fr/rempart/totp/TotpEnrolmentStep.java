package fr.rempart.totp;

import fr.rempart.member.Member;
import fr.rempart.member.RequiredAction;
import fr.rempart.member.RequiredActionStep;
import fr.rempart.member.WebSession;
import fr.rempart.platform.web.Messages;
import fr.rempart.platform.web.Pages;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.MultivaluedMap;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The required action {@code CONFIGURE_TOTP}: scan the QR code (or type the key), confirm with a
 * first code, then keep the recovery codes, shown this once, before going on.
 */
@ApplicationScoped
public class TotpEnrolmentStep implements RequiredActionStep {

    @Inject
    TotpService totp;
    @Inject
    Pages pages;

    @Override
    public RequiredAction action() {
        return RequiredAction.CONFIGURE_TOTP;
    }

    @Override
    public String path() {
        return "configure-totp";
    }

    @Override
    public String render(Context context, Submission refused) {
        if (totp.enrolled(context.member().id())) {
            return codesPage(context.page(), context.locale(), null, "/required-actions/configure-totp");
        }
        return enrolmentPage(pages, totp, context.member(), context.session(), context.page(), context.locale(), "/required-actions/configure-totp",
                refused == null ? null : refused.errors().getOrDefault("code", List.of()).stream().findFirst().orElse(null));
    }

    @Override
    public Submission submit(Context context, MultivaluedMap<String, String> form) {
        if (totp.enrolled(context.member().id())) {
            // The recovery codes were shown; "continue" completes the action.
            return form.containsKey("acknowledged") ? Submission.completed()
                    : Submission.show(codesPage(context.page(), context.locale(), null, "/required-actions/configure-totp"));
        }
        var codes = totp.confirm(context.member(), context.session(), form.getFirst("code"), context.client());
        if (codes.isEmpty()) {
            return Submission.refused(Map.of("code", List.of(Messages.get(context.locale(), "totp.enrol.invalid-code"))));
        }
        return Submission.verified(codesPage(context.page(), context.locale(), codes.get(), "/required-actions/configure-totp"));
    }

    private String codesPage(Map<String, Object> page, Locale locale, List<String> codes, String action) {
        return recoveryCodesPage(pages, page, locale, codes, action);
    }

    static String enrolmentPage(Pages pages, TotpService totp, Member member, WebSession session, Map<String, Object> page,
                                Locale locale, String action, String error) {
        TotpService.Enrolment enrolment = totp.enrolment(member, session);
        Map<String, Object> model = new HashMap<>(page);
        model.put("title", Messages.get(locale, "totp.enrol.title"));
        model.put("qr", enrolment.qrDataUri());
        model.put("key", enrolment.groupedKey());
        model.put("uri", enrolment.uri());
        model.put("action", action);
        model.put("error", error);
        return pages.render("totp-enrol", locale, model);
    }

    /** The recovery codes, shown once (with a text file to download), or, on reload, a note that they were shown. */
    static String recoveryCodesPage(Pages pages, Map<String, Object> page, Locale locale, List<String> codes, String action) {
        Map<String, Object> model = new HashMap<>(page);
        model.put("title", Messages.get(locale, "totp.codes.title"));
        model.put("action", action);
        if (codes != null) {
            model.put("codes", codes);
            String text = Messages.get(locale, "totp.codes.file-header") + "\n\n" + String.join("\n", codes) + "\n";
            model.put("download", "data:text/plain;charset=utf-8," + URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return pages.render("recovery-codes", locale, model);
    }
}
