package fr.rempart.platform;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** One JAX-RS application serves everything: pages at the root, the JSON API under {@code /api/v1}. */
@ApplicationPath("/")
public class RempartApplication extends Application {
}
