package fr.rempart.audit;

/** Who did something: a member, a staff member or client (from a token), or Rempart itself. */
public record Actor(String kind, String id) {

    public static final Actor SYSTEM = new Actor("system", "rempart");

    public static Actor member(String memberNumber) {
        return new Actor("member", memberNumber);
    }

    /** A member of staff signed in to Rempart's own staff pages (helpdesk, security). */
    public static Actor staff(String username) {
        return new Actor("staff", username);
    }

    public static Actor token(String issuerName, String subject) {
        return new Actor("token", issuerName + ":" + subject);
    }

    @Override
    public String toString() {
        return kind + ":" + id;
    }
}
