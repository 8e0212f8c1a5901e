package io.pushwire.server.ws;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataListener;
import io.helidon.common.buffers.DataReader;
import io.helidon.common.buffers.LazyString;
import java.nio.charset.Charset;
import java.util.function.Supplier;

/**
 * An upgraded connection's reader that remembers whether reading failed: the peer reset the connection
 * or closed it without a close frame. Helidon reports that to Tyrus as 1011 (server error); Pushwire logs
 * and counts it as the 1006 (abnormal closure) it is. Every call goes to the connection's own reader.
 */
final class WatchedReader extends DataReader {
    private final DataReader reader;
    /** Set and read on the connection's reading thread; volatile for anyone else asking. */
    private volatile boolean lost;

    WatchedReader(DataReader reader) {
        super(() -> {
            throw new IllegalStateException("reads go to the connection's reader");
        });
        this.reader = reader;
    }

    /** Whether a read failed: the connection ended without a close frame. */
    boolean lost() {
        return lost;
    }

    @Override
    public BufferData readBuffer() {
        return watch(() -> reader.readBuffer());
    }

    @Override
    public BufferData readBuffer(int length) {
        return watch(() -> reader.readBuffer(length));
    }

    @Override
    public void pullData() {
        watch(() -> {
            reader.pullData();
            return null;
        });
    }

    @Override
    public void ensureAvailable() {
        watch(() -> {
            reader.ensureAvailable();
            return null;
        });
    }

    @Override
    public int available() {
        return watch(() -> reader.available());
    }

    @Override
    public void skip(int length) {
        watch(() -> {
            reader.skip(length);
            return null;
        });
    }

    @Override
    public byte read() {
        return watch(() -> reader.read());
    }

    @Override
    public byte lookup() {
        return watch(() -> reader.lookup());
    }

    @Override
    public boolean startsWithNewLine() {
        return watch(() -> reader.startsWithNewLine());
    }

    @Override
    public boolean startsWith(byte[] prefix) {
        return watch(() -> reader.startsWith(prefix));
    }

    @Override
    public BufferData getBuffer(int length) {
        return watch(() -> reader.getBuffer(length));
    }

    @Override
    public LazyString readLazyString(Charset charset, int length) {
        return watch(() -> reader.readLazyString(charset, length));
    }

    @Override
    public String readAsciiString(int length) {
        return watch(() -> reader.readAsciiString(length));
    }

    @Override
    public byte[] readBytes(int length) {
        return watch(() -> reader.readBytes(length));
    }

    @Override
    public String readLine() throws IncorrectNewLineException {
        try {
            return reader.readLine();
        } catch (RuntimeException e) {
            throw lost(e);
        }
    }

    @Override
    public int findOrNewLine(byte b, int max) throws IncorrectNewLineException {
        try {
            return reader.findOrNewLine(b, max);
        } catch (RuntimeException e) {
            throw lost(e);
        }
    }

    @Override
    public String debugDataHex() {
        return watch(() -> reader.debugDataHex());
    }

    @Override
    public int findNewLine(int max) throws IncorrectNewLineException {
        try {
            return reader.findNewLine(max);
        } catch (RuntimeException e) {
            throw lost(e);
        }
    }

    @Override
    public <T> void listener(DataListener<T> listener, T context) {
        reader.listener(listener, context);
    }

    /** Runs a read; a failure marks the connection lost and is rethrown as it was. */
    private <T> T watch(Supplier<T> read) {
        try {
            return read.get();
        } catch (RuntimeException e) {
            throw lost(e);
        }
    }

    private RuntimeException lost(RuntimeException e) {
        // An interrupted read is the server ending the connection (stopping, or an idle timeout), not the peer.
        if (!Thread.currentThread().isInterrupted()) {
            lost = true;
        }
        return e;
    }
}
