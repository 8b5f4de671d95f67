package fr.rempart.password;

import fr.rempart.member.validation.ValidPasswordHash;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

/** Validates {@link ValidPasswordHash} (member's import forms): a hash {@link PasswordHasher} recognises. Registered in {@code META-INF/services}. */
public class PasswordHashValidator implements ConstraintValidator<ValidPasswordHash, String> {

    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
        return value == null || PasswordHasher.recognised(value);
    }
}
