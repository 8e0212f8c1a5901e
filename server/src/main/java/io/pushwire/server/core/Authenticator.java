package io.pushwire.server.core;

/**
 * Turns {@code hello.token} (or a {@code refresh}'s) into a {@link Principal}. Called on a connection's
 * reader thread; implementations are thread-safe and do not block on the network.
 */
public interface Authenticator {
    /** No authentication: every session is {@link Principal#ANONYMOUS}, whatever token it sends. */
    Authenticator NONE = (token, nowMs) -> Principal.ANONYMOUS;

    /**
     * The principal {@code token} proves at {@code nowMs}.
     *
     * @throws AuthenticationException when the token is missing, invalid or expired
     */
    Principal authenticate(String token, long nowMs);

    /** A token that proves nothing; {@link #code()} is {@code unauthorized} or {@code token_expired}. */
    final class AuthenticationException extends RuntimeException {
        private final String code;

        public AuthenticationException(String code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }
}
