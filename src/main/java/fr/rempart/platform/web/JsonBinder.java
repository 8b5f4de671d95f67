package fr.rempart.platform.web;

import fr.rempart.platform.validation.FieldError;
import fr.rempart.platform.validation.InvalidInputException;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Binds a JSON object to a form record, strictly: each member must have the component's JSON type,
 * unknown members are refused (a typo is an error, not a silently ignored field), and every
 * problem names its field. Types: String, Boolean, Integer, Long, List&lt;String&gt;, nested records.
 */
public final class JsonBinder {

    /**
     * One JSON provider for the process: {@code jakarta.json.Json.createObjectBuilder()} looks the
     * provider up through the service loader at every call (class-path scans on every token request).
     */
    public static final jakarta.json.spi.JsonProvider JSON = jakarta.json.spi.JsonProvider.provider();

    /** Errors named in one answer at most: a body of 10,000 unknown keys gets a short answer, not one line each. */
    public static final int MAX_ERRORS = 20;

    private JsonBinder() {
    }

    public static <T extends Record> T bind(JsonValue json, Class<T> type, Locale locale) {
        List<FieldError> errors = new ArrayList<>();
        if (!(json instanceof JsonObject object)) {
            throw new InvalidInputException(List.of(new FieldError("", "type", Messages.get(locale, "json.object-expected"))));
        }
        T result = bind(object, type, "", errors, locale);
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors.size() > MAX_ERRORS ? errors.subList(0, MAX_ERRORS) : errors);
        }
        return result;
    }

    private static <T extends Record> T bind(JsonObject object, Class<T> type, String prefix, List<FieldError> errors, Locale locale) {
        RecordComponent[] components = type.getRecordComponents();
        Set<String> known = java.util.Arrays.stream(components).map(RecordComponent::getName).collect(Collectors.toSet());
        for (String name : object.keySet()) {
            if (errors.size() > MAX_ERRORS) {
                break; // enough to tell the caller; the rest would only cost time
            }
            if (!known.contains(name)) {
                errors.add(new FieldError(prefix + name, "unknown", Messages.get(locale, "json.unknown-field")));
            }
        }
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent component = components[i];
            types[i] = component.getType();
            JsonValue value = object.get(component.getName());
            if (value != null && value.getValueType() != JsonValue.ValueType.NULL) {
                values[i] = convert(value, component.getType(), component.getGenericType(), prefix + component.getName(), errors, locale);
            }
        }
        try {
            return type.getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot build " + type.getSimpleName(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Object convert(JsonValue value, Class<?> type, Type generic, String field, List<FieldError> errors, Locale locale) {
        if (type == String.class && value instanceof JsonString s) {
            return s.getString();
        }
        if (type == JsonValue.class) {
            return value; // a JSON document kept as it is (a JWKS)
        }
        if (type == Boolean.class && (value == JsonValue.TRUE || value == JsonValue.FALSE)) {
            return value == JsonValue.TRUE;
        }
        if ((type == Integer.class || type == Long.class) && value instanceof JsonNumber n && n.isIntegral()) {
            try {
                return type == Integer.class ? (Object) n.intValueExact() : (Object) n.longValueExact();
            } catch (ArithmeticException e) {
                errors.add(new FieldError(field, "type", Messages.get(locale, "json.number-range")));
                return null;
            }
        }
        if (type == List.class && value instanceof JsonArray array && generic instanceof ParameterizedType p
                && p.getActualTypeArguments()[0] == String.class) {
            List<String> list = new ArrayList<>();
            for (int i = 0; i < array.size(); i++) {
                if (array.get(i) instanceof JsonString s) {
                    list.add(s.getString());
                } else {
                    errors.add(new FieldError(field + "[" + i + "]", "type", Messages.get(locale, "json.expected.string")));
                }
            }
            return list;
        }
        if (type.isRecord() && value instanceof JsonObject nested) {
            return bind(nested, (Class<? extends Record>) type, field + ".", errors, locale);
        }
        String expected = type == String.class ? "string" : type == Boolean.class ? "boolean"
                : type == List.class ? "array" : type.isRecord() ? "object" : "integer";
        errors.add(new FieldError(field, "type", Messages.get(locale, "json.expected." + expected)));
        return null;
    }
}
