package io.pushwire.server.boot;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.UncheckedIOException;
import java.net.BindException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

class StartupFailureTest {

    @Test
    void aTakenPortNamesTheAddressAndTheSettings() {
        Throwable logged = new ExecutionException(new UncheckedIOException("Failed to start server",
                new BindException("Address already in use")));

        assertEquals("cannot listen on 127.0.0.1:8080: Address already in use (another process holds the port? "
                + "set server.port or server.host)", StartupFailure.describe(List.of(logged), "127.0.0.1", "8080"));
    }

    @Test
    void aBadSettingIsQuotedFromTheCheckThatRejectedIt() {
        Throwable thrown = new IllegalStateException("deployment failed",
                new IllegalArgumentException("pushwire.hello.timeout-ms must be > 0, got -5"));

        assertEquals("invalid configuration: pushwire.hello.timeout-ms must be > 0, got -5",
                StartupFailure.describe(List.of(new RuntimeException("WELD-001234 wrapper"), thrown), "0.0.0.0", "8080"));
    }

    @Test
    void aClassNameIsNotASetting() {
        Throwable thrown = new IllegalStateException("WELD-001408 in io.pushwire.server.core.Hub",
                new NullPointerException("Cannot invoke \"io.pushwire.server.boot.PushwireRuntime.server()\""));

        assertEquals("NullPointerException: Cannot invoke \"io.pushwire.server.boot.PushwireRuntime.server()\"",
                StartupFailure.describe(List.of(thrown), "0.0.0.0", "8080"));
    }

    @Test
    void anythingElseIsItsRootCause() {
        Throwable thrown = new IllegalStateException("outer", new java.io.IOException("disk full"));

        assertEquals("IOException: disk full", StartupFailure.describe(List.of(thrown), "0.0.0.0", "8080"));
    }

    @Test
    void noExceptionAtAllStillSaysWhatDidNotHappen() {
        assertEquals("the web server did not start on 0.0.0.0:9090", StartupFailure.describe(List.of(), "0.0.0.0", "9090"));
    }

    @Test
    void aCauseCycleEndsTheWalk() {
        RuntimeException a = new RuntimeException("a");
        RuntimeException b = new RuntimeException("b", a);
        a.initCause(b);

        assertEquals("RuntimeException: a", StartupFailure.describe(List.of(b), "h", "1"));
    }
}
