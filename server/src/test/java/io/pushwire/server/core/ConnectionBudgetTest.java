package io.pushwire.server.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ConnectionBudgetTest {

    @Test
    void keepsFilesForEverythingElseAndPutsTheWebSocketCapBelowTheTcpCap() {
        ConnectionBudget budget = ConnectionBudget.fromOpenFileLimit(20_000);

        assertEquals(20_000 - 512 - 1_000, budget.tcpConnections());
        assertEquals(budget.tcpConnections() - 128, budget.webSocketConnections());
        assertEquals(1_512, budget.kept());
    }

    @Test
    void aLargeLimitKeepsAShareOfIt() {
        ConnectionBudget budget = ConnectionBudget.fromOpenFileLimit(1_048_576);

        assertEquals(1_048_576 - 512 - 52_428, budget.tcpConnections());
        assertTrue(budget.webSocketConnections() < budget.tcpConnections());
    }

    @Test
    void aTinyLimitStillLeavesAFewConnections() {
        ConnectionBudget budget = ConnectionBudget.fromOpenFileLimit(256);

        assertEquals(64, budget.tcpConnections());
        assertEquals(32, budget.webSocketConnections());
        assertTrue(budget.webSocketConnections() < budget.tcpConnections());
    }
}
