package io.pushwire.it.exchange;

import java.nio.charset.StandardCharsets;

/** Control-frame payloads in log lines: as text when printable, else in hex. */
final class Payloads {
    private Payloads() {
    }

    static String show(byte[] payload) {
        if (payload.length == 0) {
            return "(empty)";
        }
        boolean printable = true;
        for (byte b : payload) {
            printable &= b >= 0x20 && b < 0x7F;
        }
        if (printable) {
            return "\"" + new String(payload, StandardCharsets.US_ASCII) + "\"";
        }
        StringBuilder hex = new StringBuilder("0x");
        for (byte b : payload) {
            hex.append(String.format("%02x", b));
        }
        return hex.toString();
    }
}
