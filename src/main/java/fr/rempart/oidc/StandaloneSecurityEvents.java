package fr.rempart.oidc;

import fr.rempart.audit.AuditTrail;
import fr.rempart.member.AccountEvent;
import fr.rempart.member.AccountsCompromised;
import fr.rempart.member.StandaloneListener;
import fr.rempart.platform.config.Settings;
import fr.rempart.platform.crypto.KeyRing;
import fr.rempart.platform.db.Database;
import fr.rempart.platform.db.Jdbc;

/** {@link SecurityEvents} for the operator commands (registered in {@code META-INF/services}): grants revoked, events queued for the server to deliver. */
public class StandaloneSecurityEvents implements StandaloneListener {

    private SecurityEvents events;

    @Override
    public void open(Database database, Jdbc jdbc, Settings settings, KeyRing keyRing, AuditTrail audit) {
        events = SecurityEvents.standalone(database, jdbc, settings, keyRing, audit);
    }

    @Override
    public void on(AccountEvent event) {
        events.on(event);
    }

    @Override
    public void on(AccountsCompromised compromised) {
        events.on(compromised);
    }
}
