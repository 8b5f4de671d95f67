package fr.rempart.platform.validation;

/** One reason a field was refused: the field's path ({@code address.postcode}), a stable code, a message in the user's language. */
public record FieldError(String field, String code, String message) {
}
