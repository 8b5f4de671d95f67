package fr.rempart.member;

import fr.rempart.platform.db.Jdbc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.time.Clock;
import java.sql.Connection;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/** Members in the database. Lookups by NIR go through the blind index only. */
@ApplicationScoped
public class MemberRepository {

    private Clock clock;

    /** What is written for a member: the validated values plus the sealed NIR and its index. */
    public record Row(MemberId id, MemberNumber number, byte[] nirSealed, String nirIndex, String nirMasked,
                      PersonName lastName, PersonName firstName, java.time.LocalDate birthDate, Sex sex, Email email,
                      PhoneNumber phone, PostalAddress address, String language, Set<RequiredAction> requiredActions) {
    }

    private static final String COLUMNS = "id, member_number, nir_masked, last_name, first_name, birth_date, sex, email, phone, "
            + "address_line1, address_line2, postcode, city, country, language, required_actions, created_at, updated_at";

    private Jdbc jdbc;

    protected MemberRepository() {
    }

    @Inject
    public MemberRepository(Jdbc jdbc, Clock clock) {
        this.clock = clock;
        this.jdbc = jdbc;
    }

    public Optional<Member> byId(MemberId id) {
        return jdbc.one("select " + COLUMNS + " from member where id = ?", MemberRepository::member, id.value());
    }

    /** The member numbers of these members, in one query (lists that keep member ids show numbers). */
    public java.util.Map<MemberId, String> numbersOf(java.util.Collection<MemberId> ids) {
        if (ids.isEmpty()) {
            return java.util.Map.of();
        }
        return jdbc.list("select id, member_number from member where id = any(?)", r -> java.util.Map.entry(new MemberId(r.getObject(1, UUID.class)),
                r.getString(2)), uuids(ids)).stream().collect(java.util.stream.Collectors.toMap(java.util.Map.Entry::getKey, java.util.Map.Entry::getValue));
    }

    /** These members, by id, in one query (a batch of notices to render). */
    public java.util.Map<MemberId, Member> byIds(java.util.Collection<MemberId> ids) {
        if (ids.isEmpty()) {
            return java.util.Map.of();
        }
        return jdbc.list("select " + COLUMNS + " from member where id = any(?)", MemberRepository::member, uuids(ids)).stream().collect(java.util.stream.Collectors.toMap(Member::id, m -> m));
    }

    public Optional<Member> byNumber(MemberNumber number) {
        return jdbc.one("select " + COLUMNS + " from member where member_number = ?", MemberRepository::member, number.value());
    }

    public Optional<Member> byEmail(Email email) {
        return jdbc.one("select " + COLUMNS + " from member where email_key = ?", MemberRepository::member, email.key());
    }

    /** Members born that day whose last name matches one of these keys ({@link PersonName#matchKey}); 20 at most. */
    public List<Member> byNameAndBirthDate(java.util.Collection<String> lastNameKeys, LocalDate birthDate) {
        if (lastNameKeys.isEmpty()) {
            return List.of();
        }
        return jdbc.list("select " + COLUMNS + " from member where last_name_key = any(?) and birth_date = ? order by member_number fetch first 20 rows only",
                MemberRepository::member, Jdbc.array("varchar", lastNameKeys), java.sql.Date.valueOf(birthDate));
    }

    public List<Member> byNirIndex(String index) {
        return jdbc.list("select " + COLUMNS + " from member where nir_index = ?", MemberRepository::member, index);
    }

    /**
     * What the breach response needs of the members behind these NIR blind indexes, in one read: the
     * name key and birth date it compares, and for those it flags, their required actions and which
     * contacts are on file (e-mail, full postal address).
     */
    public record Identity(MemberId id, String number, String nirIndex, String lastNameKey, LocalDate birthDate,
                           Set<RequiredAction> requiredActions, boolean email, boolean postal) {
    }

    public List<Identity> identitiesByNirIndex(java.util.Collection<String> indexes) {
        if (indexes.isEmpty()) {
            return List.of();
        }
        return jdbc.list("select id, member_number, nir_index, last_name_key, birth_date, required_actions, email, address_line1, postcode, city "
                        + "from member where nir_index = any(?)", r -> new Identity(new MemberId(r.getObject(1, UUID.class)), r.getString(2),
                        r.getString(3), r.getString(4), r.getDate(5).toLocalDate(), RequiredAction.parse(r.getString(6)), r.getString(7) != null,
                        r.getString(8) != null && r.getString(9) != null && r.getString(10) != null), Jdbc.array("varchar", indexes));
    }

    /** Flagged by the incident and still at risk: a password change or a second factor still pending. */
    private static final String AT_RISK = " from member_flag f join member m on m.id = f.member_id where f.incident = ? "
            + "and (m.required_actions like '%UPDATE_PASSWORD%' or m.required_actions like '%CONFIGURE_TOTP%')";

    /** A member flagged by an incident, and when. */
    public record Flag(MemberId member, String incident, Instant at) {
    }

    /** The incident's flags after {@code after} (null: from the start), by member id, a page at a time (the campaign view). */
    public List<Flag> flags(String incident, MemberId after, int limit) {
        String page = " order by member_id fetch first " + limit + " rows only";
        Jdbc.RowMapper<Flag> flag = r -> new Flag(new MemberId(r.getObject(1, UUID.class)), incident, Jdbc.instant(r, "flagged_at"));
        return after == null
                ? jdbc.list("select member_id, flagged_at from member_flag where incident = ?" + page, flag, incident)
                : jdbc.list("select member_id, flagged_at from member_flag where incident = ? and member_id > ?" + page, flag, incident, after.value());
    }

    /** The incidents that flagged the member, earliest first. */
    public List<Flag> flagsOf(MemberId member) {
        return jdbc.list("select incident, flagged_at from member_flag where member_id = ? order by flagged_at",
                r -> new Flag(member, r.getString(1), Jdbc.instant(r, "flagged_at")), member.value());
    }

    /** How many members the incident flagged each day. */
    public java.util.SortedMap<LocalDate, Long> dailyFlagged(String incident) {
        return jdbc.daily("select cast(flagged_at as date), count(*) from member_flag where incident = ? group by cast(flagged_at as date)", incident);
    }

    public long countFlagged(String incident) {
        return jdbc.one("select count(*) from member_flag where incident = ?", r -> r.getLong(1), incident).orElse(0L);
    }

    public long countAtRisk(String incident) {
        return jdbc.one("select count(*)" + AT_RISK, r -> r.getLong(1), incident).orElse(0L);
    }

    /** Members still at risk after {@code afterNumber}, by member number, a page at a time (the export). */
    public List<Member> atRisk(String incident, String afterNumber, int limit) {
        return jdbc.list("select " + COLUMNS.replace(", ", ", m.").replaceFirst("^", "m.") + AT_RISK + " and m.member_number > ? "
                + "order by m.member_number fetch first " + limit + " rows only", MemberRepository::member, incident, afterNumber);
    }

    /**
     * Flags with the incident those of these members it has not flagged yet (a re-import, a restart, a
     * concurrent job flag nobody twice) and returns them. Two statements whatever the count: the
     * flags already there, then one batch of inserts.
     */
    public List<MemberId> flagAll(java.util.Collection<MemberId> ids, String incident, String job, Instant at) {
        if (ids.isEmpty()) {
            return List.of();
        }
        Set<MemberId> already = new java.util.HashSet<>(jdbc.list("select member_id from member_flag where incident = ? and member_id = any(?)",
                r -> new MemberId(r.getObject(1, UUID.class)), incident, uuids(ids)));
        List<MemberId> fresh = ids.stream().distinct().filter(id -> !already.contains(id)).toList();
        if (!fresh.isEmpty()) {
            jdbc.update("insert into member_flag (member_id, incident, flagged_at, job_id) select t.m, ?, ?, ? from unnest(?) as t(m)", incident, at,
                    job, uuids(fresh));
        }
        return fresh;
    }

    /** Sets each member's required actions: one update per distinct set, so a batch of members costs a statement or two. */
    public void setRequiredActions(java.util.Map<MemberId, Set<RequiredAction>> actions) {
        Instant now = clock.instant();
        actions.entrySet().stream().collect(java.util.stream.Collectors.groupingBy(e -> RequiredAction.format(e.getValue()),
                java.util.stream.Collectors.mapping(java.util.Map.Entry::getKey, java.util.stream.Collectors.toList()))).forEach((value, ids) ->
                jdbc.update("update member set required_actions = ?, updated_at = ? where id = any(?)", value, now, uuids(ids)));
    }

    /** Member ids as one array parameter ({@code id = any(?)}). */
    public static Jdbc.SqlArray uuids(java.util.Collection<MemberId> ids) {
        return Jdbc.array("uuid", ids.stream().map(MemberId::value).toList());
    }

    /** Locks the member's row until the end of the caller's transaction (limits counted per member). */
    public void lock(Connection c, MemberId id) throws SQLException {
        try (var s = Jdbc.prepare(c, "select id from member where id = ? for update", id.value()); ResultSet r = s.executeQuery()) {
            r.next();
        }
    }

    public Optional<byte[]> sealedNir(MemberId id) {
        return jdbc.one("select nir_cipher from member where id = ?", r -> r.getBytes(1), id.value());
    }

    /** The ids of the members that already exist among these numbers (one query for a whole import batch). */
    public java.util.Map<String, MemberId> idsByNumber(Connection c, java.util.Collection<String> numbers) throws SQLException {
        java.util.Map<String, MemberId> ids = new java.util.HashMap<>();
        if (numbers.isEmpty()) {
            return ids;
        }
        try (var s = Jdbc.prepare(c, "select member_number, id from member where member_number = any(?)", Jdbc.array("varchar", numbers))) {
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ids.put(r.getString(1), new MemberId(r.getObject(2, UUID.class)));
                }
            }
        }
        return ids;
    }

    public void insert(Connection c, List<Row> rows) throws SQLException {
        Instant now = clock.instant();
        try (var s = c.prepareStatement("insert into member (id, member_number, nir_cipher, nir_index, nir_masked, last_name, first_name, "
                + "last_name_key, birth_date, sex, email, email_key, phone, address_line1, address_line2, postcode, city, country, "
                + "language, required_actions, created_at, updated_at) values (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")) {
            for (Row row : rows) {
                Object[] values = values(row);
                Object[] all = new Object[values.length + 4];
                all[0] = row.id().value();
                System.arraycopy(values, 0, all, 1, values.length);
                all[values.length + 1] = RequiredAction.format(row.requiredActions());
                all[values.length + 2] = now;
                all[values.length + 3] = now;
                Jdbc.bind(s, all);
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    /** Updates identity and contact; required actions are left as they are (they belong to the security state). */
    public void update(Connection c, List<Row> rows) throws SQLException {
        Instant now = clock.instant();
        try (var s = c.prepareStatement("update member set member_number = ?, nir_cipher = ?, nir_index = ?, nir_masked = ?, last_name = ?, "
                + "first_name = ?, last_name_key = ?, birth_date = ?, sex = ?, email = ?, email_key = ?, phone = ?, address_line1 = ?, "
                + "address_line2 = ?, postcode = ?, city = ?, country = ?, language = ?, updated_at = ? where id = ?")) {
            for (Row row : rows) {
                Object[] values = values(row);
                Object[] all = new Object[values.length + 2];
                System.arraycopy(values, 0, all, 0, values.length);
                all[values.length] = now;
                all[values.length + 1] = row.id().value();
                Jdbc.bind(s, all);
                s.addBatch();
            }
            s.executeBatch();
        }
    }

    public void setRequiredActions(MemberId id, Set<RequiredAction> actions) {
        jdbc.update("update member set required_actions = ?, updated_at = ? where id = ?", RequiredAction.format(actions), clock.instant(), id.value());
    }

    private static Object[] values(Row row) {
        PostalAddress a = row.address();
        return new Object[]{row.number().value(), row.nirSealed(), row.nirIndex(), row.nirMasked(), row.lastName().value(),
                row.firstName().value(), row.lastName().matchKey(), Date.valueOf(row.birthDate()), String.valueOf(row.sex().code()),
                row.email() == null ? null : row.email().value(), row.email() == null ? null : row.email().key(),
                row.phone() == null ? null : row.phone().e164(), a == null ? null : a.line1(), a == null ? null : a.line2(),
                a == null ? null : a.postcode(), a == null ? null : a.city(), a == null ? null : a.country(), row.language()};
    }

    private static Member member(ResultSet r) throws SQLException {
        String email = r.getString("email");
        String phone = r.getString("phone");
        String line1 = r.getString("address_line1");
        PostalAddress address = line1 == null && r.getString("postcode") == null ? null
                : new PostalAddress(line1, r.getString("address_line2"), r.getString("postcode"), r.getString("city"), r.getString("country"));
        return new Member(new MemberId(r.getObject("id", UUID.class)), new MemberNumber(r.getString("member_number")),
                r.getString("nir_masked"), new PersonName(r.getString("last_name")), new PersonName(r.getString("first_name")),
                r.getDate("birth_date").toLocalDate(), Sex.ofCode(r.getString("sex").charAt(0)),
                email == null ? null : new Email(email), phone == null ? null : new PhoneNumber(phone), address,
                r.getString("language"), RequiredAction.parse(r.getString("required_actions")),
                Jdbc.instant(r, "created_at"), Jdbc.instant(r, "updated_at"));
    }
}
