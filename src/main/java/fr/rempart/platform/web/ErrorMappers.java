package fr.rempart.platform.web;

import fr.rempart.platform.validation.InvalidInputException;
import jakarta.json.JsonException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.ProcessingException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import java.util.Locale;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One place turns every exception into an answer: problem details under {@code /api}, an error page
 * elsewhere. Unexpected errors are logged with an id the user can quote; their text never leaves.
 */
@Provider
public class ErrorMappers implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class.getName());

    @Context
    HttpHeaders headers;
    @Context
    UriInfo uri;

    @jakarta.inject.Inject
    Pages pages;

    @Override
    public Response toResponse(Throwable error) {
        if (error instanceof jakarta.ws.rs.RedirectionException redirect) {
            return redirect.getResponse(); // a page sending the browser elsewhere (the staff sign-in), as built
        }
        Locale locale = Locales.of(headers);
        if (error instanceof InvalidInputException invalid) {
            return api() ? Problem.validation(Messages.get(locale, "problem.validation.title"), Messages.get(locale, "problem.validation.detail"), invalid.errors())
                    : page(400, Messages.get(locale, "problem.validation.title"), locale);
        }
        if (error instanceof ProblemException problem) {
            return answer(problem.status(), Messages.get(locale, "problem." + problem.status()), Messages.get(locale, problem.key(), problem.arguments()), locale);
        }
        if (error instanceof WebApplicationException web && web.getResponse().getStatus() < 500) {
            int status = web.getResponse().getStatus();
            Throwable cause = web.getCause();
            if (cause instanceof JsonException || cause instanceof ProcessingException) {
                return answer(400, Messages.get(locale, "problem.400"), Messages.get(locale, "problem.malformed-json"), locale);
            }
            Response response = answer(status, Messages.get(locale, "problem." + status), null, locale);
            if (error instanceof NotAllowedException) {
                return Response.fromResponse(response).allow(web.getResponse().getAllowedMethods()).build();
            }
            return response;
        }
        if (error instanceof JsonException || error instanceof ProcessingException) {
            return answer(400, Messages.get(locale, "problem.400"), Messages.get(locale, "problem.malformed-json"), locale);
        }
        String id = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "Unexpected error " + id + " on " + uri.getPath(), error);
        return answer(500, Messages.get(locale, "problem.500"), Messages.get(locale, "problem.500.detail", id), locale);
    }

    private Response answer(int status, String title, String detail, Locale locale) {
        return api() ? Problem.response(status, title, detail) : page(status, detail == null ? title : detail, locale);
    }

    private boolean api() {
        return uri.getPath().startsWith("api/") || uri.getPath().startsWith("/api/");
    }

    private Response page(int status, String message, Locale locale) {
        return Response.status(status).type("text/html; charset=UTF-8")
                .entity(pages.render("error", locale, java.util.Map.of("status", status, "message", message))).build();
    }
}
