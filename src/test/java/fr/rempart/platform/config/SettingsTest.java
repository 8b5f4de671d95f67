package fr.rempart.platform.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SettingsTest {

    @Test
    void aMistypedBooleanStopsTheStartNamingTheKeyInsteadOfTurningTheSettingOff() {
        assertThatThrownBy(() -> MapConfig.settings("rempart.smtp.starttls", "flase").validate())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("rempart.smtp.starttls");
        assertThatThrownBy(() -> MapConfig.settings("rempart.demo", "yes").validate()).hasMessageContaining("rempart.demo");
        assertThat(MapConfig.settings("rempart.smtp.starttls", "FALSE").smtpStartTls()).isFalse();
        assertThat(MapConfig.settings().smtpStartTls()).isTrue();
    }
}
