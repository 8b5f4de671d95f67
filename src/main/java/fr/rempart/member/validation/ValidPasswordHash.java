package fr.rempart.member.validation;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.RECORD_COMPONENT;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

/**
 * An imported password hash in a format Rempart verifies: Argon2 (PHC), bcrypt, PBKDF2. Null is
 * valid. Which formats those are is the password capability's to say, above member: its validator
 * ({@code password.PasswordHashValidator}) is registered through Hibernate Validator's service
 * loader ({@code META-INF/services/jakarta.validation.ConstraintValidator}).
 */
@Documented
@Retention(RUNTIME)
@Target({FIELD, PARAMETER, RECORD_COMPONENT})
@Constraint(validatedBy = {})
public @interface ValidPasswordHash {
    String message() default "{rempart.password-hash.unsupported}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
