package fr.rempart.platform.validation;

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

/** A date of the past or today, ISO ({@code 2026-11-20}) or French ({@code 20/11/2026}), since 2000: an incident, the facts of a report. */
@Documented
@Retention(RUNTIME)
@Target({FIELD, PARAMETER, RECORD_COMPONENT})
@Constraint(validatedBy = ValidPastDate.Validator.class)
public @interface ValidPastDate {
    String message() default "{rempart.incident.date}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<ValidPastDate, String> {
        @Override
        public boolean isValid(String value, ConstraintValidatorContext context) {
            if (value == null) {
                return true;
            }
            Optional<LocalDate> date = Dates.parse(value);
            return date.isPresent() && !date.get().isAfter(LocalDate.now()) && !date.get().isBefore(LocalDate.of(2000, 1, 1));
        }
    }
}
