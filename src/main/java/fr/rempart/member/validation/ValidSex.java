package fr.rempart.member.validation;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.RECORD_COMPONENT;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

/** Sex as the civil status records it: M (or H, 1) or F (or 2). Null is valid: combine with {@code @NotBlank} when the value is required. */
@Documented
@Retention(RUNTIME)
@Target({FIELD, PARAMETER, RECORD_COMPONENT})
@Constraint(validatedBy = ValidSex.Validator.class)
public @interface ValidSex {
    String message() default "{rempart.sex.invalid}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<ValidSex, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            return value == null || fr.rempart.member.Sex.parse(value).isPresent();
        }
    }
}
