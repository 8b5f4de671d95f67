package fr.rempart.report;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.util.Set;

import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

/**
 * Class-level rules between the facts, each reported on the field to fill in: an SMS or a call needs
 * the sender's number, an e-mail the sender's address; money taken needs an amount above zero;
 * information given needs which; an identity used needs by which organisation.
 */
@Documented
@Retention(RUNTIME)
@Target(TYPE)
@Constraint(validatedBy = ConsistentFacts.Validator.class)
public @interface ConsistentFacts {
    String message() default "{rempart.report.facts}";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Validator implements ConstraintValidator<ConsistentFacts, ReportForm> {
        @Override
        public boolean isValid(ReportForm form, ConstraintValidatorContext context) {
            if (form == null) {
                return true;
            }
            context.disableDefaultConstraintViolation();
            Set<Report.Kind> kinds = form.kindSet();
            boolean valid = true;
            Report.Channel channel = form.channelValue().orElse(null);
            if ((channel == Report.Channel.SMS || channel == Report.Channel.CALL) && blank(form.senderNumber())) {
                valid = refuse(context, "senderNumber", "{rempart.report.sender-number.required}");
            }
            if (channel == Report.Channel.EMAIL && blank(form.senderAddress())) {
                valid = refuse(context, "senderAddress", "{rempart.report.sender-address.required}");
            }
            if (kinds.contains(Report.Kind.MONEY_TAKEN) && form.amountInCents().map(a -> a <= 0).orElse(blank(form.amount()))) {
                valid = refuse(context, "amount", "{rempart.report.amount.required}");
            }
            if (kinds.contains(Report.Kind.GAVE_INFORMATION) && (form.informationGiven() == null || form.informationGiven().isEmpty())) {
                valid = refuse(context, "informationGiven", "{rempart.report.information.required}");
            }
            if (kinds.contains(Report.Kind.IDENTITY_USED) && blank(form.organisation())) {
                valid = refuse(context, "organisation", "{rempart.report.organisation.required}");
            }
            return valid;
        }

        private static boolean refuse(ConstraintValidatorContext context, String field, String message) {
            context.buildConstraintViolationWithTemplate(message).addPropertyNode(field).addConstraintViolation();
            return false;
        }

        private static boolean blank(String value) {
            return value == null || value.isBlank();
        }
    }
}
