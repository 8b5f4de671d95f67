package fr.rempart.report;

import fr.rempart.platform.api.ApiSecurityFilter;
import fr.rempart.platform.limits.RateLimits;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.web.ClientInfo;
import fr.rempart.platform.web.ProblemException;
import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.NameBinding;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.ext.Provider;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Charges the per-address limit on reports from anyone not signed in ({@code reports} in {@link RateLimits}) before the
 * body is read: after the caller is known (authentication), before the body limits, the JSON reader and the binding.
 * A malformed, oversized or invalid post costs its sender a report like any other.
 */
@Provider
@AnonymousReportLimit.Charged
@Priority(Priorities.AUTHENTICATION + 100)
public class AnonymousReportLimit implements ContainerRequestFilter {

    /** The method files reports: each anonymous call is charged, whatever becomes of it. */
    @NameBinding
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.METHOD, ElementType.TYPE})
    public @interface Charged {
    }

    @Context
    HttpServletRequest servletRequest;
    @Inject
    Settings settings;
    @Inject
    RateLimits limits;

    @Override
    public void filter(ContainerRequestContext request) {
        if (request.getProperty(ApiSecurityFilter.CALLER) == null
                && !ReportResource.anonymous(limits).tryAcquire(ClientInfo.of(servletRequest, settings).address())) {
            throw new ProblemException(429, "problem.429.detail");
        }
    }
}
