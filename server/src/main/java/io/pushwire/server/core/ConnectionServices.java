package io.pushwire.server.core;

import io.github.bucket4j.TimeMeter;
import io.pushwire.protocol.FrameCodec;
import java.time.InstantSource;
import java.util.concurrent.Executor;

/**
 * What a connection and its handlers use of the server, handed over once instead of the server itself.
 *
 * @param config      the server's settings
 * @param codec       the one frame codec
 * @param clock       the server's clock
 * @param timeMeter   the same clock in Bucket4j's terms, for rate limits
 * @param counters    where everything is counted
 * @param scheduler   delayed work: hello deadlines, token expiry, close timeouts, conflation intervals
 * @param writer      runs outbound drains and the work that must leave a publisher's thread
 * @param hub         the channels
 * @param sessions    the sessions
 * @param connections the open connections, which a closing one leaves
 */
record ConnectionServices(ServerConfig config, FrameCodec codec, InstantSource clock, TimeMeter timeMeter,
                          ServerCounters counters, Scheduler scheduler, Executor writer, Hub hub,
                          SessionRegistry sessions, OpenConnections connections) {

    /** A full inbound budget for a new connection (until its hello, when the session's takes over). */
    InboundLimiter newLimiter() {
        return new InboundLimiter(config.inboundRatePerSec(), config.inboundBurst(), config.abuseFactor(), timeMeter);
    }
}
