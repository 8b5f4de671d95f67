package fr.rempart.member.validation;

import fr.rempart.member.Nir;
import fr.rempart.member.Sex;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.time.LocalDate;
import java.util.Optional;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

/**
 * Class-level rule: the NIR agrees with the declared sex and the birth year and month
 * (an incomplete-record month 20–42/50–99 agrees with any month). Reported on the {@code nir} field.
 */
@Documented
@Retention(RUNTIME)
@Target(TYPE)
@Constraint(validatedBy = ConsistentIdentity.Validator.class)
public @interface ConsistentIdentity {
    String message() default "{rempart.nir.inconsistent}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    /** What the constrained type exposes. */
    interface Identity {
        String nir();

        String sex();

        String birthDate();
    }

    class Validator implements ConstraintValidator<ConsistentIdentity, Identity> {
        @Override
        public boolean isValid(Identity identity, ConstraintValidatorContext context) {
            if (identity == null || Nir.problem(identity.nir()).isPresent()) {
                return true; // the field-level constraints report these
            }
            Nir nir = Nir.parse(identity.nir());
            Optional<Sex> sex = Sex.parse(identity.sex());
            Optional<LocalDate> birth = fr.rempart.member.BirthDates.parse(identity.birthDate());
            boolean consistent = sex.map(s -> s.agreesWith(nir)).orElse(true)
                    && birth.map(b -> agrees(nir, b)).orElse(true);
            if (!consistent) {
                context.disableDefaultConstraintViolation();
                context.buildConstraintViolationWithTemplate(context.getDefaultConstraintMessageTemplate())
                        .addPropertyNode("nir").addConstraintViolation();
            }
            return consistent;
        }

        static boolean agrees(Nir nir, LocalDate birth) {
            return nir.yearOfBirth2() == birth.getYear() % 100
                    && nir.monthOfBirth().map(m -> m == birth.getMonthValue()).orElse(true);
        }
    }
}
