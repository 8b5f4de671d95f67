package fr.rempart.it;

import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.HttpCookie;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A cookie-keeping HTTP client that uses the pages as a browser would (GET the form, read its CSRF
 * token, POST it), from its own client address (sent as X-Forwarded-For, which the test server trusts).
 */
public final class FormClient {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");
    private static int addresses;

    private final RempartServer server;
    private final CookieManager cookies = new CookieManager(null, CookiePolicy.ACCEPT_ALL);
    private final HttpClient client;
    private final String address;
    private String lastPage = "";

    public FormClient(RempartServer server) {
        this(server, nextAddress());
    }

    public FormClient(RempartServer server, String address) {
        this.server = server;
        this.address = address;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).cookieHandler(cookies).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private static synchronized String nextAddress() {
        addresses++;
        return "198.51." + (addresses / 250) + "." + (addresses % 250 + 1);
    }

    public String address() {
        return address;
    }

    public HttpResponse<String> get(String path) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(server.uri(path)).GET());
        lastPage = r.body();
        return r;
    }

    /** GETs the page holding the form, then posts the fields with that page's CSRF token. */
    public HttpResponse<String> submit(String formPage, String action, Map<String, String> fields) {
        get(formPage);
        return post(action, fields, csrf().orElse(""));
    }

    public HttpResponse<String> post(String action, Map<String, String> fields, String csrf) {
        Map<String, String> all = new LinkedHashMap<>(fields);
        if (csrf != null) {
            all.put("_csrf", csrf);
        }
        String body = all.entrySet().stream().map(e -> enc(e.getKey()) + "=" + enc(e.getValue())).collect(Collectors.joining("&"));
        HttpResponse<String> r = send(HttpRequest.newBuilder(server.uri(action)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        lastPage = r.body();
        return r;
    }

    public HttpResponse<String> signIn(String identifier, String password) {
        return submit("/signin", "/signin", Map.of("identifier", identifier, "password", password));
    }

    public Optional<String> csrf() {
        Matcher m = CSRF.matcher(lastPage);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }

    public Optional<HttpCookie> cookie(String name) {
        return cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name)).findFirst();
    }

    public void removeCookie(String name) {
        cookies.getCookieStore().getCookies().stream().filter(c -> c.getName().equals(name)).toList()
                .forEach(c -> cookies.getCookieStore().remove(null, c));
    }

    public void addCookie(HttpCookie cookie) {
        cookies.getCookieStore().add(URI.create(server.baseUrl()), cookie);
    }

    public HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return client.send(request.header("X-Forwarded-For", address).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
