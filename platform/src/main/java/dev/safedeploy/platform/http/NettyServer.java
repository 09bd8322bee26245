package dev.safedeploy.platform.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP/1.1 server on Netty with the platform's {@link HttpLimits}. Handlers get whole requests and return whole
 * answers; one that throws answers 500 with the reason. All servers in the JVM share one set of I/O threads.
 */
public final class NettyServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NettyServer.class);

  /** Answers one request; runs on an I/O thread when {@link Options#inlineBodyBytes} allows, on the pool else. */
  @FunctionalInterface
  public interface Handler {
    Response handle(Request request) throws Exception;
  }

  /**
   * @param name for logs and refusals, e.g. "router"
   * @param maxBodyBytes bodies over this are answered 400
   * @param inlineBodyBytes requests with a body up to this size run on the I/O thread (quick handlers, small
   *     bodies); -1: every request runs on the pool (handlers that block: files, model loading)
   * @param pool where the other requests run; full, it answers 503
   * @param refusals shapes the server's own answers (431, 414, 400 for a body over the limit or a malformed request,
   *     503, 500 for a handler that threw), which come as text; e.g. into the control API's JSON errors
   */
  public record Options(String name, int maxBodyBytes, int inlineBodyBytes, Executor pool,
      UnaryOperator<Response> refusals) {
    public Options(String name, int maxBodyBytes, int inlineBodyBytes, Executor pool) {
      this(name, maxBodyBytes, inlineBodyBytes, pool, UnaryOperator.identity());
    }
  }

  /**
   * The I/O threads, created on first use: one per core (or {@code -Dio.netty.eventLoopThreads}); daemons, so they
   * never hold a JVM up. Not Netty's default of two per core: the I/O path never blocks, and on a 2-core machine
   * shared with the clients four threads only add scheduling delay to the tail (bench router, 2026-12-03: p99
   * 1.25-1.49x nginx's with four, 1.01-1.23x with two, throughput the same).
   */
  private static final class Loops {
    static final EventLoopGroup GROUP = new NioEventLoopGroup(
        Math.max(1, Integer.getInteger("io.netty.eventLoopThreads", Runtime.getRuntime().availableProcessors())),
        new DefaultThreadFactory("http-io", true));
  }

  private final Options options;
  private final Handler handler;
  private final Channel listener;
  private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final AtomicInteger open = new AtomicInteger();

  private NettyServer(Options options, Handler handler, String bindHost, int port) {
    this.options = options;
    this.handler = handler;
    ServerBootstrap b = new ServerBootstrap().group(Loops.GROUP).channel(NioServerSocketChannel.class)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<SocketChannel>() {
          @Override
          protected void initChannel(SocketChannel ch) {
            if (open.incrementAndGet() > HttpLimits.MAX_CONNECTIONS) {
              open.decrementAndGet();
              log.warn("{}: {} connections open, the limit: closing a new one from {}", options.name(),
                  HttpLimits.MAX_CONNECTIONS, ch.remoteAddress());
              ch.close();
              return;
            }
            ch.closeFuture().addListener(f -> open.decrementAndGet());
            connections.add(ch);
            Deadline deadline = new Deadline();
            ch.pipeline().addLast(deadline)
                .addLast(new HttpServerCodec(HttpLimits.MAX_REQUEST_LINE, HttpLimits.MAX_HEADER_BYTES, 64 * 1024))
                .addLast(new Exchange(NettyServer.this, deadline));
          }
        });
    this.listener = b.bind(bindHost, port).syncUninterruptibly().channel();
  }

  /** Listens on bindHost:port (0: an ephemeral port) and serves until closed. */
  public static NettyServer start(String bindHost, int port, Options options, Handler handler) throws IOException {
    try {
      return new NettyServer(options, handler, bindHost, port);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      // Netty throws a bind failure (a checked exception) undeclared
      throw new IOException(options.name() + " cannot listen on " + bindHost + ":" + port + ": " + e.getMessage(), e);
    }
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  public URI uri() {
    InetSocketAddress a = address();
    String host = a.getAddress().getHostAddress();
    return URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort());
  }

  /** Connections open now. */
  public int openConnections() {
    return open.get();
  }

  String name() {
    return options.name();
  }

  int maxBodyBytes() {
    return options.maxBodyBytes();
  }

  Executor pool() {
    return options.pool();
  }

  boolean inline(Request r) {
    return options.pool() == null || (options.inlineBodyBytes() >= 0 && r.body().length <= options.inlineBodyBytes());
  }

  Response handle(Request r) {
    try {
      Response answer = handler.handle(r);
      return answer == null ? refusal(500, options.name() + " gave no answer") : answer;
    } catch (Exception | StackOverflowError e) {
      log.warn("{}: {} {} failed", options.name(), r.method(), r.uri(), e);
      return refusal(500, options.name() + " failed: " + e);
    }
  }

  /** One of the server's own answers, shaped by {@link Options#refusals}. */
  Response refusal(int status, String text) {
    return options.refusals().apply(Response.text(status, text));
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    connections.close().awaitUninterruptibly();
  }
}
