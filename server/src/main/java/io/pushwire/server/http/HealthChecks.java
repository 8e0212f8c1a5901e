package io.pushwire.server.http;

import io.pushwire.server.boot.PushwireRuntime;
import io.pushwire.server.core.PushServer;
import io.pushwire.server.feed.Feed;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

/**
 * MicroProfile Health probes. Liveness: the process can serve. Readiness: startup finished, the server is
 * not draining, and every required feed is live (the simulated feed always is required; an exchange feed
 * when {@code pushwire.feeds.<name>.required=true}), so a client that connects gets data. Each feed's
 * state is in the readiness data. Started: startup finished.
 */
@ApplicationScoped
class HealthChecks {
    @Inject
    PushwireRuntime runtime;

    @Produces
    @Liveness
    HealthCheck live() {
        return () -> withCoreData(HealthCheckResponse.named("pushwire-live").up()).build();
    }

    @Produces
    @Readiness
    HealthCheck ready() {
        return () -> {
            boolean feedsRunning = runtime.feeds().stream().filter(Feed::required).allMatch(Feed::isRunning);
            Optional<String> brokerDown = runtime.server().brokerUnavailable();
            HealthCheckResponseBuilder response = HealthCheckResponse.named("pushwire-ready")
                    .status(runtime.isStarted() && feedsRunning && brokerDown.isEmpty());
            withCoreData(response);
            brokerDown.ifPresent(reason -> response.withData("broker.unavailable", reason));
            runtime.server().counters().snapshot().forEach(response::withData);
            response.withData("queuedBytes", runtime.server().queuedBytes());
            response.withData("sessionsAttached", runtime.server().attachedSessionCount());
            response.withData("draining", runtime.server().isDraining());
            for (Feed feed : runtime.feeds()) {
                feed.describe().forEach((key, value) -> withValue(response, "feed." + feed.name() + "." + key, value));
            }
            return response.build();
        };
    }

    @Produces
    @Startup
    HealthCheck started() {
        return () -> withCoreData(HealthCheckResponse.named("pushwire-started").status(runtime.isStarted()))
                .withData("feeds", String.join(",", runtime.feeds().stream().map(Feed::name).toList()))
                .build();
    }

    /** MP Health data takes strings, longs and booleans only. */
    private static void withValue(HealthCheckResponseBuilder response, String key, Object value) {
        if (value instanceof Boolean flag) {
            response.withData(key, flag);
        } else if (value instanceof Number number && number.doubleValue() == number.longValue()) {
            response.withData(key, number.longValue());
        } else {
            response.withData(key, String.valueOf(value));
        }
    }

    private HealthCheckResponseBuilder withCoreData(HealthCheckResponseBuilder response) {
        PushServer server = runtime.server();
        return response.withData("connections", server.connectionCount())
                .withData("sessions", server.sessionCount())
                .withData("channels", server.hub().channelCount());
    }
}
