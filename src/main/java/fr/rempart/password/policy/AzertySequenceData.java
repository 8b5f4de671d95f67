package fr.rempart.password.policy;

import org.passay.data.CharacterSequence;
import org.passay.data.SequenceData;

/** The rows of a French AZERTY keyboard, for Passay's IllegalSequenceRule (Passay ships QWERTY only). */
public enum AzertySequenceData implements SequenceData {
    ROWS;

    private static final CharacterSequence[] SEQUENCES = {
            new CharacterSequence("azertyuiop", "AZERTYUIOP"),
            new CharacterSequence("qsdfghjklm", "QSDFGHJKLM"),
            new CharacterSequence("wxcvbn", "WXCVBN"),
            new CharacterSequence("&é\"'(-è_çà"),
    };

    @Override
    public String getErrorCode() {
        return "ILLEGAL_AZERTY_SEQUENCE";
    }

    @Override
    public CharacterSequence[] getSequences() {
        return SEQUENCES.clone();
    }
}
