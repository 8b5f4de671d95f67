package fr.rempart.oidc;

/**
 * An OAuth 2.0 / OpenID Connect error with its registered code (RFC 6749 §5.2, §4.1.2.1; OpenID
 * Connect Core §3.1.2.6; RFC 7009 §2.2.1), answered as {@code {"error", "error_description"}}.
 */
public class OAuthError extends RuntimeException {

    private final String code;
    private final int status;

    public OAuthError(String code, String description) {
        this(code, description, "invalid_client".equals(code) ? 401 : 400);
    }

    public OAuthError(String code, String description, int status) {
        super(description, null, false, false);
        this.code = code;
        this.status = status;
    }

    public static OAuthError invalidRequest(String description) {
        return new OAuthError("invalid_request", description);
    }

    public static OAuthError invalidGrant(String description) {
        return new OAuthError("invalid_grant", description);
    }

    public static OAuthError invalidClient() {
        return new OAuthError("invalid_client", "Client authentication failed.");
    }

    public String code() {
        return code;
    }

    public int status() {
        return status;
    }
}
