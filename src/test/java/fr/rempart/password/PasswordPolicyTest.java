package fr.rempart.password;

import fr.rempart.member.Nir;
import fr.rempart.password.corpus.PwnedImport;
import fr.rempart.password.corpus.PwnedPasswords;
import fr.rempart.password.corpus.PwnedStore;
import fr.rempart.password.policy.PasswordContext;
import fr.rempart.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class PasswordPolicyTest {

    private static final String GOOD = "une phrase de passe assez longue";
    private static TestDatabase db;
    private static PasswordPolicy policy;
    private static PasswordHistory history;
    private static PasswordContext camille;

    @BeforeAll
    static void setUp() throws Exception {
        db = new TestDatabase();
        Path store = Files.createTempDirectory("pwned").resolve("pwned.bin");
        try (PwnedImport importer = new PwnedImport(store)) {
            for (String breached : List.of("password", "motdepasse123", "Tr0ub4dor&3-longue-version!", "correcthorsebatterystaple")) {
                importer.add(MessageDigest.getInstance("SHA-1").digest(breached.getBytes(StandardCharsets.UTF_8)), 42);
            }
            importer.finish();
        }
        history = new PasswordHistory(db.jdbc, db.keys, db.settings, java.time.Clock.systemUTC());
        policy = new PasswordPolicy(db.settings, PwnedPasswords.serving(PwnedStore.open(store)), history);
        camille = new PasswordContext("Lefèvre-Dupont", "Hélène", LocalDate.of(1980, 3, 1), Nir.parse("2800375108123" + key("2800375108123")),
                "10000001", "helene.lefevre", false, List.of());
    }

    private static String key(String first13) {
        return String.format("%02d", 97 - Long.parseLong(first13) % 97);
    }

    @AfterAll
    static void tearDown() {
        db.close();
    }

    private static List<String> codes(String password, PasswordContext context) {
        return policy.check(password, context, Locale.FRENCH).violations().stream().map(PasswordPolicy.Violation::code).toList();
    }

    @Test
    void aLongUnusualPassphraseIsAccepted() {
        PasswordPolicy.Verdict verdict = policy.check(GOOD, camille, Locale.FRENCH);
        assertThat(verdict.violations()).isEmpty();
        assertThat(verdict.acceptable()).isTrue();
        assertThat(verdict.estimatedGuessesLog10()).isGreaterThan(10);
    }

    @Test
    void lengthIsCountedInCodePointsAfterNfkcAndNeverTruncated() {
        assertThat(codes("court mais sûr", camille)).contains("TOO_SHORT");
        // 15 emoji are 30 UTF-16 units but 15 characters: long enough.
        assertThat(codes("🦊🐢🌵🍄🚲🎻🧭🪁🦉🌋🧩🛶🪴🐙🎲", camille)).doesNotContain("TOO_SHORT", "TOO_LONG");
        assertThat(codes("a".repeat(60) + " fin de phrase bien trop longue ".repeat(3), camille)).contains("TOO_LONG");
        assertThat(codes("x".repeat(100_000), camille)).containsExactly("TOO_LONG");
    }

    @Test
    void aSecondFactorLowersTheMinimumTo12() {
        PasswordContext withOtp = new PasswordContext(null, null, null, null, null, null, true, List.of());
        assertThat(codes("orage pivert", withOtp)).doesNotContain("TOO_SHORT");
        assertThat(codes("orage pivert", PasswordContext.anonymous())).contains("TOO_SHORT");
    }

    @ParameterizedTest
    @ValueSource(strings = {"le jardin abcdef du soir", "le jardin 456789 du soir", "le jardin qwerty du soir", "le jardin azerty du soir",
            "le jardin sdfghj du soir"})
    void sequencesAreRefused(String password) {
        assertThat(codes(password, camille)).anyMatch(c -> c.startsWith("ILLEGAL_") && c.endsWith("_SEQUENCE"));
    }

    @Test
    void repeatedCharactersAreRefused() {
        assertThat(codes("le jardin aaaa du soir tombant", camille)).contains("ILLEGAL_REPEATED_CHARS");
    }

    @ParameterizedTest
    @ValueSource(strings = {"dictionnaire", "Bonjour", "motdepasse", "monpassword2024"})
    void commonWordsAndPasswordsAreRefused(String password) {
        assertThat(codes(password, camille)).contains("ILLEGAL_WORD");
    }

    @ParameterizedTest
    @ValueSource(strings = {"Lefevre-Dupont et la mer", "la mer d'HELENE au matin", "ma fete le 01031980 !", "ma fete le 1980-03-01 !",
            "ma fete le 010380 ici", "ma fete le 1er mars ici", "l3f3vr3 dup0nt au soleil", "ertpud erveFEL au soleil",
            "mon code 751081 secret", "adhérent 10000001 secret", "h3l3n3.l3f3vr3 au lac", "ma fête 1 mars du printemps"})
    void theMembersOwnDataIsRefusedInEveryForm(String password) {
        assertThat(codes(password, camille)).contains("PERSONAL_DATA");
    }

    @Test
    void theMessageNamesTheKindOfDataNotTheDataItself() {
        List<PasswordPolicy.Violation> violations = policy.check("mon code 751081 secret et long", camille, Locale.FRENCH).violations();
        assertThat(violations).anySatisfy(v -> assertThat(v.message()).contains("sécurité sociale").doesNotContain("751081"));
    }

    @Test
    void breachedPasswordsAreRefusedOnExactMatchOnly() {
        assertThat(codes("Tr0ub4dor&3-longue-version!", PasswordContext.anonymous())).contains("BREACHED");
        assertThat(codes("Tr0ub4dor&3-longue-version?", PasswordContext.anonymous())).doesNotContain("BREACHED");
    }

    @Test
    void aRecentPasswordIsRefused() {
        var member = db.insertMember();
        history.record(member, GOOD);
        PasswordContext withHistory = new PasswordContext(null, null, null, null, null, null, false, history.recent(member));
        assertThat(codes(GOOD, withHistory)).containsExactly("HISTORY_VIOLATION");
        assertThat(codes(GOOD, PasswordContext.anonymous())).isEmpty();
    }

    @Test
    void onlyTheLastFivePasswordsAreKept() {
        var member = db.insertMember();
        for (int i = 0; i < 7; i++) {
            history.record(member, "ancienne phrase numéro " + i);
        }
        assertThat(history.recent(member)).hasSize(5).doesNotContain(history.mac("ancienne phrase numéro 0"));
    }

    @Test
    void easilyGuessedPasswordsAreRefusedWithTheEstimateShown() {
        PasswordPolicy.Verdict verdict = policy.check("Password2024!!!!", PasswordContext.anonymous(), Locale.ENGLISH);
        assertThat(verdict.violations()).extracting(PasswordPolicy.Violation::code).contains("TOO_GUESSABLE");
        assertThat(verdict.estimatedGuessesLog10()).isLessThan(10);
    }

    @Test
    void controlCharactersAndUnpairedSurrogatesGetTheirOwnAnswer() {
        assertThat(codes("une phrase\u0007 de passe assez longue", camille)).contains("CONTROL_CHARACTER");
        assertThat(codes("une phrase \uD800 de passe assez longue", camille)).containsExactly("INVALID_UNICODE");
        assertThat(codes("", camille)).containsExactly("REQUIRED");
        assertThat(codes("                    ", camille)).contains("BLANK");
    }

    @Test
    void everyBrokenRuleIsReportedAtOnceInTheMembersLanguage() {
        List<PasswordPolicy.Violation> fr = policy.check("password", camille, Locale.FRENCH).violations();
        assertThat(fr).extracting(PasswordPolicy.Violation::code).contains("TOO_SHORT", "ILLEGAL_WORD", "BREACHED", "TOO_GUESSABLE");
        assertThat(fr.get(0).message()).contains("au moins 15 caractères");
        assertThat(policy.check("password", camille, Locale.ENGLISH).violations().get(0).message()).contains("at least 15 characters");
    }

    @Test
    void theCnilProfileAsksForCharacterKinds() throws Exception {
        try (TestDatabase cnilDb = new TestDatabase("rempart.password.profile", "cnil")) {
            PasswordPolicy cnil = new PasswordPolicy(cnilDb.settings, policyCorpus(), new PasswordHistory(cnilDb.jdbc, cnilDb.keys, cnilDb.settings, java.time.Clock.systemUTC()));
            assertThat(cnil.check("tout en minuscules ici", PasswordContext.anonymous(), Locale.FRENCH).violations())
                    .extracting(PasswordPolicy.Violation::code).contains("INSUFFICIENT_CHARACTERISTICS");
            assertThat(cnil.check("Vélo-Rouge 7 du Quai!", PasswordContext.anonymous(), Locale.FRENCH).acceptable()).isTrue();
        }
    }

    private static PwnedPasswords policyCorpus() throws Exception {
        Path store = Files.createTempDirectory("pwned").resolve("empty.bin");
        try (PwnedImport importer = new PwnedImport(store)) {
            importer.finish();
        }
        return PwnedPasswords.serving(PwnedStore.open(store));
    }
}
