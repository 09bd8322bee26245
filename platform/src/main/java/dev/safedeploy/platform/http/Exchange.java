package dev.safedeploy.platform.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection's requests, one at a time: the body is gathered up to the server's limit, then the handler runs,
 * on the I/O thread when the body is small (the router's and model servers' few-row invocations: microseconds) or
 * on the server's pool otherwise (reading paused meanwhile, so answers stay in request order).
 */
final class Exchange extends ChannelInboundHandlerAdapter {
  private static final Logger log = LoggerFactory.getLogger(Exchange.class);

  private final NettyServer server;
  private final Deadline deadline;
  private HttpRequest head;
  private ByteBuf body;
  private long received;
  /** Set when the request is refused; its body is read and dropped, then this is the answer. */
  private Response refusal;
  /** A request is on the pool; what comes meanwhile waits in the backlog (reading is paused). */
  private boolean busy;
  private final java.util.ArrayDeque<Object> backlog = new java.util.ArrayDeque<>();

  Exchange(NettyServer server, Deadline deadline) {
    this.server = server;
    this.deadline = deadline;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (busy) {
      // pipelined behind a request still on the pool: the decoder hands on what one socket read held
      backlog.add(msg);
      return;
    }
    read(ctx, msg);
  }

  private void read(ChannelHandlerContext ctx, Object msg) {
    try {
      if (msg instanceof HttpRequest req) {
        start(ctx, req);
      }
      if (msg instanceof HttpContent content && head != null) {
        content(ctx, content);
      }
    } finally {
      io.netty.util.ReferenceCountUtil.release(msg);
    }
  }

  private void start(ChannelHandlerContext ctx, HttpRequest req) {
    deadline.enter(Deadline.Phase.BODY);
    head = null;
    refusal = null;
    received = 0;
    if (req.decoderResult().isFailure()) {
      // the decoder drops whatever else comes on this connection: answer, then close
      Throwable cause = req.decoderResult().cause();
      Response r;
      if (cause instanceof TooLongHttpHeaderException) {
        r = server.refusal(431, "request headers are more than the limit of " + HttpLimits.MAX_HEADER_BYTES
            + " bytes");
      } else if (cause instanceof TooLongHttpLineException || cause instanceof TooLongFrameException) {
        r = server.refusal(414, "request line longer than the limit of " + HttpLimits.MAX_REQUEST_LINE
            + " bytes");
      } else {
        r = server.refusal(400, "malformed HTTP request: " + cause.getMessage());
      }
      write(ctx, r, false);
      return;
    }
    head = req;
    HttpHeaders h = req.headers();
    if (h.size() > HttpLimits.MAX_HEADERS) {
      refusal = server.refusal(431, h.size() + " request headers, more than the limit of "
          + HttpLimits.MAX_HEADERS);
    }
    long declared = -1;
    String cl = h.get(HttpHeaderNames.CONTENT_LENGTH);
    if (cl != null) {
      try {
        declared = Long.parseLong(cl.trim());
      } catch (NumberFormatException e) {
        write(ctx, server.refusal(400, "bad Content-Length '" + abbreviate(cl) + "'"), false);
        head = null;
        return;
      }
    }
    if (refusal == null && declared > server.maxBodyBytes()) {
      refusal = tooLarge(declared);
    }
    if (refusal != null && (declared > HttpLimits.DISCARD_CAP || HttpUtil.is100ContinueExpected(req))) {
      // not worth reading (or not sent yet): answer now and close
      write(ctx, refusal, false);
      head = null;
      return;
    }
    if (HttpUtil.is100ContinueExpected(req)) {
      ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
          Unpooled.EMPTY_BUFFER));
    }
    if (refusal == null) {
      int initial = declared >= 0 ? (int) declared : 1024;
      body = ctx.alloc().heapBuffer(Math.max(initial, 16), server.maxBodyBytes());
    }
  }

  private void content(ChannelHandlerContext ctx, HttpContent content) {
    ByteBuf bytes = content.content();
    received += bytes.readableBytes();
    if (refusal == null) {
      if (received > server.maxBodyBytes()) {
        refusal = tooLarge(received);
        releaseBody();
      } else {
        body.writeBytes(bytes);
      }
    } else if (received > HttpLimits.DISCARD_CAP) {
      write(ctx, refusal, false);
      head = null;
      return;
    }
    if (content instanceof LastHttpContent) {
      boolean keepAlive = HttpUtil.isKeepAlive(head);
      if (refusal != null) {
        write(ctx, refusal, keepAlive);
      } else {
        dispatch(ctx, keepAlive);
      }
      head = null;
    }
  }

  private Response tooLarge(long bytes) {
    return server.refusal(400, "payload of " + bytes + " bytes exceeds the limit of " + server.maxBodyBytes()
        + " bytes");
  }

  private void dispatch(ChannelHandlerContext ctx, boolean keepAlive) {
    byte[] bytes = new byte[body.readableBytes()];
    body.readBytes(bytes);
    releaseBody();
    URI uri;
    try {
      uri = new URI(head.uri());
    } catch (URISyntaxException e) {
      write(ctx, server.refusal(400, "malformed request target: " + e.getMessage()), keepAlive);
      return;
    }
    Request request = new Request(head.method().name(), uri, head.headers(), bytes);
    deadline.enter(Deadline.Phase.HANDLING);
    if (server.inline(request)) {
      write(ctx, server.handle(request), keepAlive);
      return;
    }
    ctx.channel().config().setAutoRead(false);
    busy = true;
    try {
      server.pool().execute(() -> {
        Response r = server.handle(request);
        ctx.executor().execute(() -> {
          write(ctx, r, keepAlive);
          resume(ctx);
        });
      });
    } catch (RejectedExecutionException e) {
      write(ctx, server.refusal(503, server.name() + " is at its limit of concurrent requests; retry"), keepAlive);
      resume(ctx);
    }
  }

  /** After a pooled request's answer: the requests pipelined behind it, then reading again. */
  private void resume(ChannelHandlerContext ctx) {
    busy = false;
    Object next;
    while (!busy && (next = backlog.poll()) != null) {
      read(ctx, next);
    }
    if (!busy) {
      ctx.channel().config().setAutoRead(true);
    }
  }

  private void write(ChannelHandlerContext ctx, Response r, boolean keepAlive) {
    FullHttpResponse resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(r.status()),
        r.body().length == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body()));
    HttpHeaders h = resp.headers();
    if (r.contentType() != null) {
      h.set(HttpHeaderNames.CONTENT_TYPE, r.contentType());
    }
    for (Map.Entry<String, String> e : r.headers().entrySet()) {
      h.set(e.getKey(), e.getValue());
    }
    h.setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length);
    if (!keepAlive) {
      h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    }
    deadline.enter(Deadline.Phase.WRITING);
    ctx.writeAndFlush(resp).addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        f.channel().close();
      } else if (!keepAlive) {
        closeGently(f.channel());
      } else if (deadline.phase() == Deadline.Phase.WRITING) {
        deadline.enter(Deadline.Phase.IDLE);
      }
    });
  }

  /**
   * Ends our side and lets the client read the answer before the socket goes: closing with its unread bytes still
   * coming would reset the connection, and a reset can destroy the answer before the client reads it.
   */
  private static void closeGently(io.netty.channel.Channel ch) {
    if (ch instanceof SocketChannel s && !s.isOutputShutdown()) {
      s.shutdownOutput().addListener(f -> ch.eventLoop().schedule(() -> {
        ch.close();
      }, 2, TimeUnit.SECONDS));
    } else {
      ch.close();
    }
  }

  private void releaseBody() {
    if (body != null) {
      body.release();
      body = null;
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    releaseBody();
    Object m;
    while ((m = backlog.poll()) != null) {
      io.netty.util.ReferenceCountUtil.release(m);
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("{}: connection {} failed: {}", server.name(), ctx.channel().remoteAddress(), cause.toString());
    ctx.close();
  }

  private static String abbreviate(String s) {
    return s.length() > 40 ? s.substring(0, 40) + "..." : s;
  }
}
