package fr.rempart.platform.web;

import fr.rempart.platform.validation.FieldError;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.Response;

import java.util.List;

/** RFC 9457 problem details: every API error, whatever its cause, leaves in this one shape. */
public final class Problem {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String VALIDATION_TYPE = "tag:rempart,2026:problem:validation";

    private Problem() {
    }

    public static Response response(int status, String title, String detail) {
        return response(status, "about:blank", title, detail, List.of());
    }

    public static Response validation(String title, String detail, List<FieldError> errors) {
        return response(400, VALIDATION_TYPE, title, detail, errors);
    }

    public static Response response(int status, String type, String title, String detail, List<FieldError> errors) {
        JsonObjectBuilder body = JsonBinder.JSON.createObjectBuilder().add("type", type).add("title", title).add("status", status);
        if (detail != null) {
            body.add("detail", detail);
        }
        if (!errors.isEmpty()) {
            JsonArrayBuilder list = JsonBinder.JSON.createArrayBuilder();
            for (FieldError e : errors) {
                list.add(JsonBinder.JSON.createObjectBuilder().add("field", e.field()).add("code", e.code()).add("message", e.message()));
            }
            body.add("errors", list);
        }
        return Response.status(status).type(MEDIA_TYPE).entity(body.build().toString()).build();
    }
}
