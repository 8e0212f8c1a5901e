/**
 * The Pushwire Java client: {@link io.pushwire.client.PushClient} connects to a Pushwire server, keeps
 * the connection (reconnect, resume, restored subscriptions) and hands each event to the application
 * once, in order. Only {@code io.pushwire.client} is API; the implementation is not exported.
 */
module io.pushwire.client {
    // The frames the API hands out (Event, Gap, Status, Welcome, Subscribed) and JsonNode come from here.
    requires transitive io.pushwire.protocol;
    requires java.net.http;

    exports io.pushwire.client;
}
