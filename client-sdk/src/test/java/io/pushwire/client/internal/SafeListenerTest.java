package io.pushwire.client.internal;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.pushwire.client.PushListener;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Every callback of {@link PushListener} reaches the application's listener through {@link SafeListener},
 * and one that throws is logged instead of reaching the client. Reflective, so a callback added to
 * PushListener later and not forwarded (its no-op default would swallow it) fails here.
 */
class SafeListenerTest {
    /** Held so that the handler stays on the logger SafeListener's System.Logger writes to. */
    private final Logger log = Logger.getLogger(SafeListener.class.getName());
    private final List<LogRecord> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            logged.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    {
        log.addHandler(capture);
        log.setUseParentHandlers(false);
    }

    @AfterEach
    void restoreLogging() {
        log.removeHandler(capture);
        log.setUseParentHandlers(true);
    }

    @Test
    void everyCallbackIsForwardedAndWhatItThrowsIsLogged() throws Exception {
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
        assertEquals(callbacks.size(), logged.size());
        for (LogRecord record : logged) {
            assertEquals("PushListener threw", record.getMessage());
            assertEquals(IllegalStateException.class, record.getThrown().getClass());
        }
    }
}
