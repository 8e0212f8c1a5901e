package io.pushwire.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.pushwire.protocol.ErrorCode;
import io.pushwire.protocol.ProtocolException;
import io.pushwire.server.core.Published;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.Config;

/**
 * HTTP publishing for applications: {@code POST /api/channels/{channel}/events} with the event's
 * {@code data} as the JSON body. Errors answer with the protocol's error codes in a JSON body.
 */
@ApplicationScoped
@Path("/api/channels")
public class PublishResource {
    /** Strict: {@code 1 2} is two values, not one, and is refused. */
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    private PushwireRuntime runtime;
    private AdminToken adminToken;

    /** For CDI proxies. */
    protected PublishResource() {
    }

    @Inject
    PublishResource(PushwireRuntime runtime, Config config) {
        this.runtime = runtime;
        this.adminToken = new AdminToken(config.getOptionalValue("pushwire.admin.token", String.class));
    }

    @POST
    @Path("{channel}/events")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response publish(@PathParam("channel") String channel,
                            @HeaderParam(HttpHeaders.AUTHORIZATION) String authorization, byte[] body) {
        if (!adminToken.admits(authorization)) {
            return Response.fromResponse(error(Response.Status.UNAUTHORIZED, ErrorCode.UNAUTHORIZED,
                    "this API needs 'Authorization: Bearer <pushwire.admin.token>'"))
                    .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer").build();
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
            Published published = runtime.server().hub().publishExternal(channel, data);
            Map<String, Object> reply = new LinkedHashMap<>();
            reply.put("channel", published.channel());
            reply.put("seq", published.seq());
            reply.put("subscribers", published.subscribers());
            return Response.ok(json(reply), MediaType.APPLICATION_JSON).build();
        } catch (ProtocolException e) {
            Response.Status status = ErrorCode.FORBIDDEN.equals(e.errorCode())
                    ? Response.Status.FORBIDDEN : Response.Status.BAD_REQUEST;
            return error(status, e.errorCode(), e.getMessage());
        }
    }

    private static Response error(Response.Status status, String code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", code);
        body.put("message", message);
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(json(body)).build();
    }

    private static String json(Map<String, Object> body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
