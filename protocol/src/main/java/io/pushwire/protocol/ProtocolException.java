package io.pushwire.protocol;

/**
 * A frame broke the protocol. Carries the {@link ErrorCode} to answer with and, when it could be read,
 * the id of the request it concerns, so that the error reply can name it.
 */
public final class ProtocolException extends PushwireException {
    private final String errorCode;
    private final Long requestId;

    public ProtocolException(String errorCode, String message, Long requestId, Throwable cause) {
        super(message, cause);
        this.errorCode = errorCode;
        this.requestId = requestId;
    }

    static ProtocolException badRequest(String message) {
        return new ProtocolException(ErrorCode.BAD_REQUEST, message, null, null);
    }

    /** One of {@link ErrorCode}. */
    public String errorCode() {
        return errorCode;
    }

    /** The request id, or {@code null} when the frame had none or it could not be read. */
    public Long requestId() {
        return requestId;
    }

    /** The same error, tied to request {@code id} unless it already names one. */
    public ProtocolException withRequestId(Long id) {
        return id == null || requestId != null ? this : new ProtocolException(errorCode, getMessage(), id, getCause());
    }

    /** The error frame that answers this exception. */
    public ErrorFrame toFrame() {
        return ErrorFrame.of(requestId, errorCode, getMessage());
    }
}
