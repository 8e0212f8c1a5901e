/**
 * The HTTP side of the server: the JAX-RS API and metrics resources, the health checks, the admin token.
 * The package's {@code @OpenAPIDefinition} is what {@code /openapi} says about the HTTP API as a whole: its
 * info, tags, the admin token's security scheme, the event data's schema and the error answers several
 * operations share (SmallRye's scanner reads a definition from a package or a JAX-RS {@code Application},
 * and Pushwire has no {@code Application} class). The operations are described by the annotations on
 * {@link io.pushwire.server.http.ApiResource} and {@link io.pushwire.server.http.MetricsResource}; Helidon's
 * OpenAPI reads all of them from the jar's Jandex index.
 */
@OpenAPIDefinition(
        info = @Info(title = "Pushwire HTTP API", version = "1",
                description = "Publish events to channels and push to one session's `$me` (for applications);"
                        + " stats and sessions (for operators); Prometheus metrics. Clients receive events over"
                        + " the WebSocket endpoint `/ws` (docs/PROTOCOL.md), which this document does not"
                        + " describe; nor the health probes under `/health` (MicroProfile Health)."),
        tags = {
                @Tag(name = ApiDocument.PUBLISH, description = "For applications: events to channels and sessions."),
                @Tag(name = ApiDocument.OPERATIONS, description = "For operators: what the server is doing."),
        },
        components = @Components(
                schemas = @Schema(name = ApiDocument.EVENT_DATA,
                        description = "An event's data: any one JSON value (object, array, string, number, boolean"
                                + " or null), delivered to subscribers as is.",
                        example = "{\"order\":42,\"side\":\"buy\"}"),
                responses = {
                        @APIResponse(name = ApiDocument.UNAUTHORIZED, responseCode = "401",
                                description = "`unauthorized`: pushwire.admin.token is set and the request has no"
                                        + " `Authorization: Bearer <token>` with it.",
                                headers = @Header(name = HttpHeaders.WWW_AUTHENTICATE, description = "`Bearer`",
                                        schema = @Schema(type = SchemaType.STRING)),
                                content = @Content(mediaType = MediaType.APPLICATION_JSON,
                                        schema = @Schema(implementation = ErrorBody.class))),
                        @APIResponse(name = ApiDocument.REMOTE_WITHOUT_TOKEN, responseCode = "403",
                                description = "`forbidden`: pushwire.admin.token is not set and the caller is not on"
                                        + " this host (loopback): set the token, or"
                                        + " pushwire.admin.allow-remote-without-token=true behind a gateway.",
                                content = @Content(mediaType = MediaType.APPLICATION_JSON,
                                        schema = @Schema(implementation = ErrorBody.class))),
                        @APIResponse(name = ApiDocument.BROKER_UNAVAILABLE, responseCode = "503",
                                description = "`internal`: the broker (with pushwire.broker=redis: Redis) is"
                                        + " unavailable. The message says whether nothing was published, or whether"
                                        + " the call timed out and the event may still be published (retry with"
                                        + " the same Idempotency-Key).",
                                headers = @Header(name = "Retry-After", description = "Seconds to wait: 1.",
                                        schema = @Schema(type = SchemaType.INTEGER)),
                                content = @Content(mediaType = MediaType.APPLICATION_JSON,
                                        schema = @Schema(implementation = ErrorBody.class))),
                },
                securitySchemes = @SecurityScheme(securitySchemeName = ApiDocument.ADMIN_TOKEN,
                        type = SecuritySchemeType.HTTP, scheme = "bearer",
                        description = "The value of pushwire.admin.token. Without one configured, the publish API"
                                + " and the stats are open, and the session reads are not served (403).")))
package io.pushwire.server.http;

import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.enums.SecuritySchemeType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityScheme;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
