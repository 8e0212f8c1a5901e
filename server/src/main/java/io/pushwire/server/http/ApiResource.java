package io.pushwire.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pushwire.protocol.Channels;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.FrameCodec;
import io.pushwire.protocol.ProtocolException;
import io.pushwire.server.broker.BrokerUnavailableException;
import io.pushwire.server.boot.PushwireRuntime;
import io.pushwire.server.core.Histogram;
import io.pushwire.server.core.Published;
import io.pushwire.server.core.PushServer;
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
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirementsSet;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The HTTP API. For applications, publishing with the event's {@code data} as the JSON body:
 * {@code POST /api/channels/{channel}/events} to a channel, {@code POST /api/sessions/{clientId}/events}
 * to one session's {@code $me}. For operators: {@code GET /api/stats}, a JSON summary, and
 * {@code GET /api/sessions?offset=&limit=}, a page of sessions, which exposes client ids and addresses
 * and is therefore only served when {@code pushwire.admin.token} is set. Errors answer with the
 * protocol's error codes in a JSON body ({@link ErrorBody}). The OpenAPI annotations describe each method for
 * {@code /openapi}, with the answers the code gives; {@link ApiDocument} holds what they share.
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
    private static final String JSON_TYPE = MediaType.APPLICATION_JSON;
    private static final String EXAMPLE_DATA = "{\"order\":42,\"side\":\"buy\"}";
    private static final String DATA_RULES = "The body is the event's `data`: one JSON value of any type (an object,"
            + " an array, a string, a number, true, false or null), at most pushwire.limits.max-frame-bytes bytes,"
            + " with no number beyond the range of a double. Subscribers get it as the `data` of an `event` frame"
            + " (docs/PROTOCOL.md). The Content-Type is not checked: the body is read as JSON whatever it says.";

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
    @Tag(name = ApiDocument.PUBLISH)
    @Operation(operationId = "publish", summary = "Publish an event to a channel",
            description = "Publishes the body as the event's data to every subscriber of the channel, in every node"
                    + " of a cluster, and into its history. Any channel outside a feed's namespace may be published"
                    + " to; it is created if needed.")
    @SecurityRequirementsSet(@SecurityRequirement(name = ApiDocument.ADMIN_TOKEN))
    @SecurityRequirementsSet({})
    @RequestBody(required = true, description = DATA_RULES, content = @Content(mediaType = JSON_TYPE,
            schema = @Schema(ref = ApiDocument.EVENT_DATA),
            examples = @ExampleObject(name = "order", summary = "An application's event", value = EXAMPLE_DATA)))
    @APIResponse(responseCode = "200", description = "Published (or, for a repeated Idempotency-Key, published before).",
            content = @Content(mediaType = JSON_TYPE, schema = @Schema(implementation = PublishResult.class)))
    @APIResponse(responseCode = "400", description = "`bad_request`: the channel name is not valid, the"
            + " Idempotency-Key is not valid, or the body is empty, not JSON (or more than one value), or holds a"
            + " number beyond the range of a double.",
            content = @Content(mediaType = JSON_TYPE, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "401", ref = ApiDocument.UNAUTHORIZED)
    @APIResponse(responseCode = "403", description = "`forbidden`: the channel is a session's (its name starts with"
            + " `$`: push to the session instead), or in a feed's namespace (`sim.*`, say); or pushwire.admin.token"
            + " is not set and the caller is not on this host (loopback).",
            content = @Content(mediaType = JSON_TYPE, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "413", description = "`too_large`: the body is over pushwire.limits.max-frame-bytes.",
            content = @Content(mediaType = JSON_TYPE, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "429", description = "`limit_exceeded`: the channel does not exist and the server"
            + " already has pushwire.limits.max-channels channels.",
            content = @Content(mediaType = JSON_TYPE, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "503", ref = ApiDocument.BROKER_UNAVAILABLE)
    public Response publish(@Parameter(description = "The channel: 1 to " + Channels.MAX_LENGTH + " characters of"
                                    + " `" + Channels.NAME_PATTERN + "`; 400 otherwise.", example = "app.orders",
                                    schema = @Schema(type = SchemaType.STRING, minLength = 1,
                                            maxLength = Channels.MAX_LENGTH, pattern = "^" + Channels.NAME_PATTERN + "$"))
                            @PathParam("channel") String channel,
                            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                            @Parameter(description = "Makes a retry safe: a repeat of a key the channel took in the last"
                                    + " two minutes publishes nothing and answers with the first publish's seq and"
                                    + " `repeated: true`. 1 to " + IdempotencyKey.MAX_LENGTH + " visible ASCII"
                                    + " characters; 400 otherwise.",
                                    schema = @Schema(type = SchemaType.STRING, minLength = 1,
                                            maxLength = IdempotencyKey.MAX_LENGTH, pattern = "^[!-~]+$"))
                            @HeaderParam(IdempotencyKey.HEADER) String idempotencyKey,
                            byte[] body) {
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
    @Tag(name = ApiDocument.PUBLISH)
    @Operation(operationId = "pushToSession", summary = "Push an event to one session's `$me`",
            description = "Publishes the body as the event's data on the session's private channel `$me`, wherever"
                    + " in the cluster the session is held. A detached session keeps what it has not been sent (up"
                    + " to pushwire.session.max-pending-me, oldest dropped first) and gets it when it resumes.")
    @SecurityRequirementsSet(@SecurityRequirement(name = ApiDocument.ADMIN_TOKEN))
    @SecurityRequirementsSet({})
    @RequestBody(required = true, description = DATA_RULES, content = @Content(mediaType = JSON_TYPE,
            schema = @Schema(ref = ApiDocument.EVENT_DATA),
            examples = @ExampleObject(name = "notice", summary = "A message for one user", value = EXAMPLE_DATA)))
    @APIResponse(responseCode = "200", description = "Published on the session's `$me` (`channel` is `$me`).",
            content = @Content(mediaType = JSON_TYPE, schema = @Schema(implementation = PublishResult.class)))
    @APIResponse(responseCode = "400", description = "`bad_request`: the body is empty, not JSON (or more than one"
            + " value), or holds a number beyond the range of a double.",
            content = @Content(mediaType = JSON_TYPE, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "401", ref = ApiDocument.UNAUTHORIZED)
    @APIResponse(responseCode = "403", ref = ApiDocument.REMOTE_WITHOUT_TOKEN)
    @APIResponse(responseCode = "404", description = "`unknown_channel`: there is no session with this client id"
            + " (it never existed, or it expired).",
            content = @Content(mediaType = JSON_TYPE, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "413", description = "`too_large`: the body is over pushwire.limits.max-frame-bytes.",
            content = @Content(mediaType = JSON_TYPE, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "503", ref = ApiDocument.BROKER_UNAVAILABLE)
    public Response push(@Parameter(description = "The session's client id, as its `welcome` frame gave it.")
                         @PathParam("clientId") String clientId,
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
    @Tag(name = ApiDocument.OPERATIONS)
    @Operation(operationId = "stats", summary = "A summary of this node",
            description = "Connections, sessions, channels, queues, counters, closes by code and each feed's facts"
                    + " (docs/OPERATIONS.md, \"Stats and sessions\"). As open as the publish API.")
    @SecurityRequirementsSet(@SecurityRequirement(name = ApiDocument.ADMIN_TOKEN))
    @SecurityRequirementsSet({})
    @APIResponse(responseCode = "200", description = "The summary.",
            content = @Content(mediaType = JSON_TYPE, schema = @Schema(implementation = Stats.class)))
    @APIResponse(responseCode = "401", ref = ApiDocument.UNAUTHORIZED)
    @APIResponse(responseCode = "403", ref = ApiDocument.REMOTE_WITHOUT_TOKEN)
    public Response stats(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization) {
        if (!adminToken.admits(authorization)) {
            return unauthorized();
        }
        PushServer server = runtime.server();
        Map<String, Long> closes = new LinkedHashMap<>();
        server.counters().closesByCode().forEach((code, count) -> closes.put(Integer.toString(code), count));
        Histogram.Snapshot latency = server.counters().publishToWriteMs();
        Map<String, Map<String, Object>> feeds = new LinkedHashMap<>();
        runtime.feeds().forEach(feed -> feeds.put(feed.name(), feed.describe()));
        Stats stats = new Stats(ManagementFactory.getRuntimeMXBean().getUptime(), server.isDraining(),
                server.connectionCount(), server.sessionCount(), server.attachedSessionCount(),
                server.hub().channelCount(), server.queuedBytes(), server.counters().snapshot(), closes,
                latency.count() == 0 ? 0 : (double) latency.sum() / latency.count(), feeds);
        return Response.ok(json(stats), MediaType.APPLICATION_JSON).build();
    }

    @GET
    @Path("sessions")
    @Produces(MediaType.APPLICATION_JSON)
    @Tag(name = ApiDocument.OPERATIONS)
    @Operation(operationId = "listSessions", summary = "A page of sessions, oldest first",
            description = "Every session of the cluster: this node's as they are, another node's as its record in"
                    + " the shared store shows it. While the store cannot be reached, this node's only (still 200)."
                    + " Shows client ids and addresses, so it is served only when pushwire.admin.token is set.")
    @SecurityRequirement(name = ApiDocument.ADMIN_TOKEN)
    @APIResponse(responseCode = "200", description = "The page.",
            content = @Content(mediaType = JSON_TYPE, schema = @Schema(implementation = SessionPage.class)))
    @APIResponse(responseCode = "400", description = "`bad_request`: offset is negative, or limit is not between 1"
            + " and " + MAX_PAGE + ".",
            content = @Content(mediaType = JSON_TYPE, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "401", ref = ApiDocument.UNAUTHORIZED)
    @APIResponse(responseCode = "403", description = "`forbidden`: pushwire.admin.token is not set, so sessions are"
            + " not served to anyone.",
            content = @Content(mediaType = JSON_TYPE, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "offset or limit is not an integer: JAX-RS cannot convert the"
            + " query parameter and answers 404 with an empty body (not a protocol error).")
    public Response sessions(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                             @Parameter(description = "How many sessions to skip, oldest first.",
                                     schema = @Schema(type = SchemaType.INTEGER, format = "int32", minimum = "0",
                                             defaultValue = "0"))
                             @QueryParam("offset") @DefaultValue("0") int offset,
                             @Parameter(description = "Sessions per page, at most.",
                                     schema = @Schema(type = SchemaType.INTEGER, format = "int32", minimum = "1",
                                             maximum = "" + MAX_PAGE, defaultValue = "100"))
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
        return Response.ok(json(SessionPage.of(runtime.server().sessions(offset, limit))), MediaType.APPLICATION_JSON)
                .build();
    }

    @GET
    @Path("sessions/{clientId}")
    @Produces(MediaType.APPLICATION_JSON)
    @Tag(name = ApiDocument.OPERATIONS)
    @Operation(operationId = "getSession", summary = "One session",
            description = "As one entry of the session list, wherever in the cluster the session is held. Served"
                    + " only when pushwire.admin.token is set.")
    @SecurityRequirement(name = ApiDocument.ADMIN_TOKEN)
    @APIResponse(responseCode = "200", description = "The session.",
            content = @Content(mediaType = JSON_TYPE, schema = @Schema(implementation = SessionInfo.class)))
    @APIResponse(responseCode = "401", ref = ApiDocument.UNAUTHORIZED)
    @APIResponse(responseCode = "403", description = "`forbidden`: pushwire.admin.token is not set, so sessions are"
            + " not served to anyone.",
            content = @Content(mediaType = JSON_TYPE, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "404", description = "`unknown_channel`: there is no session with this client id"
            + " (unknown, or expired).",
            content = @Content(mediaType = JSON_TYPE, schema = @Schema(implementation = ErrorBody.class)))
    @APIResponse(responseCode = "503", ref = ApiDocument.BROKER_UNAVAILABLE)
    public Response session(@HeaderParam(HttpHeaders.AUTHORIZATION) String authorization,
                            @Parameter(description = "The session's client id.")
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
                    .map(view -> Response.ok(json(SessionInfo.of(view)), MediaType.APPLICATION_JSON).build())
                    .orElseGet(() -> error(Response.Status.NOT_FOUND, ErrorCode.UNKNOWN_CHANNEL,
                            "no session '" + clientId + "' (unknown, or expired)"));
        } catch (BrokerUnavailableException e) {
            return brokerUnavailable(e);
        }
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
        return Response.ok(json(PublishResult.of(published)), MediaType.APPLICATION_JSON).build();
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

    /** An error answer of the API: {@code status} with an {@link ErrorBody}; the access filter's too. */
    static Response error(Response.Status status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(json(new ErrorBody(code, message))).build();
    }

    private static String json(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
