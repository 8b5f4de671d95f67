package fr.rempart.password.corpus;

import fr.rempart.platform.api.Allowed;
import fr.rempart.platform.web.ProblemException;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Response;

import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The k-anonymity range API, answering exactly like HIBP's {@code GET /range/{first 5 hex of SHA-1}}:
 * {@code SUFFIX:COUNT} lines (35 upper-case hex digits), CRLF-separated. With {@code Add-Padding: true}
 * the answer is padded with random suffixes of count 0 to 800–1,000 lines, so its size tells nothing.
 */
@Path("api/v1/pwned-passwords/range/{prefix}")
public class PwnedRangeResource {

    private static final SecureRandom RANDOM = new SecureRandom();

    @Inject
    PwnedPasswords corpus;

    @GET
    @Produces("text/plain;charset=UTF-8")
    @Allowed.Anyone
    public Response range(@PathParam("prefix") String prefix, @HeaderParam("Add-Padding") String padding) {
        if (prefix == null || !prefix.matches("[0-9A-Fa-f]{5}")) {
            throw new ProblemException(400, "pwned.prefix");
        }
        StringBuilder body = new StringBuilder(40 * 1000);
        int[] lines = {0};
        corpus.range(Integer.parseInt(prefix, 16), (suffix, count) -> {
            body.append(suffix).append(':').append(count).append("\r\n");
            lines[0]++;
        });
        if ("true".equalsIgnoreCase(padding)) {
            int target = 800 + RANDOM.nextInt(201);
            byte[] random = new byte[18];
            for (int i = lines[0]; i < target; i++) {
                RANDOM.nextBytes(random);
                body.append(HexFormat.of().withUpperCase().formatHex(random), 1, 36).append(":0\r\n");
            }
        }
        if (body.length() > 0) {
            body.setLength(body.length() - 2);
        }
        CacheControl cache = new CacheControl();
        cache.setMaxAge(3600);
        return Response.ok(body.toString()).cacheControl(cache).build();
    }
}
