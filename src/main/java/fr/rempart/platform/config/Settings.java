package fr.rempart.platform.config;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Every configuration key of Rempart, read through MicroProfile Config (so each key
 * {@code rempart.x.y} can also be given as the environment variable {@code REMPART_X_Y}).
 * docs/configuration.md documents the same list; keep the two together.
 */
@ApplicationScoped
public class Settings {

    private final Config config;

    public Settings() {
        this(ConfigProvider.getConfig());
    }

    public Settings(Config config) {
        this.config = config;
    }

    public Path dataDir() {
        return Path.of(string("rempart.data.dir").orElse("./data")).toAbsolutePath().normalize();
    }

    public Optional<String> dbUrl() {
        return string("rempart.db.url");
    }

    public Optional<String> dbUser() {
        return string("rempart.db.user");
    }

    public Optional<String> dbPassword() {
        return string("rempart.db.password");
    }

    public int dbPoolSize() {
        return integer("rempart.db.pool-size", 10);
    }

    public Optional<String> masterKey() {
        return string("rempart.crypto.master-key");
    }

    public boolean demo() {
        return bool("rempart.demo", false);
    }

    public String mutualName() {
        return string("rempart.mutual.name").orElse("Mutuelle Rempart");
    }

    /** Trust X-Forwarded-For / X-Forwarded-Proto: only behind a reverse proxy that sets them. */
    public boolean trustForwardedHeaders() {
        return bool("rempart.http.trust-forwarded-headers", false);
    }

    public int argon2MemoryKib() {
        return integer("rempart.password.argon2.memory-kib", 19_456);
    }

    public int argon2Iterations() {
        return integer("rempart.password.argon2.iterations", 2);
    }

    public int argon2Parallelism() {
        return integer("rempart.password.argon2.parallelism", 1);
    }

    public int passwordMinLength() {
        return integer("rempart.password.min-length", 15);
    }

    public int passwordMaxLength() {
        return integer("rempart.password.max-length", 128);
    }

    /** The breached-password store (see password.corpus.PwnedImport); seeded from the WAR when absent. */
    public Path passwordCorpus() {
        return string("rempart.password.corpus").map(Path::of).orElse(dataDir().resolve("pwned-passwords.bin"));
    }

    public int passwordMinLengthWithSecondFactor() {
        return integer("rempart.password.min-length-with-second-factor", 12);
    }

    /** {@code nist} (no composition rules, the default) or {@code cnil} (12+ characters of 4 kinds, or 14 of 3). */
    public String passwordProfile() {
        return string("rempart.password.profile").orElse("nist");
    }

    /** The floor of estimated guesses (log10) under which a password is refused. */
    public double passwordMinGuessesLog10() {
        return string("rempart.password.min-guesses-log10").map(Double::parseDouble).orElse(10.0);
    }

    public int passwordHistory() {
        return integer("rempart.password.history", 5);
    }

    public int signinFreeAttempts() {
        return integer("rempart.signin.free-attempts", 5);
    }

    public Duration signinBaseDelay() {
        return duration("rempart.signin.base-delay", Duration.ofSeconds(1));
    }

    public Duration signinMaxDelay() {
        return duration("rempart.signin.max-delay", Duration.ofMinutes(15));
    }

    public Duration signinFailureMemory() {
        return duration("rempart.signin.failure-memory", Duration.ofHours(12));
    }

    public int signinAddressPerMinute() {
        return integer("rempart.signin.address-attempts-per-minute", 30);
    }

    /** How long an alert or pre-complaint and its files are kept before they are purged. */
    public Duration reportRetention() {
        return duration("rempart.report.retention", Duration.ofDays(180));
    }

    /** Where evidence files are kept: outside the web application, never served from a static path. */
    public Path reportFilesDir() {
        return string("rempart.report.files-dir").map(Path::of).orElse(dataDir().resolve("report-files")).toAbsolutePath().normalize();
    }

    /** The largest evidence file accepted; a report holds at most five. */
    public long reportMaxFileBytes() {
        try {
            long bytes = string("rempart.report.max-file-bytes").map(Long::parseLong).orElse(5L * 1024 * 1024);
            if (bytes < 1024) {
                throw new IllegalStateException("rempart.report.max-file-bytes must be at least 1024");
            }
            return bytes;
        } catch (NumberFormatException e) {
            throw new IllegalStateException("rempart.report.max-file-bytes must be a number of bytes", e);
        }
    }

    /** A request carrying evidence: five files at most, and the form's fields. */
    public long reportMaxUploadBytes() {
        return 5 * reportMaxFileBytes() + 256 * 1024;
    }

    /** Evidence files one member, or one address, may upload in 24 hours (drafts and filed alike). */
    public int reportUploadFilesPerDay() {
        return positive("rempart.report.upload.files-per-day", 20);
    }

    /** Evidence bytes one member, or one address, may upload in 24 hours. */
    public long reportUploadBytesPerDay() {
        return bytes("rempart.report.upload.bytes-per-day", 60L * 1024 * 1024);
    }

    /** All evidence kept (drafts and filed reports' files): beyond it, uploads are refused until the purge frees room. */
    public long reportUploadTotalBytes() {
        return bytes("rempart.report.upload.total-bytes", 10L * 1024 * 1024 * 1024);
    }

    /** Free space the evidence directory's disk keeps: below it uploads are refused, whatever the quotas. */
    public long reportUploadMinFreeBytes() {
        return bytes("rempart.report.upload.min-free-bytes", 1024L * 1024 * 1024);
    }

    /** The largest image accepted, in pixels (all frames of a GIF together): it is fully decoded before acceptance. */
    public long reportImageMaxPixels() {
        return bytes("rempart.report.image.max-pixels", 40_000_000L);
    }

    /** The memory PDFBox may use to open a PDF (decoded object streams included); beyond it the PDF is refused. */
    public long reportPdfMaxMemoryBytes() {
        return bytes("rempart.report.pdf.max-memory-bytes", 64L * 1024 * 1024);
    }

    /** Messages a report may send to one address in 24 hours (confirmation codes and acknowledgements together). */
    public int reportMailsPerRecipientPerDay() {
        return positive("rempart.report.mails-per-recipient-per-day", 3);
    }

    private int positive(String key, int fallback) {
        int value = integer(key, fallback);
        if (value < 1) {
            throw new IllegalStateException(key + " must be at least 1");
        }
        return value;
    }

    private long bytes(String key, long fallback) {
        try {
            long value = string(key).map(Long::parseLong).orElse(fallback);
            if (value < 0) {
                throw new IllegalStateException(key + " must not be negative");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalStateException(key + " must be a whole number", e);
        }
    }

    public Duration sessionIdleTimeout() {
        return duration("rempart.session.idle-timeout", Duration.ofMinutes(30));
    }

    public Duration sessionAbsoluteTimeout() {
        return duration("rempart.session.absolute-timeout", Duration.ofHours(12));
    }

    /** Staff sessions (helpdesk, security administrators) end sooner than members': theirs reach every member. */
    public Duration staffSessionIdleTimeout() {
        return duration("rempart.staff.session.idle-timeout", Duration.ofMinutes(15));
    }

    public Duration staffSessionAbsoluteTimeout() {
        return duration("rempart.staff.session.absolute-timeout", Duration.ofHours(10));
    }

    public Duration deviceCookieLifetime() {
        return duration("rempart.signin.device-cookie-lifetime", Duration.ofDays(180));
    }

    public String apiAudience() {
        return string("rempart.api.audience").orElse("rempart");
    }

    public List<String> apiIssuerNames() {
        return list("rempart.api.issuers");
    }

    public Optional<String> apiIssuer(String name, String property) {
        return string("rempart.api.issuer." + name + "." + property);
    }

    public List<String> apiAlgorithms() {
        List<String> algorithms = list("rempart.api.algorithms");
        return algorithms.isEmpty() ? List.of("ES256", "ES384", "RS256", "PS256") : algorithms;
    }

    /** The address members reach Rempart at, for links in messages (the reset link). */
    public String publicUrl() {
        String url = string("rempart.public-url").orElse("http://localhost:" + string("rempart.http.port").orElse("8080"));
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    public Optional<String> smtpHost() {
        return string("rempart.smtp.host");
    }

    public int smtpPort() {
        return integer("rempart.smtp.port", 587);
    }

    public Optional<String> smtpUser() {
        return string("rempart.smtp.user");
    }

    public Optional<String> smtpPassword() {
        return string("rempart.smtp.password");
    }

    /** STARTTLS required (the default); set false only for a local relay or a test server. */
    public boolean smtpStartTls() {
        return bool("rempart.smtp.starttls", true);
    }

    /** The helpdesk's number as members know it from their card and the mutual's site. */
    public String helpdeskPhone() {
        return string("rempart.helpdesk.phone").orElse("3676");
    }

    public String mailFrom() {
        return string("rempart.mail.from").orElse("securite@mutuelle.example");
    }

    /**
     * The SMS gateway: the outbox posts {@code {"to": "+33…", "text": "…"}} there with the token as a
     * Bearer credential. Without it, text messages are written as files in {@code <data dir>/outbox-sms}.
     */
    public Optional<java.net.URI> smsGatewayUrl() {
        return string("rempart.sms.gateway-url").map(u -> secureUri("rempart.sms.gateway-url", u));
    }

    /** Whether secrets may travel to this address: https, or plain http to this machine only. */
    public static boolean httpsOrLoopback(java.net.URI uri) {
        boolean local = "127.0.0.1".equals(uri.getHost()) || "localhost".equals(uri.getHost());
        return "https".equals(uri.getScheme()) || ("http".equals(uri.getScheme()) && local);
    }

    private static java.net.URI secureUri(String key, String value) {
        java.net.URI uri = java.net.URI.create(value);
        if (!httpsOrLoopback(uri)) {
            throw new IllegalStateException(key + " must be https (http only to the loopback)");
        }
        return uri;
    }

    public Optional<String> smsGatewayToken() {
        Optional<String> token = string("rempart.sms.gateway-token").map(String::strip);
        // A token with a line break (a secret file's last line) would be refused in a header, and the refusal quote it.
        if (token.isPresent() && token.get().chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IllegalStateException("rempart.sms.gateway-token must be printable ASCII without spaces");
        }
        return token;
    }

    /**
     * The external identity provider staff may sign in with (OpenID Connect, code flow with PKCE):
     * its issuer, whose discovery document gives the endpoints. Unset, staff sign in with Rempart's
     * own staff accounts only.
     */
    public Optional<java.net.URI> staffIdpIssuer() {
        return string("rempart.staff.idp.issuer").map(u -> {
            java.net.URI uri = secureUri("rempart.staff.idp.issuer", u);
            if (string("rempart.staff.idp.client-id").isEmpty() || string("rempart.staff.idp.client-secret").isEmpty()) {
                throw new IllegalStateException("rempart.staff.idp.client-id and rempart.staff.idp.client-secret are required with rempart.staff.idp.issuer");
            }
            return uri;
        });
    }

    public String staffIdpClientId() {
        return string("rempart.staff.idp.client-id").orElse("");
    }

    public String staffIdpClientSecret() {
        return string("rempart.staff.idp.client-secret").orElse("");
    }

    /** The provider's name on the sign-in button. */
    public String staffIdpName() {
        return string("rempart.staff.idp.name").orElse("SSO");
    }

    /** The ID token claim listing the person's groups (helpdesk-agent, helpdesk-supervisor, security-admin). */
    public String staffIdpGroupsClaim() {
        return string("rempart.staff.idp.groups-claim").orElse("groups");
    }

    /** How long a helpdesk verification code may be typed, and how long a verified caller stays verified for that agent. */
    public Duration helpdeskVerificationLifetime() {
        return duration("rempart.helpdesk.verification-lifetime", Duration.ofMinutes(15));
    }

    /** How long a four-eyes request waits for a supervisor before it lapses. */
    public Duration helpdeskApprovalLifetime() {
        return duration("rempart.helpdesk.approval-lifetime", Duration.ofHours(4));
    }

    /** The most actions one agent may take in an hour; beyond, 429. */
    public int helpdeskActionsPerHour() {
        return integer("rempart.helpdesk.actions-per-hour", 60);
    }

    /** One agent's actions in an hour that raise an alert to the supervisors. */
    public int helpdeskAlertThreshold() {
        return integer("rempart.helpdesk.alert-threshold", 20);
    }

    public Duration passwordResetLifetime() {
        return duration("rempart.password.reset-lifetime", Duration.ofMinutes(30));
    }

    /** TOTP hash: SHA1 (the default, what every authenticator app supports), SHA256 or SHA512. */
    public String totpAlgorithm() {
        return string("rempart.totp.algorithm").orElse("SHA1");
    }

    public int totpDigits() {
        return integer("rempart.totp.digits", 6);
    }

    public int totpPeriod() {
        return integer("rempart.totp.period", 30);
    }

    public int importBatchSize() {
        return integer("rempart.import.batch-size", 500);
    }

    /** The OpenID Provider's issuer identifier, exactly as tokens and discovery carry it (default: the public URL). */
    public String oidcIssuer() {
        String issuer = string("rempart.oidc.issuer").orElse(publicUrl());
        return issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer;
    }

    /** Signing algorithms with a key each, the first signing by default: ES256, and RS256 when a client needs it. */
    public List<String> oidcSigningAlgorithms() {
        List<String> algorithms = list("rempart.oidc.signing-algorithms");
        return algorithms.isEmpty() ? List.of("ES256", "RS256") : algorithms;
    }

    public Duration oidcKeyRotation() {
        return duration("rempart.oidc.key-rotation", Duration.ofDays(30));
    }

    public Duration oidcAccessTokenLifetime() {
        return duration("rempart.oidc.access-token-lifetime", Duration.ofMinutes(5));
    }

    public Duration oidcIdTokenLifetime() {
        return duration("rempart.oidc.id-token-lifetime", Duration.ofMinutes(10));
    }

    /** How long a refresh token stays usable if not used; each use gives a new one. */
    public Duration oidcRefreshTokenIdle() {
        return duration("rempart.oidc.refresh-token-idle", Duration.ofHours(12));
    }

    /** How long a grant (the chain of refresh tokens from one sign-in) may last at most. */
    public Duration oidcGrantLifetime() {
        return duration("rempart.oidc.grant-lifetime", Duration.ofDays(30));
    }

    public Duration oidcCodeLifetime() {
        return duration("rempart.oidc.code-lifetime", Duration.ofMinutes(1));
    }

    /** Clients registered by configuration: {@code rempart.oidc.clients=portal,console}, then {@code rempart.oidc.client.<id>.*}. */
    public List<String> oidcClientNames() {
        return list("rempart.oidc.clients");
    }

    public Optional<String> oidcClient(String id, String property) {
        return string("rempart.oidc.client." + id + "." + property);
    }

    public List<String> oidcClientList(String id, String property) {
        return list("rempart.oidc.client." + id + "." + property);
    }

    public Optional<String> bootstrapAdminClientSecret() {
        return string("rempart.bootstrap.admin-client-secret");
    }

    /** Security Event Token delivery: first retry after this, doubling up to an hour, given up after {@link #ssfMaxAttempts()}. */
    public Duration ssfRetryBase() {
        return duration("rempart.ssf.retry-base", Duration.ofSeconds(5));
    }

    public int ssfMaxAttempts() {
        return integer("rempart.ssf.max-attempts", 20);
    }

    /** The largest breach list accepted (the 33-million-row list of a later breach is about 2 GB). */
    /** Workers of a breach-list import, each with its own database connection (default: the cores, at most 4). */
    public int breachWorkers() {
        int workers = integer("rempart.breach.workers", Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors())));
        if (workers < 1 || workers > 16) {
            throw new IllegalStateException("rempart.breach.workers must be between 1 and 16");
        }
        return workers;
    }

    /** The language of the notices: each member's own ({@code member}, French unless they chose English), or {@code fr} or {@code en} for all. */
    public Optional<java.util.Locale> noticeLanguage() {
        String value = string("rempart.notify.language").orElse("member").trim().toLowerCase(java.util.Locale.ROOT);
        if (!List.of("member", "fr", "en").contains(value)) {
            throw new IllegalStateException("rempart.notify.language must be member, fr or en");
        }
        return value.equals("member") ? Optional.empty() : Optional.of(java.util.Locale.forLanguageTag(value));
    }

    /** Which flagged members get a postal breach letter: {@code all} with a postal address (default), {@code without-email}, or {@code none}. */
    public String noticeLetters() {
        String value = string("rempart.notify.letters").orElse("all").trim().toLowerCase(java.util.Locale.ROOT);
        if (!List.of("all", "without-email", "none").contains(value)) {
            throw new IllegalStateException("rempart.notify.letters must be all, without-email or none");
        }
        return value;
    }

    /**
     * Distinct addresses checking one message code past which the code is taken as copied onto other
     * messages: the check answers "likely copied" and the security admins are alerted once.
     */
    public int messageCheckCopiedAddresses() {
        int addresses = integer("rempart.message-check.copied-addresses", 20);
        if (addresses < 2 || addresses > 10_000) {
            throw new IllegalStateException("rempart.message-check.copied-addresses must be between 2 and 10000");
        }
        return addresses;
    }

    /** Letters per print-shop batch (one PDF each). */
    public int letterBatchSize() {
        int size = integer("rempart.notify.letter-batch-size", 1000);
        if (size < 1 || size > 20_000) {
            throw new IllegalStateException("rempart.notify.letter-batch-size must be between 1 and 20000");
        }
        return size;
    }

    /** The sender block printed on letters (lines separated by {@code |}), under the mutual's name. */
    public List<String> mutualPostalAddress() {
        return List.of(string("rempart.mutual.postal-address").orElse("Délégué à la protection des données|TSA 00000|75000 PARIS").split("\\|"));
    }

    /** The town letters are dated from. */
    public String mutualCity() {
        return string("rempart.mutual.city").orElse("Paris");
    }

    public long breachMaxUploadBytes() {
        try {
            return string("rempart.breach.max-upload-bytes").map(Long::parseLong).orElse(8L * 1024 * 1024 * 1024);
        } catch (NumberFormatException e) {
            throw new IllegalStateException("rempart.breach.max-upload-bytes must be a number of bytes", e);
        }
    }

    /** Reads every typed key once, so a malformed value fails the start-up, not a request later. */
    public void validate() {
        dataDir();
        dbPoolSize();
        demo();
        trustForwardedHeaders();
        argon2MemoryKib();
        argon2Iterations();
        argon2Parallelism();
        passwordMinLength();
        passwordMaxLength();
        passwordMinLengthWithSecondFactor();
        passwordMinGuessesLog10();
        passwordHistory();
        signinFreeAttempts();
        signinBaseDelay();
        signinMaxDelay();
        signinFailureMemory();
        signinAddressPerMinute();
        sessionIdleTimeout();
        sessionAbsoluteTimeout();
        if (staffSessionIdleTimeout().isNegative() || staffSessionIdleTimeout().isZero()
                || staffSessionAbsoluteTimeout().compareTo(staffSessionIdleTimeout()) < 0) {
            throw new IllegalStateException("rempart.staff.session.*: a positive idle timeout, and an absolute timeout no shorter than it");
        }
        deviceCookieLifetime();
        importBatchSize();
        messageCheckCopiedAddresses();
        smtpPort();
        smtpStartTls();
        if (!List.of("SHA1", "SHA256", "SHA512").contains(totpAlgorithm()) || (totpDigits() != 6 && totpDigits() != 8) || totpPeriod() < 15) {
            throw new IllegalStateException("rempart.totp.*: algorithm SHA1, SHA256 or SHA512; 6 or 8 digits; a period of 15 s or more");
        }
        passwordResetLifetime();
        breachMaxUploadBytes();
        reportFilesDir();
        helpdeskVerificationLifetime();
        smsGatewayUrl();
        smsGatewayToken();
        staffIdpIssuer();
        helpdeskApprovalLifetime();
        helpdeskActionsPerHour();
        helpdeskAlertThreshold();
        reportMaxFileBytes();
        reportUploadFilesPerDay();
        reportUploadBytesPerDay();
        reportUploadTotalBytes();
        reportUploadMinFreeBytes();
        reportImageMaxPixels();
        reportPdfMaxMemoryBytes();
        reportMailsPerRecipientPerDay();
        breachWorkers();
        noticeLanguage();
        noticeLetters();
        letterBatchSize();
        oidcIssuer();
        oidcKeyRotation();
        oidcAccessTokenLifetime();
        oidcIdTokenLifetime();
        oidcRefreshTokenIdle();
        oidcGrantLifetime();
        oidcCodeLifetime();
        ssfRetryBase();
        ssfMaxAttempts();
        if (oidcSigningAlgorithms().stream().anyMatch(a -> !List.of("ES256", "RS256").contains(a))) {
            throw new IllegalStateException("rempart.oidc.signing-algorithms: ES256 and/or RS256");
        }
    }

    private Optional<String> string(String key) {
        return config.getOptionalValue(key, String.class).map(String::trim).filter(s -> !s.isEmpty());
    }

    private int integer(String key, int fallback) {
        try {
            return string(key).map(Integer::parseInt).orElse(fallback);
        } catch (NumberFormatException e) {
            throw new IllegalStateException(key + " must be an integer", e);
        }
    }

    /** "true" or "false" only: a mistyped "flase" for rempart.smtp.starttls must stop the start, not turn STARTTLS off. */
    private boolean bool(String key, boolean fallback) {
        return string(key).map(v -> switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalStateException(key + " must be true or false");
        }).orElse(fallback);
    }

    private Duration duration(String key, Duration fallback) {
        try {
            return string(key).map(Duration::parse).orElse(fallback);
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalStateException(key + " must be an ISO-8601 duration such as PT15M", e);
        }
    }

    private List<String> list(String key) {
        return string(key).map(v -> Arrays.stream(v.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList())
                .orElse(List.of());
    }
}
