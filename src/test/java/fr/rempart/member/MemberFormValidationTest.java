package fr.rempart.member;

import com.password4j.BcryptFunction;
import com.password4j.types.Bcrypt;
import fr.rempart.platform.validation.FieldError;
import fr.rempart.platform.validation.FormValidator;
import fr.rempart.platform.validation.InvalidInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

class MemberFormValidationTest {

    private static final FormValidator VALIDATOR = new FormValidator();
    private static final String BCRYPT = BcryptFunction.getInstance(Bcrypt.B, 4).hash("pw").getResult();

    /** A consistent identity: a woman born in May 1984, NIR 2 84 05 …. */
    private static Map<String, Object> valid() {
        Map<String, Object> address = new HashMap<>(Map.of(
                "line1", "12 rue de la Paix", "postcode", "75002", "city", "Paris", "country", "FR"));
        Map<String, Object> form = new HashMap<>(Map.of(
                "memberNumber", "AB123456",
                "nir", "2 84 05 88 321 025 32",
                "lastName", "Lefèvre-Dupont",
                "firstName", "Marie",
                "birthDate", "1984-05-12",
                "sex", "F",
                "email", "marie.lefevre@exemple.fr",
                "phone", "06 12 34 56 78",
                "language", "fr"));
        form.put("address", address);
        return form;
    }

    /**
     * Builds the record from named values, leaving every other component null: the tests name the
     * fields they care about and keep compiling when the form gains a component.
     */
    @SuppressWarnings("unchecked")
    static <R extends Record> R build(Class<R> type, Map<String, Object> values) {
        RecordComponent[] components = type.getRecordComponents();
        assertThat(Arrays.stream(components).map(RecordComponent::getName)).containsAll(values.keySet());
        Object[] arguments = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            Object value = values.get(components[i].getName());
            if (value instanceof Map<?, ?> nested && components[i].getType().isRecord()) {
                value = build((Class<? extends Record>) components[i].getType(), (Map<String, Object>) nested);
            }
            arguments[i] = value;
        }
        try {
            return type.getDeclaredConstructor(Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new))
                    .newInstance(arguments);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    private static MemberForm form(Map<String, Object> values) {
        return build(MemberForm.class, values);
    }

    /** The valid form with one field changed; {@code address.x} changes a field of the address. */
    private static MemberForm with(String field, Object value) {
        Map<String, Object> values = valid();
        if (field.startsWith("address.")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> address = (Map<String, Object>) values.get("address");
            address.put(field.substring("address.".length()), value);
        } else {
            values.put(field, value);
        }
        return form(values);
    }

    private static List<FieldError> errors(MemberForm form, Locale locale) {
        return VALIDATOR.violations(form, locale);
    }

    private static List<FieldError> errors(MemberForm form) {
        return errors(form, Locale.ENGLISH);
    }

    @Test
    void validFormHasNoViolations() {
        assertThat(errors(form(valid()), Locale.FRENCH)).isEmpty();
        assertThat(errors(form(valid()), Locale.ENGLISH)).isEmpty();
    }

    @Test
    void optionalFieldsMayBeLeftOut() {
        Map<String, Object> values = valid();
        values.keySet().removeAll(List.of("email", "phone", "address", "language"));
        assertThat(errors(form(values))).isEmpty();
    }

    @Test
    void frenchDateTemporaryNirAndForeignAddressAreValidToo() {
        Map<String, Object> values = valid();
        values.put("birthDate", "12/05/1984");
        values.put("nir", "484058832102529"); // temporary number, key recomputed
        values.put("sex", "2");
        values.put("address", new HashMap<>(Map.of("line1", "1 Main Street", "postcode", "SW1A 1AA", "city", "London", "country", "GB")));
        assertThat(errors(form(values))).isEmpty();
    }

    @ParameterizedTest(name = "{0} = \"{1}\" → {2}")
    @CsvSource(delimiter = '|', value = {
            "memberNumber     | AB12                | ValidMemberNumber",
            "memberNumber     | AB-123456           | ValidMemberNumber",
            "memberNumber     | ''                  | NotBlank",
            "nir              | 255081416802500     | ValidNir",
            "nir              | 884058832102523     | ValidNir",
            "nir              | ''                  | NotBlank",
            "lastName         | Dupont2             | ValidPersonName",
            "lastName         | '   '               | NotBlank",
            "firstName        | Marie-3             | ValidPersonName",
            "birthDate        | 31/02/1984          | ValidBirthDate",
            "birthDate        | 1984-05-12T00:00    | Size",
            "sex              | X                   | ValidSex",
            "email            | marie@              | ValidEmail",
            "phone            | 06123               | ValidPhone",
            "language         | de                  | Pattern",
            "passwordHash     | plain-text-password | ValidPasswordHash",
            "address.postcode | ABCDE               | AssertTrue",
            "address.postcode | 00100               | AssertTrue",
            "address.line1    | ''                  | NotBlank",
            "address.city     | ''                  | NotBlank",
            "address.country  | fr                  | Pattern",
    })
    void badFieldIsReportedOnThatFieldWithTheConstraintName(String field, String value, String code) {
        List<FieldError> errors = errors(with(field, value));
        assertThat(errors).extracting(FieldError::field, FieldError::code).contains(tuple(field, code));
        assertThat(errors).extracting(FieldError::field).containsOnly(field);
        assertThat(errors).allSatisfy(e -> assertThat(e.message()).isNotBlank().doesNotContain("{"));
    }

    @Test
    void missingRequiredFieldsAreEachReported() {
        List<FieldError> errors = errors(form(Map.of()));
        assertThat(errors).extracting(FieldError::field, FieldError::code).contains(
                tuple("memberNumber", "NotBlank"), tuple("nir", "NotBlank"), tuple("lastName", "NotBlank"),
                tuple("firstName", "NotBlank"), tuple("birthDate", "NotBlank"), tuple("sex", "NotBlank"));
    }

    @Test
    void tooLongNameIsReportedWithItsLimit() {
        List<FieldError> errors = errors(with("lastName", "a".repeat(101)));
        assertThat(errors).extracting(FieldError::field, FieldError::code)
                .contains(tuple("lastName", "Size"), tuple("lastName", "ValidPersonName"));
        assertThat(errors).filteredOn(e -> e.code().equals("Size")).singleElement()
                .extracting(FieldError::message).asString().contains("0").contains("100");
    }

    @Test
    void nirKeyErrorSaysSoAndDiffersFromTheFormatError() {
        FieldError key = errors(with("nir", "255081416802500")).get(0);
        FieldError format = errors(with("nir", "884058832102523")).get(0);
        assertThat(key.code()).isEqualTo(format.code()).isEqualTo("ValidNir");
        assertThat(key.message()).isNotEqualTo(format.message()).containsIgnoringCase("key");
        assertThat(errors(with("nir", "255081416802500"), Locale.FRENCH).get(0).message()).contains("clé");
    }

    @Test
    void nirErrorMessageDoesNotEchoTheNumber() {
        assertThat(errors(with("nir", "255081416802500")))
                .allSatisfy(e -> assertThat(e.message()).doesNotContain("255081416802500").doesNotContain("2550814"));
    }

    @Test
    void futureBirthDateIsRefusedWithItsOwnMessage() {
        // 2084-05-12 agrees with the NIR (year 84, month 05): only the date itself is wrong.
        List<FieldError> errors = errors(with("birthDate", "2084-05-12"));
        assertThat(errors).extracting(FieldError::field, FieldError::code).containsExactly(tuple("birthDate", "ValidBirthDate"));
        String formatMessage = errors(with("birthDate", "31/02/1984")).get(0).message();
        assertThat(errors.get(0).message()).isNotEqualTo(formatMessage).containsIgnoringCase("future");
        assertThat(errors(with("birthDate", "2084-05-12"), Locale.FRENCH).get(0).message()).contains("futur");
    }

    @Test
    void birthDateBefore1900IsRefusedWithItsOwnMessage() {
        List<FieldError> errors = errors(with("birthDate", "1884-05-12"));
        assertThat(errors).extracting(FieldError::field, FieldError::code).containsExactly(tuple("birthDate", "ValidBirthDate"));
        assertThat(errors.get(0).message()).contains("1900");
    }

    @Test
    void nirOfAWomanWithSexMIsInconsistent() {
        List<FieldError> errors = errors(with("sex", "M"));
        assertThat(errors).extracting(FieldError::field, FieldError::code).containsExactly(tuple("nir", "ConsistentIdentity"));
        assertThat(errors.get(0).message()).containsIgnoringCase("does not match");
    }

    @Test
    void nirWithAnotherBirthYearIsInconsistent() {
        assertThat(errors(with("birthDate", "1985-05-12"))).extracting(FieldError::field, FieldError::code)
                .containsExactly(tuple("nir", "ConsistentIdentity"));
    }

    @Test
    void nirWithAnotherBirthMonthIsInconsistent() {
        assertThat(errors(with("birthDate", "12/06/1984"))).extracting(FieldError::field, FieldError::code)
                .containsExactly(tuple("nir", "ConsistentIdentity"));
    }

    @Test
    void nirFromAnIncompleteRecordAgreesWithAnyMonth() {
        Map<String, Object> values = valid();
        values.put("nir", "284508832102573"); // month 50, key recomputed
        values.put("birthDate", "1984-11-30");
        assertThat(errors(form(values))).isEmpty();
    }

    @Test
    void inconsistencyIsNotReportedOnTopOfAnInvalidNir() {
        Map<String, Object> values = valid();
        values.put("nir", "255081416802500");
        values.put("sex", "F");
        assertThat(errors(form(values))).extracting(FieldError::code).containsExactly("ValidNir");
    }

    @Test
    void messagesFollowTheRequestedLocaleNotTheJvmDefault() {
        MemberForm bad = with("nir", "884058832102523");
        assertThat(errors(bad, Locale.FRENCH).get(0).message()).contains("invalide").doesNotContain("Invalid");
        assertThat(errors(bad, Locale.ENGLISH).get(0).message()).contains("Invalid").doesNotContain("invalide");
        assertThat(errors(with("memberNumber", ""), Locale.FRENCH)).extracting(FieldError::message).contains("Ce champ est obligatoire.");
        assertThat(errors(with("memberNumber", ""), Locale.ENGLISH)).extracting(FieldError::message).contains("This field is required.");
        assertThat(errors(with("sex", "M"), Locale.FRENCH).get(0).message()).contains("ne correspond pas");
    }

    @Test
    void frenchIsUsedWhateverTheJvmLocale() {
        Locale previous = Locale.getDefault();
        try {
            Locale.setDefault(Locale.ENGLISH);
            assertThat(errors(with("email", "marie@"), Locale.FRENCH).get(0).message()).isEqualTo("Adresse électronique invalide.");
            Locale.setDefault(Locale.FRENCH);
            assertThat(errors(with("email", "marie@"), Locale.ENGLISH).get(0).message()).isEqualTo("Invalid e-mail address.");
        } finally {
            Locale.setDefault(previous);
        }
    }

    @Test
    void initialPasswordAndImportedHashTogetherAreRefused() {
        Map<String, Object> values = valid();
        values.put("password", "correct horse battery staple");
        values.put("passwordHash", BCRYPT);
        List<FieldError> errors = errors(form(values));
        assertThat(errors).extracting(FieldError::field, FieldError::code).containsExactly(tuple("passwordHash", "AssertTrue"));
        assertThat(errors.get(0).message()).contains("not both");
        assertThat(errors(form(values), Locale.FRENCH).get(0).message()).contains("pas les deux");
    }

    @Test
    void initialPasswordOrImportedHashAloneIsAccepted() {
        assertThat(errors(with("password", "correct horse battery staple"))).isEmpty();
        assertThat(errors(with("passwordHash", BCRYPT))).isEmpty();
    }

    @Test
    void severalBadFieldsAreAllReportedSortedByField() {
        Map<String, Object> values = valid();
        values.put("phone", "06123");
        values.put("email", "marie@");
        values.put("memberNumber", "AB12");
        List<FieldError> errors = errors(form(values));
        assertThat(errors).extracting(FieldError::field).containsExactly("email", "memberNumber", "phone");
    }

    @Test
    void checkThrowsWithAllTheErrors() {
        MemberForm bad = with("sex", "X");
        assertThatThrownBy(() -> VALIDATOR.check(bad, Locale.ENGLISH))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .extracting(FieldError::field, FieldError::code).containsExactly(tuple("sex", "ValidSex")));
        MemberForm good = form(valid());
        assertThat(VALIDATOR.check(good, Locale.ENGLISH)).isSameAs(good);
    }
}
