package fr.rempart.platform.cli;

import jakarta.enterprise.event.Event;

import java.lang.reflect.Proxy;
import java.util.function.Consumer;

/**
 * A CDI {@link Event} for the operator commands, which run without a container: {@code fire}
 * calls the observer directly, in the caller's transaction, as a synchronous CDI observer would.
 */
public final class DirectEvent {

    private DirectEvent() {
    }

    @SuppressWarnings("unchecked")
    public static <T> Event<T> to(Consumer<? super T> observer) {
        return (Event<T>) Proxy.newProxyInstance(DirectEvent.class.getClassLoader(), new Class<?>[]{Event.class}, (proxy, method, args) -> {
            if (method.getName().equals("fire") && args != null && args.length == 1) {
                observer.accept((T) args[0]);
                return args[0];
            }
            if (method.getDeclaringClass() == Object.class) {
                return method.getName().equals("toString") ? "DirectEvent" : method.getName().equals("hashCode") ? System.identityHashCode(proxy)
                        : proxy == args[0];
            }
            throw new UnsupportedOperationException(method.getName() + " is not available to the commands");
        });
    }
}
