package io.pushwire.server.http;

import io.pushwire.server.boot.PushwireRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;

/** {@code GET /metrics}: Prometheus scrapes here. Unauthenticated, like the health probes. */
@ApplicationScoped
@Path("/metrics")
public class MetricsResource {
    private PrometheusMetrics metrics;

    /** For CDI proxies. */
    protected MetricsResource() {
    }

    @Inject
    MetricsResource(PushwireRuntime runtime) {
        this.metrics = new PrometheusMetrics(runtime.server(), runtime.feeds(), PrometheusMetrics.jvmRegistry());
    }

    @GET
    public Response scrape() {
        return Response.ok(metrics.scrape()).type(PrometheusMetrics.CONTENT_TYPE).build();
    }
}
