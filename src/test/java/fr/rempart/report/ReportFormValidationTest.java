package fr.rempart.report;

import fr.rempart.platform.validation.FieldError;
import fr.rempart.platform.validation.FormValidator;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ReportFormValidationTest {

    private static final FormValidator VALIDATOR = new FormValidator();
    private static final Class<?>[] ALL = ReportForm.Step.all(false);

    /** A phishing SMS claiming to come from the Assurance Maladie, after which the member gave a code and lost money. */
    static Map<String, Object> valid() {
        Map<String, Object> form = new HashMap<>();
        form.put("kinds", List.of("SUSPICIOUS_MESSAGE", "GAVE_INFORMATION", "MONEY_TAKEN"));
        form.put("channel", "SMS");
        form.put("claimedSender", "ASSURANCE_MALADIE");
        form.put("occurredOn", "2026-01-12");
        form.put("senderNumber", "+33 6 12 34 56 78");
        form.put("linkOrNumber", "https://ameli-remboursement.example/carte?id=42");
        form.put("messageText", "Votre carte Vitale expire, mettez-la à jour.");
        form.put("informationGiven", List.of("SECOND_FACTOR_CODE", "BANK_DETAILS"));
        form.put("amount", "350,50");
        form.put("paymentMethod", "virement");
        form.put("lastName", "Lefèvre");
        form.put("firstName", "Marie");
        form.put("birthDate", "12/05/1984");
        form.put("contactEmail", "marie.lefevre@exemple.fr");
        form.put("phone", "06 12 34 56 78");
        form.put("postcode", "75002");
        form.put("submissionKey", "k-0123456789abcdef");
        return form;
    }

    static ReportForm build(Map<String, Object> values) {
        RecordComponent[] components = ReportForm.class.getRecordComponents();
        assertThat(Arrays.stream(components).map(RecordComponent::getName)).containsAll(values.keySet());
        Object[] arguments = Arrays.stream(components).map(c -> values.get(c.getName())).toArray();
        try {
            return (ReportForm) ReportForm.class.getDeclaredConstructors()[0].newInstance(arguments);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ReportForm with(String field, Object value) {
        Map<String, Object> form = valid();
        form.put(field, value);
        return build(form);
    }

    private static List<FieldError> errors(ReportForm form, Class<?>... groups) {
        return VALIDATOR.violations(form, Locale.FRENCH, groups);
    }

    private static List<String> fields(ReportForm form, Class<?>... groups) {
        return errors(form, groups).stream().map(FieldError::field).toList();
    }

    @Test
    void aCompleteReportIsValidInEveryGroup() {
        assertThat(errors(build(valid()), ALL)).isEmpty();
    }

    @Test
    void anSmsOrACallNeedsTheSenderNumberNamedOnThatField() {
        for (String channel : List.of("SMS", "CALL", "sms")) {
            Map<String, Object> form = valid();
            form.put("channel", channel);
            form.remove("senderNumber");
            List<FieldError> errors = errors(build(form), ALL);
            assertThat(errors).extracting(FieldError::field).containsExactly("senderNumber");
            assertThat(errors.get(0).message()).isEqualTo("Indiquez le numéro d'où venait le SMS ou l'appel.");
        }
        assertThat(fields(with("channel", "LETTER"), ALL)).isEmpty();
    }

    @Test
    void anEmailNeedsTheSenderAddress() {
        assertThat(fields(with("channel", "EMAIL"), ALL)).containsExactly("senderAddress");
        Map<String, Object> form = valid();
        form.put("channel", "EMAIL");
        form.put("senderAddress", "securite@ameli-remboursement.example");
        assertThat(fields(build(form), ALL)).isEmpty();
        assertThat(fields(with("senderAddress", "not an address"), ALL)).containsExactly("senderAddress");
    }

    @Test
    void moneyTakenNeedsAnAmountAboveZero() {
        assertThat(fields(with("amount", null), ALL)).containsExactly("amount");
        assertThat(fields(with("amount", "0"), ALL)).containsExactly("amount");
        assertThat(fields(with("amount", "0,00"), ALL)).containsExactly("amount");
        List<FieldError> malformed = errors(with("amount", "12.345"), ALL);
        assertThat(malformed).extracting(FieldError::field).containsExactly("amount");
        assertThat(malformed.get(0).message()).contains("150,50");
        assertThat(build(valid()).amountInCents()).contains(35050L);
        Map<String, Object> noMoney = valid();
        noMoney.put("kinds", List.of("SUSPICIOUS_MESSAGE", "GAVE_INFORMATION"));
        noMoney.remove("amount");
        assertThat(fields(build(noMoney), ALL)).isEmpty();
    }

    @Test
    void informationGivenAndIdentityUsedSayWhichAndWhere() {
        assertThat(fields(with("informationGiven", List.of()), ALL)).containsExactly("informationGiven");
        assertThat(fields(with("kinds", List.of("IDENTITY_USED")), ALL)).containsExactly("organisation");
        assertThat(fields(with("informationGiven", List.of("PASSWORD", "MOTHERS_MAIDEN_NAME")), ALL)).containsExactly("informationGiven[1].<list element>");
    }

    @Test
    void someoneNotSignedInMustGiveAnEmailSomeoneSignedInNeedNot() {
        ReportForm noEmail = with("contactEmail", null);
        assertThat(fields(noEmail, ReportForm.Step.all(false))).containsExactly("contactEmail");
        assertThat(fields(noEmail, ReportForm.Step.all(true))).isEmpty();
    }

    @Test
    void eachStepIsValidatedAlone() {
        Map<String, Object> form = new HashMap<>();
        form.put("kinds", List.of("MONEY_TAKEN", "TELEPATHY"));
        form.put("channel", "PIGEON");
        form.put("occurredOn", "2999-01-01");
        form.put("senderNumber", "call me");
        form.put("lastName", "<b>");
        ReportForm bad = build(form);
        assertThat(fields(bad, ReportForm.Step.What.class))
                .containsExactlyInAnyOrder("kinds[1].<list element>", "channel", "claimedSender", "occurredOn");
        assertThat(fields(bad, ReportForm.Step.Details.class)).containsExactlyInAnyOrder("senderNumber", "amount");
        assertThat(fields(bad, ReportForm.Step.Identity.class)).containsExactlyInAnyOrder("lastName", "firstName", "birthDate");
        assertThat(fields(bad, ReportForm.Step.Anonymous.class)).containsExactly("contactEmail");
    }

    @Test
    void anUnknownValueListsTheAllowedOnesInTheUsersLanguage() {
        ReportForm form = with("channel", "PIGEON");
        assertThat(VALIDATOR.violations(form, Locale.FRENCH, ALL).get(0).message())
                .isEqualTo("Valeur inconnue : choisissez parmi EMAIL, SMS, CALL, LETTER, HOME_VISIT.");
        assertThat(VALIDATOR.violations(form, Locale.ENGLISH, ALL).get(0).message())
                .isEqualTo("Unknown value: choose among EMAIL, SMS, CALL, LETTER, HOME_VISIT.");
    }

    @Test
    void aDateInTheFutureIsRefused() {
        assertThat(fields(with("occurredOn", java.time.LocalDate.now().plusDays(1).toString()), ALL)).containsExactly("occurredOn");
        assertThat(fields(with("occurredOn", java.time.LocalDate.now().toString()), ALL)).isEmpty();
    }

    @Test
    void htmlInATextFieldIsTextButOverLongTextIsRefused() {
        String html = "<script>alert('x')</script><a href=\"javascript:evil()\">ameli</a>";
        for (String field : List.of("linkOrNumber", "messageText", "organisation", "identityUse", "paymentMethod")) {
            assertThat(fields(with(field, html), ALL)).as(field).isEmpty();
        }
        assertThat(fields(with("messageText", "x".repeat(5000)), ALL)).isEmpty();
        assertThat(fields(with("messageText", "x".repeat(5001)), ALL)).containsExactly("messageText");
        assertThat(fields(with("linkOrNumber", "x".repeat(2001)), ALL)).containsExactly("linkOrNumber");
        assertThat(fields(with("organisation", "x".repeat(201)), ALL)).containsExactly("organisation");
        assertThat(fields(with("lastName", html), ALL)).containsExactly("lastName"); // a name has its own format
    }

    @Test
    void theVictimsContactIsChecked() {
        assertThat(fields(with("phone", "12"), ALL)).containsExactly("phone");
        assertThat(fields(with("postcode", "7500"), ALL)).containsExactly("postcode");
        assertThat(fields(with("birthDate", "31/02/1984"), ALL)).containsExactly("birthDate");
        assertThat(fields(with("submissionKey", "short"), ALL)).containsExactly("submissionKey");
        assertThat(fields(with("kinds", List.of("SUSPICIOUS_MESSAGE", "GAVE_INFORMATION", "MONEY_TAKEN", "IDENTITY_USED", "MONEY_TAKEN")), ALL))
                .contains("kinds");
    }
}
