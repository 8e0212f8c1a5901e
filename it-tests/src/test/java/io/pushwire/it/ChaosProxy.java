package io.pushwire.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on loopback between clients and the server, for fault injection: it can cut a connection
 * with a reset (no close handshake, no FIN), blackhole it (stop forwarding in both directions while
 * both sockets stay open: a half-open connection as far as either end can tell), and add latency to
 * every chunk it forwards. Plain blocking sockets on virtual threads; bounded by its connections.
 */
final class ChaosProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final InetSocketAddress upstream;
    private final List<Pipe> pipes = new CopyOnWriteArrayList<>();
    private final AtomicLong latencyMs = new AtomicLong();
    private final AtomicInteger accepted = new AtomicInteger();
    private volatile boolean closed;
    /** How many source addresses (127.0.0.2 and up) the upstream connections are spread over; 0: the default. */
    private final int sourceAddresses;

    ChaosProxy(int upstreamPort) throws IOException {
        this(upstreamPort, 0);
    }

    /**
     * A proxy whose upstream connections come from {@code sourceAddresses} loopback addresses in turn, so
     * that the server sees many clients' addresses (its handshake limit is per address).
     */
    ChaosProxy(int upstreamPort, int sourceAddresses) throws IOException {
        this.sourceAddresses = sourceAddresses;
        this.upstream = new InetSocketAddress(InetAddress.getLoopbackAddress(), upstreamPort);
        this.listener = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("chaos-accept").start(this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Connections accepted so far. */
    int accepted() {
        return accepted.get();
    }

    /** Connections currently forwarded (not cut). */
    int live() {
        return (int) pipes.stream().filter(pipe -> !pipe.dead).count();
    }

    /** Delay added before each forwarded chunk, both ways. */
    void latency(long ms) {
        latencyMs.set(ms);
    }

    /** Resets one random live connection; returns whether there was one. */
    boolean cutOne(Random random) {
        Pipe pipe = randomLive(random);
        if (pipe == null) {
            return false;
        }
        pipe.reset();
        return true;
    }

    /** Stops forwarding on one random live connection without closing it; returns whether there was one. */
    boolean blackholeOne(Random random) {
        Pipe pipe = randomLive(random);
        if (pipe == null) {
            return false;
        }
        pipe.blackholed = true;
        return true;
    }

    /** Resets the {@code index}-th connection accepted (0 is the first), if it is still live. */
    boolean cut(int index) {
        if (index >= pipes.size() || pipes.get(index).dead) {
            return false;
        }
        pipes.get(index).reset();
        return true;
    }

    /** Resets every connection. */
    void cutAll() {
        pipes.forEach(Pipe::reset);
    }

    private Pipe randomLive(Random random) {
        List<Pipe> live = pipes.stream().filter(pipe -> !pipe.dead && !pipe.blackholed).toList();
        return live.isEmpty() ? null : live.get(random.nextInt(live.size()));
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                int index = accepted.getAndIncrement();
                Socket server = new Socket();
                if (sourceAddresses > 0) {
                    server.bind(new InetSocketAddress(InetAddress.getByAddress(
                            new byte[] {127, 0, 0, (byte) (2 + index % sourceAddresses)}), 0));
                }
                server.connect(upstream, 2_000);
                Pipe pipe = new Pipe(client, server);
                pipes.add(pipe);
                pipe.start();
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("chaos proxy accept failed: " + e);
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        cutAll();
    }

    /** Both directions of one proxied connection. */
    private final class Pipe {
        private final Socket client;
        private final Socket server;
        private volatile boolean blackholed;
        private volatile boolean dead;

        Pipe(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void start() {
            Thread.ofVirtual().name("chaos-up").start(() -> pump(client, server));
            Thread.ofVirtual().name("chaos-down").start(() -> pump(server, client));
        }

        private void pump(Socket from, Socket to) {
            byte[] buffer = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int read;
                while ((read = in.read(buffer)) >= 0) {
                    while (blackholed && !dead) {
                        Thread.sleep(50); // hold the bytes: neither end hears anything, neither end is told
                    }
                    long delay = latencyMs.get();
                    if (delay > 0) {
                        Thread.sleep(delay);
                    }
                    out.write(buffer, 0, read);
                    out.flush();
                }
                // A clean close on one side is passed on as a clean close.
                to.shutdownOutput();
            } catch (IOException | InterruptedException e) {
                reset();
            }
        }

        /** Closes both sockets with RST: SO_LINGER 0 drops unsent data and skips the FIN handshake. */
        void reset() {
            if (dead) {
                return;
            }
            dead = true;
            for (Socket socket : List.of(client, server)) {
                try {
                    socket.setSoLinger(true, 0);
                    socket.close();
                } catch (SocketException ignored) {
                    // already closed
                } catch (IOException ignored) {
                    // already gone
                }
            }
            pipes.remove(this);
        }
    }
}
