package io.pushwire.client.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pushwire.client.PushListener;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every callback of {@link PushListener} reaches the application's listener through {@link SafeListener},
 * and one that throws does not reach the client. Reflective, so a callback added to PushListener later
 * and not forwarded (the no-op default would swallow it) fails here.
 */
class SafeListenerTest {
    @Test
    void everyCallbackIsForwardedAndWhatItThrowsIsKeptFromTheClient() throws Exception {
        List<String> called = new ArrayList<>();
        PushListener throwing = (PushListener) Proxy.newProxyInstance(PushListener.class.getClassLoader(),
                new Class<?>[] {PushListener.class}, (proxy, method, args) -> {
                    called.add(method.getName());
                    throw new IllegalStateException("listener bug in " + method.getName());
                });
        SafeListener safe = new SafeListener(throwing);
        List<String> callbacks = new ArrayList<>();
        for (Method callback : PushListener.class.getMethods()) {
            if (Modifier.isStatic(callback.getModifiers())) {
                continue;
            }
            callbacks.add(callback.getName());
            Method forwarding = SafeListener.class.getDeclaredMethod(callback.getName(), callback.getParameterTypes());
            Object[] args = new Object[callback.getParameterCount()];
            for (int i = 0; i < args.length; i++) {
                args[i] = callback.getParameterTypes()[i] == int.class ? 0 : null;
            }
            assertDoesNotThrow(() -> forwarding.invoke(safe, args), callback.getName());
        }
        assertEquals(callbacks, called);
        assertEquals(9, callbacks.size(), "PushListener's callbacks: " + callbacks);
    }
}
