package fr.rempart.platform.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The groups (from the access token's {@code groups} claim) allowed to call an API method.
 * Our own annotation rather than {@code @RolesAllowed}, which Payara would enforce with container
 * authentication before our Bearer token check runs. An empty list means any authenticated caller.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Allowed {
    String[] value();

    /** A method anyone may call, token or not (rate-limited where it matters). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface Anyone {
    }
}
