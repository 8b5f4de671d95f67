package fr.rempart.oidc;

import com.nimbusds.jose.jwk.JWKSet;
import fr.rempart.audit.Actor;
import fr.rempart.audit.AuditTrail;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.Secrets;
import fr.rempart.platform.db.Database;
import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.text.ParseException;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * The OAuth clients, from configuration ({@code rempart.oidc.client.<id>.*}, written at each start),
 * the admin API, and the bootstrap {@code rempart-admin} client. Token requests read an in-memory
 * copy, reloaded from the database every few seconds so that every node sees a registration.
 */
@ApplicationScoped
public class ClientRegistry {

    private Clock clock;

    public static final String ADMIN_CLIENT = "rempart-admin";
    static final Set<String> GRANT_TYPES = Set.of("authorization_code", "refresh_token", "client_credentials");
    /** The OpenID scopes a client gets when its registration names none (staff consoles: never offline_access). */
    static final Set<String> SCOPES = Set.of("openid", "profile", "email", "phone", "offline_access");
    static final String OFFLINE = "offline_access";
    /** The group of clients that may introspect any access token: the mutual's APIs that tokens are presented to. */
    static final String RESOURCE_SERVER = "resource-server";
    static final Set<String> GROUPS = Set.of("security-admin", "helpdesk-agent", "helpdesk-supervisor", RESOURCE_SERVER);

    /** What registration takes, from the API or the configuration. */
    public record Registration(String clientId, List<String> redirectUris, List<String> postLogoutRedirectUris, Set<String> grantTypes,
                               Set<String> groups, boolean publicClient, OidcClient.AuthMethod authMethod, String jwks,
                               OidcClient.Population population, String idTokenAlg, String eventsDelivery, String eventsEndpoint,
                               String eventsAuthorization, Set<String> scopes) {

        /** The scopes it may ask for: those registered, or the OpenID ones; the API's only when named (never by default). */
        public Set<String> scopesOrDefault() {
            if (scopes != null && !scopes.isEmpty()) {
                return scopes;
            }
            Set<String> defaults = new java.util.TreeSet<>(SCOPES);
            if (population == OidcClient.Population.STAFF) {
                defaults.remove(OFFLINE);
            }
            return defaults;
        }
    }

    private static final Logger LOG = Logger.getLogger(ClientRegistry.class.getName());

    private Jdbc jdbc;
    private Settings settings;
    private AuditTrail audit;
    private Database database;
    private volatile Map<String, OidcClient> clients = Map.of();

    protected ClientRegistry() {
    }

    @Inject
    public ClientRegistry(Jdbc jdbc, Settings settings, AuditTrail audit, Database database, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
        this.settings = settings;
        this.audit = audit;
        this.database = database;
    }

    public Optional<OidcClient> find(String clientId) {
        return clientId == null ? Optional.empty() : Optional.ofNullable(clients.get(clientId));
    }

    public List<OidcClient> eventReceivers() {
        return clients.values().stream().filter(OidcClient::receivesEvents).toList();
    }

    /** Registers the configured clients and the bootstrap admin client; called once at start-up. */
    public void bootstrap() {
        for (String id : settings.oidcClientNames()) {
            String secret = settings.oidcClient(id, "secret").orElse(null);
            boolean publicClient = settings.oidcClient(id, "public").map(Boolean::parseBoolean).orElse(false);
            if (!publicClient && (secret == null || secret.length() < 32)) {
                throw new IllegalStateException("rempart.oidc.client." + id + ".secret: at least 32 characters for a confidential client");
            }
            Registration registration = new Registration(id, settings.oidcClientList(id, "redirect-uris"),
                    settings.oidcClientList(id, "post-logout-redirect-uris"),
                    new LinkedHashSet<>(settings.oidcClientList(id, "grant-types").isEmpty() ? List.of("authorization_code", "refresh_token")
                            : settings.oidcClientList(id, "grant-types")),
                    new LinkedHashSet<>(settings.oidcClientList(id, "groups")), publicClient,
                    settings.oidcClient(id, "auth-method").map(OidcClient.AuthMethod::of).orElse(null),
                    settings.oidcClient(id, "jwks").orElse(null),
                    settings.oidcClient(id, "population").map(p -> OidcClient.Population.valueOf(p.toUpperCase(java.util.Locale.ROOT)))
                            .orElse(OidcClient.Population.MEMBER),
                    settings.oidcClient(id, "id-token-alg").orElse(null), settings.oidcClient(id, "events-delivery").orElse(null),
                    settings.oidcClient(id, "events-endpoint").orElse(null), settings.oidcClient(id, "events-authorization").orElse(null),
                    new LinkedHashSet<>(settings.oidcClientList(id, "scopes")));
            List<String> problems = ClientValidation.problems(registration, settings);
            if (!problems.isEmpty()) {
                throw new IllegalStateException("rempart.oidc.client." + id + ": " + String.join("; ", problems));
            }
            saveFromConfiguration(registration, secret);
        }
        bootstrapAdmin();
        reload();
    }

    private void bootstrapAdmin() {
        Registration admin = new Registration(ADMIN_CLIENT, List.of(), List.of(), Set.of("client_credentials"), Set.of("security-admin", RESOURCE_SERVER),
                false, OidcClient.AuthMethod.CLIENT_SECRET_BASIC, null, OidcClient.Population.MEMBER, null, null, null, null, null);
        Optional<String> configured = settings.bootstrapAdminClientSecret();
        if (configured.isPresent()) {
            if (configured.get().length() < 32) {
                throw new IllegalStateException("rempart.bootstrap.admin-client-secret: at least 32 characters");
            }
            saveFromConfiguration(admin, configured.get());
        } else if (jdbc.one("select 1 from oidc_client where client_id = ?", r -> 1, ADMIN_CLIENT).isEmpty()) {
            if (!database.embedded()) {
                LOG.warning("rempart.bootstrap.admin-client-secret is not set: no rempart-admin client (the admin API needs a token)");
                return;
            }
            String secret = Secrets.token(32);
            save(admin, secret, "bootstrap", Actor.SYSTEM);
            // Local default run only, once: the operator needs it to call the admin API; it is not kept in clear anywhere.
            System.out.println("\n=== Rempart admin API client (shown once): client_id=" + ADMIN_CLIENT + " client_secret=" + secret + " ===\n");
        }
    }

    /** Registers or replaces a client; returns the new secret for a confidential client using one (the only time it is seen). */
    /** Registers a new client; empty when the id is taken (checked by the database: two registrations at once cannot both win). */
    public Optional<Optional<String>> register(Registration registration, Actor actor) {
        String secret = needsSecret(registration) ? Secrets.token(32) : null;
        try {
            save(registration, secret, "api", actor);
        } catch (RuntimeException e) {
            if (Jdbc.isUniqueViolation(e)) {
                return Optional.empty();
            }
            throw e;
        }
        reload();
        return Optional.of(Optional.ofNullable(secret));
    }

    /** Re-reads every client (registrations made by other nodes). */
    public void reload() {
        clients = jdbc.list("select * from oidc_client", r -> {
            try {
                String jwks = r.getString("jwks");
                return new OidcClient(r.getString("client_id"), r.getString("secret_hash"), r.getBoolean("public_client"),
                        OidcClient.AuthMethod.of(r.getString("auth_method")), jwks == null ? null : JWKSet.parse(jwks),
                        lines(r.getString("redirect_uris")), lines(r.getString("post_logout_uris")), words(r.getString("grant_types")),
                        words(r.getString("scopes")), words(r.getString("groups_claim")), OidcClient.Population.valueOf(r.getString("population")),
                        r.getString("id_token_alg"), r.getString("events_delivery"), r.getString("events_endpoint"),
                        r.getString("events_authorization"));
            } catch (ParseException e) {
                throw new IllegalStateException("Unreadable JWKS of client " + r.getString("client_id"), e);
            }
        }).stream().collect(Collectors.toUnmodifiableMap(OidcClient::clientId, Function.identity()));
    }

    private void save(Registration r, String secret, String source, Actor actor) {
        Instant now = clock.instant();
        OidcClient.AuthMethod method = authMethod(r);
        String hash = secret == null ? null : Secrets.sha256Hex(secret);
        jdbc.transaction(c -> {
            // From the API a client is only ever added; from the configuration it is replaced at each start.
            boolean existed = !"api".equals(source) && Jdbc.execute(c, "delete from oidc_client where client_id = ?", r.clientId()) > 0;
            Jdbc.execute(c, "insert into oidc_client (client_id, secret_hash, public_client, auth_method, jwks, redirect_uris, post_logout_uris, "
                            + "grant_types, scopes, groups_claim, population, id_token_alg, events_delivery, events_endpoint, events_authorization, "
                            + "source, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    r.clientId(), hash, r.publicClient(), method.value(), r.jwks(), String.join("\n", r.redirectUris()),
                    String.join("\n", r.postLogoutRedirectUris()), String.join(" ", r.grantTypes()), String.join(" ", r.scopesOrDefault()),
                    String.join(" ", r.groups()), r.population().name(), r.idTokenAlg(), r.eventsDelivery(), r.eventsEndpoint(),
                    r.eventsAuthorization(), source, now, now);
            audit.record(actor, existed ? "client.updated" : "client.registered", r.clientId(), null,
                    "source=" + source + " grants=" + String.join(",", r.grantTypes()) + " groups=" + String.join(",", r.groups())
                            + " scopes=" + String.join(",", r.scopesOrDefault()));
            return null;
        });
    }

    /** Another node starting at the same moment may write the same client: theirs is as good as ours. */
    private void saveFromConfiguration(Registration registration, String secret) {
        try {
            save(registration, secret, "config", Actor.SYSTEM);
        } catch (RuntimeException e) {
            if (!Jdbc.isUniqueViolation(e)) {
                throw e;
            }
        }
    }

    static OidcClient.AuthMethod authMethod(Registration r) {
        if (r.publicClient()) {
            return OidcClient.AuthMethod.NONE;
        }
        if (r.authMethod() != null) {
            return r.authMethod();
        }
        return r.jwks() != null ? OidcClient.AuthMethod.PRIVATE_KEY_JWT : OidcClient.AuthMethod.CLIENT_SECRET_BASIC;
    }

    private static boolean needsSecret(Registration r) {
        OidcClient.AuthMethod method = authMethod(r);
        return method == OidcClient.AuthMethod.CLIENT_SECRET_BASIC || method == OidcClient.AuthMethod.CLIENT_SECRET_POST;
    }

    private static List<String> lines(String value) {
        return value == null || value.isEmpty() ? List.of() : List.of(value.split("\n"));
    }

    private static Set<String> words(String value) {
        return value == null || value.isBlank() ? Set.of() : new LinkedHashSet<>(Arrays.asList(value.trim().split(" +")));
    }
}
