package io.pushwire.server.http;

/**
 * The names by which the operations' OpenAPI annotations refer to what the package's
 * {@code @OpenAPIDefinition} ({@code package-info.java}) defines once for the whole document.
 */
final class ApiDocument {
    static final String PUBLISH = "publish";
    static final String OPERATIONS = "operations";
    static final String ADMIN_TOKEN = "adminToken";
    static final String EVENT_DATA = "EventData";
    static final String UNAUTHORIZED = "Unauthorized";
    static final String BROKER_UNAVAILABLE = "BrokerUnavailable";
    static final String REMOTE_WITHOUT_TOKEN = "RemoteWithoutToken";

    private ApiDocument() {
    }
}
