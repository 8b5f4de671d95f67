package fr.rempart.member;

import fr.rempart.audit.AuditTrail;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.KeyRing;
import fr.rempart.platform.db.Database;
import fr.rempart.platform.db.Jdbc;

/**
 * Who hears account events when an operator command changes accounts without the container (the
 * breach-list import), as CDI observers do in the server: the OpenID provider's security events.
 * The command finds them with {@link java.util.ServiceLoader} ({@code META-INF/services}), so it
 * needs no import of the capability that reacts, which sits beside it.
 */
public interface StandaloneListener {

    /** Opens on the command's database, before any event. */
    void open(Database database, Jdbc jdbc, Settings settings, KeyRing keyRing, AuditTrail audit);

    void on(AccountEvent event);

    void on(AccountsCompromised compromised);
}
