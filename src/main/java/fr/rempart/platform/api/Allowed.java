package fr.rempart.platform.api;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The groups (from the access token's {@code groups} claim) allowed to call an API method. In one of
 * Rempart's own tokens a group counts only with the scope that goes with it ({@link ApiScopes}): deny by
 * default. Our own annotation rather than {@code @RolesAllowed}, which Payara would enforce with container
 * authentication before our Bearer token check runs. An empty list means any authenticated caller.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Allowed {
    String[] value();

    /** Also a member's own token with {@link ApiScopes#SELF}; the method checks that the member is the one concerned. */
    boolean member() default false;

    /** A method anyone may call, token or not (rate-limited where it matters). */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.METHOD)
    @interface Anyone {
    }
}
