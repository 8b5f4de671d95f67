package fr.rempart.platform.web;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Response;

import java.io.InputStream;
import java.util.Map;

/** Style sheets, scripts and images of the pages, from {@code assets/} on the class path. */
@Path("assets/{file: [a-z0-9-]+\\.(css|js|svg|png)}")
public class Assets {

    private static final Map<String, String> TYPES = Map.of("css", "text/css; charset=UTF-8", "js", "text/javascript; charset=UTF-8",
            "svg", "image/svg+xml", "png", "image/png");

    @GET
    public Response get(@PathParam("file") String file) {
        InputStream in = Assets.class.getClassLoader().getResourceAsStream("assets/" + file);
        if (in == null) {
            throw new NotFoundException();
        }
        CacheControl cache = new CacheControl();
        cache.setMaxAge(3600);
        return Response.ok(in, TYPES.get(file.substring(file.lastIndexOf('.') + 1))).cacheControl(cache).build();
    }
}
