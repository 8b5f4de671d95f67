package fr.rempart.platform.web;

import fr.rempart.member.MemberForm;
import fr.rempart.platform.validation.FieldError;
import fr.rempart.platform.validation.InvalidInputException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

class JsonBinderTest {

    /** A form with every supported component type. */
    public record Sample(String name, Boolean active, Integer count, Long total, List<String> tags, Inner inner) {
    }

    public record Inner(String label, Integer size) {
    }

    private static JsonObjectBuilder member() {
        return Json.createObjectBuilder()
                .add("memberNumber", "AB123456")
                .add("nir", "2 84 05 88 321 025 32")
                .add("lastName", "Lefèvre-Dupont")
                .add("firstName", "Marie")
                .add("birthDate", "1984-05-12")
                .add("sex", "F")
                .add("email", "marie.lefevre@exemple.fr")
                .add("address", Json.createObjectBuilder()
                        .add("line1", "12 rue de la Paix")
                        .add("postcode", "75002")
                        .add("city", "Paris")
                        .add("country", "FR"));
    }

    private static JsonValue parse(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readValue();
        }
    }

    private static List<FieldError> errors(JsonValue json, Class<? extends Record> type, Locale locale) {
        InvalidInputException e = catchThrowableOfType(InvalidInputException.class, () -> JsonBinder.bind(json, type, locale));
        assertThat(e).as("binding should have been refused").isNotNull();
        return e.errors();
    }

    @Test
    void wellTypedObjectBindsToTheForm() {
        MemberForm form = JsonBinder.bind(member().build(), MemberForm.class, Locale.ENGLISH);
        assertThat(form.memberNumber()).isEqualTo("AB123456");
        assertThat(form.nir()).isEqualTo("2 84 05 88 321 025 32");
        assertThat(form.lastName()).isEqualTo("Lefèvre-Dupont");
        assertThat(form.address().postcode()).isEqualTo("75002");
        assertThat(form.address().line2()).isNull();
        assertThat(form.phone()).isNull();
    }

    @Test
    void nullMembersBindAsNull() {
        MemberForm form = JsonBinder.bind(member().addNull("phone").build(), MemberForm.class, Locale.ENGLISH);
        assertThat(form.phone()).isNull();
    }

    @Test
    void unknownFieldIsRefusedByName() {
        List<FieldError> errors = errors(member().add("nickname", "Mimi").build(), MemberForm.class, Locale.ENGLISH);
        assertThat(errors).extracting(FieldError::field, FieldError::code, FieldError::message)
                .containsExactly(tuple("nickname", "unknown", "Unknown field."));
    }

    @Test
    void unknownFieldMessageIsLocalised() {
        assertThat(errors(member().add("nickname", "Mimi").build(), MemberForm.class, Locale.FRENCH))
                .extracting(FieldError::message).containsExactly("Champ inconnu.");
    }

    @Test
    void numberWhereAStringIsExpectedIsATypeError() {
        List<FieldError> errors = errors(member().add("nir", 284058832102532L).build(), MemberForm.class, Locale.ENGLISH);
        assertThat(errors).extracting(FieldError::field, FieldError::code, FieldError::message)
                .containsExactly(tuple("nir", "type", "A string is expected."));
        assertThat(errors(member().add("nir", 284058832102532L).build(), MemberForm.class, Locale.FRENCH))
                .extracting(FieldError::message).containsExactly("Une chaîne de caractères est attendue.");
    }

    @Test
    void booleanArrayOrObjectWhereAStringIsExpectedAreTypeErrors() {
        JsonObject json = member()
                .add("sex", true)
                .add("email", Json.createArrayBuilder().add("a@b.fr"))
                .add("phone", Json.createObjectBuilder().add("number", "0612345678"))
                .build();
        assertThat(errors(json, MemberForm.class, Locale.ENGLISH)).extracting(FieldError::field, FieldError::code)
                .containsExactlyInAnyOrder(tuple("sex", "type"), tuple("email", "type"), tuple("phone", "type"));
    }

    @Test
    void nestedAddressErrorsArePrefixed() {
        JsonObject json = member().add("address", Json.createObjectBuilder()
                .add("line1", "12 rue de la Paix")
                .add("postcode", 75002)
                .add("city", "Paris")
                .add("planet", "Mars")).build();
        assertThat(errors(json, MemberForm.class, Locale.ENGLISH)).extracting(FieldError::field, FieldError::code)
                .containsExactlyInAnyOrder(tuple("address.postcode", "type"), tuple("address.planet", "unknown"));
    }

    @Test
    void stringWhereAnObjectIsExpectedIsATypeError() {
        JsonObject json = member().add("address", "12 rue de la Paix, 75002 Paris").build();
        assertThat(errors(json, MemberForm.class, Locale.ENGLISH)).extracting(FieldError::field, FieldError::code, FieldError::message)
                .containsExactly(tuple("address", "type", "An object is expected."));
    }

    @Test
    void arrayInsteadOfAnObjectIsRefused() {
        JsonValue json = Json.createArrayBuilder().add(member()).build();
        List<FieldError> errors = errors(json, MemberForm.class, Locale.ENGLISH);
        assertThat(errors).extracting(FieldError::code, FieldError::message).containsExactly(tuple("type", "A JSON object is expected."));
    }

    @Test
    void scalarsAndNullInsteadOfAnObjectAreRefused() {
        assertThat(errors(parse("\"AB123456\""), MemberForm.class, Locale.ENGLISH)).extracting(FieldError::code).containsExactly("type");
        assertThat(errors(parse("42"), MemberForm.class, Locale.ENGLISH)).extracting(FieldError::code).containsExactly("type");
        assertThat(errors(JsonValue.NULL, MemberForm.class, Locale.ENGLISH)).extracting(FieldError::code).containsExactly("type");
        assertThat(errors(null, MemberForm.class, Locale.FRENCH)).extracting(FieldError::message).containsExactly("Un objet JSON est attendu.");
    }

    @Test
    void allErrorsAreCollectedAtOnce() {
        JsonObject json = member()
                .add("nickname", "Mimi")
                .add("nir", 284058832102532L)
                .add("birthDate", false)
                .add("address", Json.createObjectBuilder().add("zip", "75002").add("city", 75))
                .build();
        List<FieldError> errors = errors(json, MemberForm.class, Locale.ENGLISH);
        assertThat(errors).extracting(FieldError::field, FieldError::code).containsExactlyInAnyOrder(
                tuple("nickname", "unknown"),
                tuple("nir", "type"),
                tuple("birthDate", "type"),
                tuple("address.zip", "unknown"),
                tuple("address.city", "type"));
    }

    @Test
    void everySupportedTypeBinds() {
        Sample sample = JsonBinder.bind(parse("""
                {"name": "n", "active": true, "count": 3, "total": 5000000000, "tags": ["a", "b"],
                 "inner": {"label": "l", "size": -1}}
                """), Sample.class, Locale.ENGLISH);
        assertThat(sample).isEqualTo(new Sample("n", true, 3, 5_000_000_000L, List.of("a", "b"), new Inner("l", -1)));
    }

    @Test
    void emptyObjectBindsToAllNulls() {
        assertThat(JsonBinder.bind(parse("{}"), Sample.class, Locale.ENGLISH)).isEqualTo(new Sample(null, null, null, null, null, null));
    }

    @Test
    void wrongScalarTypesAreNamed() {
        List<FieldError> errors = errors(parse("""
                {"name": 1, "active": "true", "count": 1.5, "total": "5", "tags": "a", "inner": []}
                """), Sample.class, Locale.ENGLISH);
        assertThat(errors).extracting(FieldError::field, FieldError::code, FieldError::message).containsExactlyInAnyOrder(
                tuple("name", "type", "A string is expected."),
                tuple("active", "type", "A boolean is expected."),
                tuple("count", "type", "An integer is expected."),
                tuple("total", "type", "An integer is expected."),
                tuple("tags", "type", "An array is expected."),
                tuple("inner", "type", "An object is expected."));
    }

    @Test
    void integerOutOfRangeIsATypeError() {
        List<FieldError> errors = errors(parse("{\"count\": 3000000000, \"total\": 100000000000000000000}"), Sample.class, Locale.ENGLISH);
        assertThat(errors).extracting(FieldError::field, FieldError::code, FieldError::message).containsExactlyInAnyOrder(
                tuple("count", "type", "Number out of range."),
                tuple("total", "type", "Number out of range."));
    }

    @Test
    void nonStringArrayElementsAreNamedByIndex() {
        List<FieldError> errors = errors(parse("{\"tags\": [\"a\", 1, \"c\", null]}"), Sample.class, Locale.ENGLISH);
        assertThat(errors).extracting(FieldError::field, FieldError::code)
                .containsExactlyInAnyOrder(tuple("tags[1]", "type"), tuple("tags[3]", "type"));
    }

    @Test
    void nestedRecordErrorsArePrefixedWithTheComponentName() {
        List<FieldError> errors = errors(parse("{\"inner\": {\"label\": false, \"colour\": \"red\"}}"), Sample.class, Locale.ENGLISH);
        assertThat(errors).extracting(FieldError::field, FieldError::code)
                .containsExactlyInAnyOrder(tuple("inner.label", "type"), tuple("inner.colour", "unknown"));
    }
}
