package io.pushwire.it.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.EventLoop;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The benchmark's baseline: a bare WebSocket broadcast server on Netty 4.2, on the same JDK, with as
 * little protocol as the load generator needs and nothing else. No sessions, queues, history, limits,
 * heartbeats or slow-consumer handling: what a team writes in an afternoon, and the floor Pushwire's
 * cost per connection and per delivery is compared with.
 *
 * <p>It answers the load generator's frames (hello gets a welcome; subscribe gets {@code subscribed}
 * with the head seq and joins), takes {@code POST /api/channels/{c}/events}, and writes each publication
 * as one text frame encoded once and shared by every subscriber, with one task per event loop rather
 * than one per channel (the cheapest broadcast Netty offers; {@code ChannelGroup.writeAndFlush} from a
 * foreign thread costs a task and a wake-up per channel). Seqs are given on one thread so that every
 * subscriber sees them in order, as Pushwire promises.
 *
 * <p>Run by {@link BenchServer#startBaseline}: {@code java -cp <test class path> ...NettyBroadcastServer <port>}.
 */
public final class NettyBroadcastServer {
    /** Subscribers by the event loop that serves them; each list is changed only on its own loop (copy on write:
     * a channel that closes while a publish iterates removes itself from the list being iterated). */
    private final Map<EventLoop, List<Channel>> subscribers = new ConcurrentHashMap<>();
    private final AtomicInteger subscriberCount = new AtomicInteger();
    /**
     * Publishes and subscribes run here, one at a time, off the event loops, so that every loop receives
     * its tasks in seq order: a write made from a channel's own loop would go out at once, ahead of
     * writes queued to it earlier from other loops.
     */
    private final ExecutorService broadcaster = Executors.newSingleThreadExecutor(r -> new Thread(r, "broadcaster"));
    /** Confined to the broadcaster. */
    private long seq;

    public static void main(String[] args) throws InterruptedException {
        int port = Integer.parseInt(args[0]);
        new NettyBroadcastServer().run(port);
    }

    private void run(int port) throws InterruptedException {
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        try {
            Channel server = new ServerBootstrap()
                    .group(boss, workers)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(
                                    new HttpServerCodec(),
                                    new HttpObjectAggregator(64 * 1024),
                                    new WebSocketServerProtocolHandler("/ws", "pushwire.v1"),
                                    new HttpHandler(),
                                    new FrameHandler());
                        }
                    })
                    .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
            System.out.println("baseline listening on " + port);
            server.closeFuture().sync();
        } finally {
            boss.shutdownGracefully();
            workers.shutdownGracefully();
        }
    }

    /**
     * Publishes one event: the frame is built once, and each event loop gets one task that writes the
     * same buffer (a retained duplicate, not a copy) to each of its subscribers.
     */
    private long publish(ByteBuf data) {
        long next = ++seq;
        ByteBuf frame = PooledByteBufAllocator.DEFAULT.buffer(data.readableBytes() + 64);
        frame.writeCharSequence("{\"type\":\"event\",\"channel\":\"bench.fanout\",\"seq\":" + next + ",\"data\":",
                StandardCharsets.US_ASCII);
        frame.writeBytes(data, data.readerIndex(), data.readableBytes());
        frame.writeByte('}');
        subscribers.forEach((loop, channels) -> {
            ByteBuf shared = frame.retainedDuplicate();
            loop.execute(() -> {
                try {
                    for (Channel channel : channels) {
                        channel.writeAndFlush(new TextWebSocketFrame(shared.retainedDuplicate()));
                    }
                } finally {
                    shared.release();
                }
            });
        });
        frame.release();
        return next;
    }

    /** Answers with the head seq and joins, both on the channel's loop, in order with the publishes. */
    private void subscribe(Channel channel) {
        String subscribed = "{\"type\":\"subscribed\",\"id\":2,\"channel\":\"bench.fanout\",\"seq\":" + seq + "}";
        EventLoop loop = channel.eventLoop();
        List<Channel> channels = subscribers.computeIfAbsent(loop, l -> new CopyOnWriteArrayList<>());
        loop.execute(() -> {
            channel.writeAndFlush(new TextWebSocketFrame(subscribed));
            if (channel.isActive()) {
                channels.add(channel);
                subscriberCount.incrementAndGet();
                channel.closeFuture().addListener(closed -> {
                    channels.remove(channel);
                    subscriberCount.decrementAndGet();
                });
            }
        });
    }

    /** The HTTP requests that are not the WebSocket upgrade: publish and the readiness probe. */
    private final class HttpHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            String path = request.uri();
            FullHttpResponse response;
            if (request.method() == HttpMethod.POST && path.startsWith("/api/channels/") && path.endsWith("/events")) {
                ByteBuf data = request.content().retain();
                boolean keepAlive = HttpUtil.isKeepAlive(request);
                broadcaster.execute(() -> {
                    long published;
                    try {
                        published = publish(data);
                    } finally {
                        data.release();
                    }
                    respond(ctx, keepAlive, json(HttpResponseStatus.OK,
                            "{\"seq\":" + published + ",\"subscribers\":" + subscriberCount.get() + "}"));
                });
                return;
            } else if (path.startsWith("/health")) {
                response = json(HttpResponseStatus.OK, "{\"status\":\"UP\"}");
            } else {
                response = json(HttpResponseStatus.NOT_FOUND, "{\"error\":\"not found\"}");
            }
            respond(ctx, HttpUtil.isKeepAlive(request), response);
        }

        private static void respond(ChannelHandlerContext ctx, boolean keepAlive, FullHttpResponse response) {
            HttpUtil.setKeepAlive(response, keepAlive);
            if (keepAlive) {
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        private static FullHttpResponse json(HttpResponseStatus status, String body) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    ByteBufUtil.writeUtf8(PooledByteBufAllocator.DEFAULT, body));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            return response;
        }
    }

    /** The load generator's frames: hello, subscribe, pong. */
    private final class FrameHandler extends SimpleChannelInboundHandler<WebSocketFrame> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, WebSocketFrame frame) {
            if (!(frame instanceof TextWebSocketFrame text)) {
                return;
            }
            String message = text.text();
            if (message.contains("\"hello\"")) {
                ctx.writeAndFlush(new TextWebSocketFrame("{\"type\":\"welcome\",\"id\":1,\"protocol\":1}"));
            } else if (message.contains("\"subscribe\"")) {
                Channel channel = ctx.channel();
                broadcaster.execute(() -> subscribe(channel));
            }
        }
    }
}
