package io.pushwire.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.ProtocolException;
import io.pushwire.server.broker.BrokerUnavailableException;
import io.pushwire.server.boot.PushwireRuntime;
import io.pushwire.server.core.Histogram;
import io.pushwire.server.core.Published;
import io.pushwire.server.core.PushServer;
import io.pushwire.server.core.SessionView;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The HTTP API. For applications, publishing with the event's {@code data} as the JSON body:
 * {@code POST /api/channels/{channel}/events} to a channel, {@code POST /api/sessions/{clientId}/events}
 * to one session's {@code $me}. For operators: {@code GET /api/stats}, a JSON summary, and
 * {@code GET /api/sessions?offset=&limit=}, a page of sessions, which exposes client ids and addresses
 * and is therefore only served when {@code pushwire.admin.token} is set. Errors answer with the
 * protocol's error codes in a JSON body.
 */
@ApplicationScoped
@Path("/api")
public class ApiResource {
    private static final System.Logger LOG = System.getLogger(ApiResource.class.getName());
    /** Strict: {@code 1 2} is two values, not one, and is refused. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    /** Sessions per page, at most. */
    private static final int MAX_PAGE = 1_000;

    private PushwireRuntime runtime;
    private AdminToken adminToken;

    /** For CDI proxies. */
    protected ApiResource() {
    }

    @Inject
    ApiResource(PushwireRuntime runtime) {
        this.runtime = runtime;
        this.adminToken = new AdminToken(runtime.adminToken());
    }

    @POST
    @Path("channels/{channel}/events")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response publish(@PathParam("channel") String channel,
                            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                            @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey, byte[] body) {
        return withData(authorization, body, data -> {
            Optional<String> badKey = IdempotencyKey.problem(idempotencyKey);
            if (badKey.isPresent()) {
                return error(Response.Status.BAD_REQUEST, ErrorCode.BAD_REQUEST, badKey.get());
            }
            try {
                return published(runtime.server().hub().publishExternal(channel, data, idempotencyKey));
            } catch (BrokerUnavailableException e) {
                return brokerUnavailable(e);
            } catch (ProtocolException e) {
                Response.Status status = switch (e.errorCode()) {
                    case ErrorCode.FORBIDDEN -> Response.Status.FORBIDDEN;
                    case ErrorCode.LIMIT_EXCEEDED -> Response.Status.TOO_MANY_REQUESTS;
                    default -> Response.Status.BAD_REQUEST;
                };
                return error(status, e.errorCode(), e.getMessage());
            }
        });
    }

    @POST
    @Path("sessions/{clientId}/events")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response push(@PathParam("clientId") String clientId,
                         @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, byte[] body) {
        return withData(authorization, body, data -> {
            try {
                return runtime.server().pushToSession(clientId, data)
                        .map(ApiResource::published)
                        .orElseGet(() -> error(Response.Status.NOT_FOUND, ErrorCode.UNKNOWN_CHANNEL,
                                "no session '" + clientId + "' (never existed, or expired)"));
            } catch (BrokerUnavailableException e) {
                return brokerUnavailable(e);
            }
        });
    }

    @GET
    @Path("stats")
    @Produces(MediaType.APPLICATION_JSON)
    public Response stats(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        if (!adminToken.admits(authorization)) {
            return unauthorized();
        }
        PushServer server = runtime.server();
        Map<String, Object> stats = new LinkedHashMap<>();
        stats.put("uptimeMs", ManagementFactory.getRuntimeMXBean().getUptime());
        stats.put("draining", server.isDraining());
        stats.put("connections", server.connectionCount());
        stats.put("sessions", server.sessionCount());
        stats.put("sessionsAttached", server.attachedSessionCount());
        stats.put("channels", server.hub().channelCount());
        stats.put("queuedBytes", server.queuedBytes());
        stats.put("counters", server.counters().snapshot());
        Map<String, Long> closes = new LinkedHashMap<>();
        server.counters().closesByCode().forEach((code, count) -> closes.put(Integer.toString(code), count));
        stats.put("closesByCode", closes);
        Histogram.Snapshot latency = server.counters().publishToWriteMs();
        stats.put("publishToWriteMeanMs", latency.count() == 0 ? 0 : (double) latency.sum() / latency.count());
        Map<String, Object> feeds = new LinkedHashMap<>();
        runtime.feeds().forEach(feed -> feeds.put(feed.name(), feed.describe()));
        stats.put("feeds", feeds);
        return Response.ok(json(stats), MediaType.APPLICATION_JSON).build();
    }

    @GET
    @Path("sessions")
    @Produces(MediaType.APPLICATION_JSON)
    public Response sessions(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                             @QueryParam("offset") @DefaultValue("0") int offset,
                             @QueryParam("limit") @DefaultValue("100") int limit) {
        if (!adminToken.required()) {
            return error(Response.Status.FORBIDDEN, ErrorCode.FORBIDDEN,
                    "the session list shows client ids and addresses: set pushwire.admin.token to enable it");
        }
        if (!adminToken.admits(authorization)) {
            return unauthorized();
        }
        if (offset < 0 || limit < 1 || limit > MAX_PAGE) {
            return error(Response.Status.BAD_REQUEST, ErrorCode.BAD_REQUEST,
                    "offset must be >= 0 and limit between 1 and " + MAX_PAGE);
        }
        PushServer.SessionPage page = runtime.server().sessions(offset, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("total", page.total());
        body.put("offset", page.offset());
        body.put("sessions", page.sessions().stream().map(ApiResource::session).toList());
        return Response.ok(json(body), MediaType.APPLICATION_JSON).build();
    }

    @GET
    @Path("sessions/{clientId}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response session(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                            @PathParam("clientId") String clientId) {
        if (!adminToken.required()) {
            return error(Response.Status.FORBIDDEN, ErrorCode.FORBIDDEN,
                    "sessions show client ids and addresses: set pushwire.admin.token to enable this");
        }
        if (!adminToken.admits(authorization)) {
            return unauthorized();
        }
        try {
            return runtime.server().session(clientId)
                    .map(view -> Response.ok(json(session(view)), MediaType.APPLICATION_JSON).build())
                    .orElseGet(() -> error(Response.Status.NOT_FOUND, ErrorCode.UNKNOWN_CHANNEL,
                            "no session '" + clientId + "' (unknown, or expired)"));
        } catch (BrokerUnavailableException e) {
            return brokerUnavailable(e);
        }
    }

    private static Map<String, Object> session(SessionView view) {
        Map<String, Object> session = new LinkedHashMap<>();
        session.put("clientId", view.clientId());
        session.put("state", view.attached() ? "attached" : "detached");
        session.put("remoteAddress", view.remoteAddress());
        session.put("subscriptions", view.subscriptions());
        session.put("queuedFrames", view.queuedFrames());
        session.put("queuedBytes", view.queuedBytes());
        session.put("ageMs", view.ageMs());
        session.put("detachedForMs", view.detachedForMs());
        session.put("node", view.node());
        return session;
    }

    private static Response unauthorized() {
        return Response.fromResponse(error(Response.Status.UNAUTHORIZED, ErrorCode.UNAUTHORIZED,
                "this API needs 'Authorization: Bearer <pushwire.admin.token>'"))
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
    }

    /** Checks the token, the size and the JSON of a body, then hands the data on. */
    private Response withData(String authorization, byte[] body, Function<JsonNode, Response> then) {
        if (!adminToken.admits(authorization)) {
            return unauthorized();
        }
        int limit = runtime.server().config().maxFrameBytes();
        if (body.length > limit) {
            return error(Response.Status.REQUEST_ENTITY_TOO_LARGE, ErrorCode.TOO_LARGE,
                    "body is " + body.length + " bytes, the limit is " + limit);
        }
        JsonNode data;
        try {
            data = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return error(Response.Status.BAD_REQUEST, ErrorCode.BAD_REQUEST,
                    "body is not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            return error(Response.Status.BAD_REQUEST, ErrorCode.BAD_REQUEST, "body could not be read");
        }
        if (data == null || data.isMissingNode()) {
            return error(Response.Status.BAD_REQUEST, ErrorCode.BAD_REQUEST, "body is empty: send the event's data as JSON");
        }
        try {
            FrameCodec.requireFiniteData(data);
        } catch (ProtocolException e) {
            return error(Response.Status.BAD_REQUEST, e.errorCode(), e.getMessage());
        }
        return then.apply(data);
    }

    private static Response published(Published published) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("channel", published.channel());
        reply.put("seq", published.seq());
        reply.put("subscribers", published.subscribers());
        if (published.repeated()) {
            reply.put("repeated", true);
        }
        return Response.ok(json(reply), MediaType.APPLICATION_JSON).build();
    }

    /** 503 with a protocol error code: a retry in a moment may succeed. */
    private static Response brokerUnavailable(BrokerUnavailableException e) {
        LOG.log(System.Logger.Level.WARNING, e.getMessage());
        String outcome = e.outcomeUnknown()
                ? "it did not answer in time, so the event may still be published: retry with the same Idempotency-Key"
                : "nothing was published: retry";
        return Response.fromResponse(error(Response.Status.SERVICE_UNAVAILABLE, ErrorCode.INTERNAL,
                "the server's broker is unavailable; " + outcome)).header("Retry-After", "1").build();
    }

    private static Response error(Response.Status status, String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", message);
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(json(body)).build();
    }

    private static String json(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
