package io.pushwire.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The load balancer of a test: a TCP proxy on a loopback port that hands each new connection to the next
 * of its backends in turn, skipping one that refuses (a node restarting), and copies bytes both ways until
 * either side closes. Nothing about WebSocket: exactly what an L4 balancer in front of the nodes does.
 */
final class RoundRobinProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final List<Integer> backendPorts;
    private final AtomicInteger next = new AtomicInteger();
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    RoundRobinProxy(List<Integer> backendPorts) throws IOException {
        this.backendPorts = List.copyOf(backendPorts);
        this.listener = new ServerSocket(0, 1_000, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().name("round-robin-proxy").start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Thread.ofVirtual().start(() -> connect(client));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    /** The next backend that accepts, trying each at most once; none: the client is closed. */
    private void connect(Socket client) {
        for (int tried = 0; tried < backendPorts.size(); tried++) {
            int port = backendPorts.get(Math.floorMod(next.getAndIncrement(), backendPorts.size()));
            Socket backend = new Socket();
            try {
                backend.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            } catch (IOException refused) {
                closeQuietly(backend);
                continue;
            }
            open.add(client);
            open.add(backend);
            Thread.ofVirtual().start(() -> pump(client, backend));
            Thread.ofVirtual().start(() -> pump(backend, client));
            return;
        }
        closeQuietly(client);
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException ended) {
            // either side went away
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void closeQuietly(Socket socket) {
        open.remove(socket);
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        open.forEach(this::closeQuietly);
    }
}
