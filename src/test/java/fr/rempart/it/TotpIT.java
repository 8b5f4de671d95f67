package fr.rempart.it;

import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * TOTP over HTTP, with codes computed by an independent implementation (Debian's oathtool) from the
 * key the enrolment page shows: enrolment, each time step accepted once (also after a restart),
 * recovery codes used once.
 */
class TotpIT {

    private static final String PASSWORD = "une phrase de passe assez longue";
    private static final Pattern KEY = Pattern.compile("<code id=\"totp-key\" class=\"key\">([A-Z2-7 ]+)</code>");
    private static final Pattern CODE = Pattern.compile("<li><code>([A-Z2-9]{5}-[A-Z2-9]{5})</code></li>");
    private final RempartServer server = RempartServer.get();

    static String oathtool(String secret, long epochSeconds) {
        try {
            Process p = new ProcessBuilder("oathtool", "--totp", "-b", "--now", "@" + epochSeconds, secret).redirectErrorStream(true).start();
            String code = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).strip();
            assertThat(p.waitFor()).isZero();
            return code;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String location(HttpResponse<String> r) {
        return r.headers().firstValue("Location").orElse("");
    }

    /** Two browsers at the second-factor step send the same code together; returns how many got in. */
    private int concurrently(String number, String code) {
        List<FormClient> browsers = List.of(new FormClient(server), new FormClient(server));
        for (FormClient b : browsers) {
            assertThat(location(b.signIn(number, PASSWORD))).endsWith("/signin/second-factor");
            b.get("/signin/second-factor");
        }
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.CompletableFuture<Integer>> answers = browsers.stream().map(b -> {
            String csrf = b.csrf().orElseThrow();
            return java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return b.post("/signin/second-factor", Map.of("code", code), csrf).statusCode();
            });
        }).toList();
        start.countDown();
        return (int) answers.stream().map(java.util.concurrent.CompletableFuture::join).filter(status -> status == 303).count();
    }

    @Test
    void totpCodeIsAcceptedOnlyOnceAndRecoveryCodesWorkOnce() {
        String number = Api.newMemberNumber();
        String json = Api.member(number, number.toLowerCase() + "@example.org", PASSWORD).strip();
        json = json.substring(0, json.length() - 1) + ",\"requiredActions\":[\"CONFIGURE_TOTP\"]}";
        assertThat(Api.postJson("/api/v1/members", server.token("security-admin"), json).statusCode()).isEqualTo(201);

        // Enrolment, as the required action after the password.
        FormClient browser = new FormClient(server);
        assertThat(location(browser.signIn(number, PASSWORD))).endsWith("/required-actions");
        HttpResponse<String> enrolPage = browser.get("/required-actions/configure-totp");
        assertThat(enrolPage.body()).contains("otpauth://totp/").contains("data:image/png;base64,");
        Matcher key = KEY.matcher(enrolPage.body());
        assertThat(key.find()).isTrue();
        String secret = key.group(1).replace(" ", "");
        assertThat(secret).hasSize(32); // 160 bits

        HttpResponse<String> wrong = browser.post("/required-actions/configure-totp", Map.of("code", "000000"), browser.csrf().orElseThrow());
        assertThat(wrong.statusCode()).isEqualTo(400);
        browser.get("/required-actions/configure-totp");
        String enrolmentCode = oathtool(secret, Instant.now().getEpochSecond());
        HttpResponse<String> codesPage = browser.post("/required-actions/configure-totp", Map.of("code", enrolmentCode), browser.csrf().orElseThrow());
        assertThat(codesPage.statusCode()).isEqualTo(200);
        List<String> recovery = CODE.matcher(codesPage.body()).results().map(m -> m.group(1)).toList();
        assertThat(recovery).hasSize(10).doesNotHaveDuplicates();
        assertThat(codesPage.body()).contains("download=\"codes-de-secours.txt\"");
        HttpResponse<String> onward = browser.post("/required-actions/configure-totp", Map.of("acknowledged", "true"), browser.csrf().orElseThrow());
        assertThat(location(onward)).endsWith("/account");
        String account = browser.get("/account").body();
        assertThat(account).contains("id=\"recovery-codes-left\">10<");

        // The enrolment code cannot be replayed at the next sign-in.
        FormClient second = new FormClient(server);
        assertThat(location(second.signIn(number, PASSWORD))).endsWith("/signin/second-factor");
        assertThat(second.get("/account").statusCode()).isEqualTo(303);
        second.get("/signin/second-factor");
        HttpResponse<String> replay = second.post("/signin/second-factor", Map.of("code", enrolmentCode), second.csrf().orElseThrow());
        assertThat(replay.statusCode()).isEqualTo(400);
        assertThat(replay.body()).contains("déjà été utilisé");

        second.get("/signin/second-factor");
        assertThat(second.post("/signin/second-factor", Map.of("code", "12a45"), second.csrf().orElseThrow()).body()).contains("6 chiffres");

        // The next step's code (within the ±1 window) is fresh.
        String next = oathtool(secret, Instant.now().getEpochSecond() + 30);
        second.get("/signin/second-factor");
        HttpResponse<String> accepted = second.post("/signin/second-factor", Map.of("code", next.substring(0, 3) + " " + next.substring(3)), second.csrf().orElseThrow());
        assertThat(location(accepted)).endsWith("/account");
        assertThat(second.get("/account").body()).contains("pwd, otp");

        // A recovery code replaces the TOTP code once.
        FormClient third = new FormClient(server);
        third.signIn(number, PASSWORD);
        third.get("/signin/second-factor");
        assertThat(location(third.post("/signin/second-factor", Map.of("code", recovery.get(0).toLowerCase()), third.csrf().orElseThrow()))).endsWith("/account");
        assertThat(third.get("/account").body()).contains("id=\"recovery-codes-left\">9<");
        FormClient fourth = new FormClient(server);
        fourth.signIn(number, PASSWORD);
        fourth.get("/signin/second-factor");
        assertThat(fourth.post("/signin/second-factor", Map.of("code", recovery.get(0)), fourth.csrf().orElseThrow()).statusCode()).isEqualTo(400);

        // The same recovery code, or the same fresh code, sent twice at the same instant: one success only.
        assertThat(concurrently(number, recovery.get(1))).isEqualTo(1);
        assertThat(concurrently(number, oathtool(secret, Instant.now().getEpochSecond() + 60))).isLessThanOrEqualTo(1);

        // Still refused after a restart: the accepted step is in the database, not in memory.
        server.restart();
        FormClient afterRestart = new FormClient(server);
        HttpResponse<String> again = afterRestart.signIn(number, PASSWORD);
        assertThat(location(again)).as(again.statusCode() + " " + again.body()).endsWith("/signin/second-factor");
        afterRestart.get("/signin/second-factor");
        assertThat(afterRestart.post("/signin/second-factor", Map.of("code", next), afterRestart.csrf().orElseThrow()).body()).contains("déjà été utilisé");
    }
}
