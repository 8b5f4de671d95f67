package fr.rempart.member.validation;

import fr.rempart.member.Nir;
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

/** A valid NIR (format and key); the message says which of the two is wrong. Null is valid. */
@Documented
@Retention(RUNTIME)
@Target({FIELD, PARAMETER, RECORD_COMPONENT})
@Constraint(validatedBy = ValidNir.Validator.class)
public @interface ValidNir {
    String message() default "{rempart.nir.format}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<ValidNir, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            return Nir.problem(value).map(problem -> {
                if (problem == Nir.Problem.KEY) {
                    context.disableDefaultConstraintViolation();
                    context.buildConstraintViolationWithTemplate("{rempart.nir.key}").addConstraintViolation();
                }
                return false;
            }).orElse(true);
        }
    }
}
