package io.pushwire.server.http;

import io.pushwire.server.boot.PushwireRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

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
    @Tag(name = ApiDocument.OPERATIONS)
    @Operation(operationId = "metrics", summary = "Prometheus metrics",
            description = "Pushwire's counters, gauges and histograms and the JVM's, in the Prometheus text format"
                    + " (docs/OPERATIONS.md, \"Metrics\"). Never needs the admin token; there is no error answer.")
    @APIResponse(responseCode = "200", description = "One scrape.", content = @Content(
            mediaType = PrometheusMetrics.CONTENT_TYPE, schema = @Schema(type = SchemaType.STRING)))
    public Response scrape() {
        return Response.ok(metrics.scrape()).type(PrometheusMetrics.CONTENT_TYPE).build();
    }
}
