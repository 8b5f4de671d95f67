package fr.rempart.member.validation;

import fr.rempart.member.BirthDates;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.time.LocalDate;
import java.util.Optional;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.RECORD_COMPONENT;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

/** A birth date, ISO ({@code 1980-03-01}) or French ({@code 01/03/1980}), not in the future, not before 1900. */
@Documented
@Retention(RUNTIME)
@Target({FIELD, PARAMETER, RECORD_COMPONENT})
@Constraint(validatedBy = ValidBirthDate.Validator.class)
public @interface ValidBirthDate {
    String message() default "{rempart.birth-date.format}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<ValidBirthDate, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            Optional<LocalDate> date = BirthDates.parse(value);
            if (date.isEmpty()) {
                return false;
            }
            String problem = date.get().isAfter(LocalDate.now()) ? "{rempart.birth-date.future}"
                    : date.get().isBefore(BirthDates.EARLIEST) ? "{rempart.birth-date.too-old}" : null;
            if (problem != null) {
                context.disableDefaultConstraintViolation();
                context.buildConstraintViolationWithTemplate(problem).addConstraintViolation();
                return false;
            }
            return true;
        }
    }
}
