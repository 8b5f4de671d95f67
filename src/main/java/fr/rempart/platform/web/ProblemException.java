package fr.rempart.platform.web;

/** An error with an HTTP status and a message key (in {@code i18n/messages}), answered as a problem or an error page. */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String key;
    private final transient Object[] arguments;

    public ProblemException(int status, String key, Object... arguments) {
        super(key);
        this.status = status;
        this.key = key;
        this.arguments = arguments;
    }

    public int status() {
        return status;
    }

    public String key() {
        return key;
    }

    public Object[] arguments() {
        return arguments;
    }
}
