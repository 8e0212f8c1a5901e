package io.pushwire.server.http;

import io.helidon.webserver.http.ServerRequest;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.server.boot.PushwireRuntime;
import io.pushwire.server.core.ApiAccess;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * Puts {@link ApiAccess} in front of the HTTP API. It runs after JAX-RS matched the request, and acts only
 * when the match is {@link ApiResource}: whatever spelling of a path reached the API is checked, and
 * nothing else (health, metrics, static files) is.
 */
@Provider
@ApplicationScoped
@Priority(Priorities.AUTHENTICATION - 100)
public class ApiAccessFilter implements ContainerRequestFilter {
    /** What a proxy adds to a request it forwards: such a request is not this host's own. */
    private static final List<String> FORWARDING_HEADERS = List.of("Forwarded", "X-Forwarded-For", "X-Real-IP");

    @Inject
    PushwireRuntime runtime;
    /** The web server's request behind this JAX-RS request: a proxy to the current one. */
    @Context
    ServerRequest request;

    @Override
    public void filter(ContainerRequestContext context) {
        if (context.getUriInfo().getMatchedResources().stream().noneMatch(ApiResource.class::isInstance)) {
            return;
        }
        InetAddress caller = request.remotePeer().address() instanceof InetSocketAddress address ? address.getAddress() : null;
        boolean forwarded = FORWARDING_HEADERS.stream().anyMatch(header -> context.getHeaderString(header) != null);
        Optional<String> refusal = runtime.apiAccess().refusal(caller, forwarded);
        refusal.ifPresent(message -> context.abortWith(ApiResource.error(Response.Status.FORBIDDEN, ErrorCode.FORBIDDEN,
                message)));
    }
}
