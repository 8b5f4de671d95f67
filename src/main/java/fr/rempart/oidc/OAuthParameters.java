package fr.rempart.oidc;

import jakarta.ws.rs.core.MultivaluedMap;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of one OAuth request, query or form. RFC 6749 §3.1 and §3.2: "Request and response
 * parameters MUST NOT be included more than once", so a repeated parameter is refused, and so is an
 * oversized one — before anything is looked up.
 */
public final class OAuthParameters {

    static final int MAX_VALUE = 2048;
    static final int MAX_PARAMETERS = 40;

    private final Map<String, String> values;

    private OAuthParameters(Map<String, String> values) {
        this.values = values;
    }

    public static OAuthParameters of(MultivaluedMap<String, String> raw) {
        if (raw.size() > MAX_PARAMETERS) {
            throw OAuthError.invalidRequest("Too many parameters.");
        }
        Map<String, String> values = new HashMap<>();
        for (Map.Entry<String, List<String>> entry : raw.entrySet()) {
            if (entry.getValue().size() > 1) {
                throw OAuthError.invalidRequest("Parameter " + printable(entry.getKey()) + " is repeated.");
            }
            String value = entry.getValue().isEmpty() ? "" : entry.getValue().get(0);
            int limit = "client_assertion".equals(entry.getKey()) || "id_token_hint".equals(entry.getKey()) ? 4 * MAX_VALUE : MAX_VALUE;
            if (value.length() > limit || entry.getKey().length() > 64) {
                throw OAuthError.invalidRequest("Parameter " + printable(entry.getKey()) + " is too long.");
            }
            if (!value.isEmpty()) { // RFC 6749 §3.1: parameters sent without a value are treated as omitted
                values.put(entry.getKey(), value);
            }
        }
        return new OAuthParameters(values);
    }

    public Optional<String> get(String name) {
        return Optional.ofNullable(values.get(name));
    }

    public String require(String name) {
        return get(name).orElseThrow(() -> OAuthError.invalidRequest("Parameter " + name + " is missing."));
    }

    public Map<String, String> asMap() {
        return Map.copyOf(values);
    }

    private static String printable(String name) {
        String clipped = name.length() > 40 ? name.substring(0, 40) : name;
        return clipped.replaceAll("[^A-Za-z0-9_\\-.]", "?");
    }
}
