package io.pushwire.server.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pushwire.protocol.Position;
import io.pushwire.protocol.SubscriptionMode;
import io.pushwire.server.broker.ManualClock;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SessionStore} promises, written against the interface: the embedded one runs it
 * ({@link MemorySessionStoreTest}), and so must any other (Redis), unchanged. Time is a
 * {@link ManualClock} the store is given.
 */
public abstract class SessionStoreContract {
    protected static final long START_MS = 1_700_000_000_000L;
    protected static final long TTL_MS = 120_000;

    protected final ManualClock clock = new ManualClock(START_MS);
    protected SessionStore store;

    /** A new, empty store on {@code clock} whose detached records expire {@code ttlMs} after detaching. */
    protected abstract SessionStore newStore(ManualClock clock, long ttlMs);

    @BeforeEach
    void openStore() {
        store = newStore(clock, TTL_MS);
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    /** A record as a session with two subscriptions, one of them conflated and one written to, would save it. */
    private static SessionRecord record(String clientId, long detachedAtMs) {
        return new SessionRecord(clientId, ResumeTokens.hash("token-of-" + clientId), "alice", START_MS + 3_600_000,
                "$me:" + clientId, List.of(
                        new SubscriptionRecord("sim.trades.BTC-USDT", SubscriptionMode.ALL, null, new Position(41, "EPOCH00001")),
                        new SubscriptionRecord("sim.ticker.BTC-USDT", SubscriptionMode.CONFLATE, 500L, null)),
                START_MS - 5_000, detachedAtMs, new BucketState(7, 480, START_MS - 1_000), 0, null);
    }

    @Test
    void aSavedRecordLoadsBackWhole() {
        SessionRecord saved = record("CLIENT0001", -1);

        assertTrue(store.save(saved));

        assertEquals(saved.heldBy(store.node()), store.load("CLIENT0001").orElseThrow(), "attached: held by this node");
    }

    @Test
    void aDetachedRecordIsHeldByNoNode() {
        SessionRecord saved = record("CLIENT0001", START_MS);

        store.save(saved);

        assertEquals(saved, store.load("CLIENT0001").orElseThrow());
    }

    @Test
    void aClaimTakesTheNextAttachmentAndSaysWhatWasBefore() {
        store.save(record("CLIENT0001", START_MS));

        SessionRecord before = store.claim("CLIENT0001").orElseThrow();

        assertEquals(0, before.attachment());
        assertEquals(null, before.holder(), "it was detached");
        SessionRecord now = store.load("CLIENT0001").orElseThrow();
        assertEquals(1, now.attachment());
        assertEquals(store.node(), now.holder());
        assertEquals(before.subscriptions(), now.subscriptions());
        clock.advance(10 * TTL_MS);
        assertTrue(store.load("CLIENT0001").isPresent(), "claimed: attached, it does not expire");
    }

    @Test
    void aWriteOfAnAttachmentThatAClaimTookOverIsRefused() {
        store.save(record("CLIENT0001", -1));
        store.claim("CLIENT0001");

        assertFalse(store.save(record("CLIENT0001", START_MS)), "attachment 0 writes after attachment 1 took it");

        SessionRecord now = store.load("CLIENT0001").orElseThrow();
        assertEquals(1, now.attachment());
        assertFalse(now.detached());
        assertTrue(store.save(record("CLIENT0001", START_MS).withAttachment(1)), "the new holder's write");
        assertTrue(store.load("CLIENT0001").orElseThrow().detached());
    }

    @Test
    void theNodeLettingGoHandsItsLastStateOverUntilTheNewHolderWrites() {
        store.save(record("CLIENT0001", -1));
        store.claim("CLIENT0001");
        SessionRecord lastState = new SessionRecord("CLIENT0001", ResumeTokens.hash("token-of-CLIENT0001"), "alice",
                START_MS + 3_600_000, "$me:CLIENT0001", List.of(new SubscriptionRecord("sim.trades.BTC-USDT",
                SubscriptionMode.ALL, null, new Position(99, "EPOCH00001"))), START_MS - 5_000, -1,
                new BucketState(3, 400, START_MS), 1, null);

        assertFalse(store.handOver(lastState.withAttachment(0)), "only for the attachment that took it");
        assertTrue(store.handOver(lastState));

        SessionRecord handedOver = store.load("CLIENT0001").orElseThrow();
        assertEquals(lastState.subscriptions(), handedOver.subscriptions());
        assertEquals(1, handedOver.attachment());
        assertTrue(store.save(record("CLIENT0001", -1).withAttachment(1)), "the new holder writes");
        assertFalse(store.handOver(lastState), "too late: the new holder wrote");
        assertEquals(record("CLIENT0001", -1).subscriptions(), store.load("CLIENT0001").orElseThrow().subscriptions());
    }

    @Test
    void thereIsNothingToClaimOfAnUnknownOrExpiredSession() {
        assertTrue(store.claim("NOSUCH").isEmpty());
        store.save(record("CLIENT0001", START_MS));
        clock.advance(TTL_MS);

        assertTrue(store.claim("CLIENT0001").isEmpty());
    }

    @Test
    void anAnonymousSessionWithNoSubscriptionsLoadsBackWhole() {
        SessionRecord anonymous = new SessionRecord("CLIENT0009", ResumeTokens.hash("t"), null, Long.MAX_VALUE,
                "$me:CLIENT0009", List.of(), START_MS, START_MS, new BucketState(100, 500, START_MS), 0, null);

        store.save(anonymous);

        assertEquals(anonymous, store.load("CLIENT0009").orElseThrow());
    }

    @Test
    void savingAgainReplacesTheRecord() {
        store.save(record("CLIENT0001", -1));
        SessionRecord detached = record("CLIENT0001", START_MS);

        store.save(detached);

        assertEquals(detached, store.load("CLIENT0001").orElseThrow());
        assertEquals(1, store.all().size());
    }

    @Test
    void anUnknownSessionLoadsNothing() {
        assertTrue(store.load("NOSUCHCLIENT").isEmpty());
    }

    @Test
    void deleteSaysWhetherThereWasARecord() {
        store.save(record("CLIENT0001", -1));

        assertTrue(store.delete("CLIENT0001"));
        assertFalse(store.delete("CLIENT0001"));
        assertTrue(store.load("CLIENT0001").isEmpty());
    }

    @Test
    void allListsEveryRecord() {
        store.save(record("CLIENT0001", -1));
        store.save(record("CLIENT0002", START_MS));

        Set<String> ids = store.all().stream().map(SessionRecord::clientId).collect(Collectors.toSet());

        assertEquals(Set.of("CLIENT0001", "CLIENT0002"), ids);
    }

    @Test
    void aDetachedRecordExpiresItsTtlAfterItDetached() {
        store.save(record("CLIENT0001", START_MS));
        clock.advance(TTL_MS - 1);
        assertTrue(store.load("CLIENT0001").isPresent(), "one ms before its TTL");

        clock.advance(1);

        assertTrue(store.load("CLIENT0001").isEmpty());
        assertTrue(store.all().isEmpty());
        assertFalse(store.delete("CLIENT0001"), "as if deleted");
    }

    @Test
    void anAttachedRecordNeverExpires() {
        store.save(record("CLIENT0001", -1));

        clock.advance(10 * TTL_MS);

        assertTrue(store.load("CLIENT0001").isPresent());
    }

    @Test
    void reattachingBeforeTheTtlKeepsTheRecord() {
        store.save(record("CLIENT0001", START_MS));
        clock.advance(TTL_MS - 10);
        store.save(record("CLIENT0001", -1));

        clock.advance(TTL_MS);

        assertTrue(store.load("CLIENT0001").isPresent());
    }

    @Test
    void theTokenIsKeptOnlyAsItsHash() {
        SessionRecord saved = record("CLIENT0001", -1);
        store.save(saved);

        String hash = store.load("CLIENT0001").orElseThrow().resumeTokenHash();

        assertFalse(hash.contains("token-of-"), hash);
        assertTrue(ResumeTokens.matches("token-of-CLIENT0001", hash));
        assertFalse(ResumeTokens.matches("token-of-CLIENT0002", hash));
    }
}
