package fr.rempart.platform.validation;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.MessageInterpolator;
import jakarta.validation.Validation;
import jakarta.validation.ValidatorFactory;
import org.hibernate.validator.messageinterpolation.ResourceBundleMessageInterpolator;
import org.hibernate.validator.resourceloading.PlatformResourceBundleLocator;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.ResourceBundle;

/**
 * Bean Validation (Hibernate Validator) with messages in the user's language: the request's locale
 * is passed explicitly, because the container's default interpolation follows the JVM's locale.
 */
@ApplicationScoped
public class FormValidator {

    private final ValidatorFactory factory;
    private final MessageInterpolator interpolator;

    public FormValidator() {
        // Our bundle (ValidationMessages_fr/_en) from the application's class loader, with no fallback
        // to the JVM's default locale: English users get English even on a French server.
        ClassLoader loader = FormValidator.class.getClassLoader();
        this.interpolator = new ResourceBundleMessageInterpolator(new PlatformResourceBundleLocator("ValidationMessages", loader) {
            @Override
            public ResourceBundle getResourceBundle(Locale locale) {
                return ResourceBundle.getBundle("ValidationMessages", locale, loader, ResourceBundle.Control.getNoFallbackControl(ResourceBundle.Control.FORMAT_PROPERTIES));
            }
        });
        this.factory = Validation.byDefaultProvider().configure().messageInterpolator(interpolator).buildValidatorFactory();
    }

    /** The violations of the object, ordered by field; empty when valid. */
    public List<FieldError> violations(Object value, Locale locale, Class<?>... groups) {
        MessageInterpolator localized = new MessageInterpolator() {
            @Override
            public String interpolate(String template, Context context) {
                return interpolator.interpolate(template, context, locale);
            }

            @Override
            public String interpolate(String template, Context context, Locale ignored) {
                return interpolator.interpolate(template, context, locale);
            }
        };
        return factory.usingContext().messageInterpolator(localized).getValidator().validate(value, groups).stream()
                .map(FormValidator::error)
                .sorted(Comparator.comparing(FieldError::field).thenComparing(FieldError::code))
                .toList();
    }

    /** @throws InvalidInputException when the object has violations */
    public <T> T check(T value, Locale locale, Class<?>... groups) {
        List<FieldError> errors = violations(value, locale, groups);
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        return value;
    }

    private static FieldError error(ConstraintViolation<?> v) {
        return new FieldError(v.getPropertyPath().toString(),
                v.getConstraintDescriptor().getAnnotation().annotationType().getSimpleName(), v.getMessage());
    }
}
