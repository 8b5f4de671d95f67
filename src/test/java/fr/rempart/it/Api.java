package fr.rempart.it;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import java.io.IOException;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;

/** JSON API calls against the test server. */
public final class Api {

    private static final AtomicInteger NUMBERS = new AtomicInteger((int) (System.currentTimeMillis() % 100_000) * 10);
    private static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Api() {
    }

    /** A member number no other test uses. */
    public static String newMemberNumber() {
        return "T" + String.format("%08d", NUMBERS.incrementAndGet());
    }

    public static HttpResponse<String> send(HttpRequest.Builder request) {
        return send(request, HttpResponse.BodyHandlers.ofString());
    }

    public static HttpResponse<byte[]> sendBytes(HttpRequest.Builder request) {
        return send(request, HttpResponse.BodyHandlers.ofByteArray());
    }

    private static <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
        try {
            return CLIENT.send(request.build(), body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static HttpResponse<String> postJson(String path, String token, String json) {
        HttpRequest.Builder b = HttpRequest.newBuilder(RempartServer.get().uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b);
    }

    public static HttpResponse<String> get(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(RempartServer.get().uri(path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return send(b);
    }

    public static JsonObject json(HttpResponse<String> response) {
        try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readObject();
        }
    }

    public static jakarta.json.JsonArray jsonArray(HttpResponse<String> response) {
        try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readArray();
        }
    }

    /** A valid NIR no other test uses, for a woman born in May 1984 (as {@link #member} says). */
    public static String newNir() {
        int n = NUMBERS.incrementAndGet();
        String first13 = "2840575" + String.format("%03d", n % 1000) + String.format("%03d", (n / 1000) % 999 + 1);
        return first13 + String.format("%02d", 97 - Long.parseLong(first13) % 97);
    }

    /** A valid member as JSON with a NIR of its own; the NIR agrees with sex F and birth date 1984-05-12. */
    public static String member(String number, String email, String password) {
        return member(number, newNir(), email, password);
    }

    /**
     * An Argon2id hash made here, as a migration from another system would bring it: members with a
     * password chosen by an administrator must change it first, imported hashes are the member's own.
     */
    public static String hash(String password) {
        return com.password4j.Argon2Function.getInstance(8192, 1, 1, 32, com.password4j.types.Argon2.ID, 19).hash(password).getResult();
    }

    public static String member(String number, String nir, String email, String password) {
        return """
                {"memberNumber":"%s","nir":"%s","lastName":"Lefèvre-Dupont","firstName":"Hélène",
                 "birthDate":"12/05/1984","sex":"F","email":"%s","phone":"06 11 22 33 44",
                 "address":{"line1":"3 place du Marché","postcode":"69003","city":"Lyon"}%s}
                """.formatted(number, nir, email, password == null ? "" : ",\"passwordHash\":\"" + hash(password) + "\"");
    }
}
