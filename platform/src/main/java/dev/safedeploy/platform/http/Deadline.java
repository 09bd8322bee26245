package dev.safedeploy.platform.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.TimeUnit;

/**
 * One connection's deadline, by phase: waiting for a request ({@value HttpLimits#IDLE_SECONDS} s), reading its
 * headers ({@value HttpLimits#MAX_HEADER_SECONDS} s from the first byte), its body and later writing the answer
 * ({@value HttpLimits#MAX_RESPONSE_SECONDS} s each); none while a handler works. Past it the connection is closed, so
 * a client trickling bytes holds one socket and nothing else (no thread: the I/O threads serve everyone).
 *
 * <p>One timer per connection, moved lazily: a phase change writes a field, and the timer, when it fires early,
 * sleeps again until the current deadline. Everything runs on the connection's event loop.
 */
final class Deadline extends ChannelInboundHandlerAdapter {
  enum Phase { IDLE, HEADERS, BODY, HANDLING, WRITING }

  private Channel channel;
  private Phase phase = Phase.HEADERS;
  private long dueNanos;
  private boolean armed;

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    channel = ctx.channel();
    enter(Phase.HEADERS);
    super.channelActive(ctx);
  }

  /** Sits before the HTTP decoder: the first byte of a kept-alive connection's next request starts its headers. */
  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
    if (phase == Phase.IDLE) {
      enter(Phase.HEADERS);
    }
    super.channelRead(ctx, msg);
  }

  void enter(Phase next) {
    phase = next;
    if (next == Phase.HANDLING || channel == null) {
      return;
    }
    long seconds = switch (next) {
      case IDLE -> HttpLimits.IDLE_SECONDS;
      case HEADERS -> HttpLimits.MAX_HEADER_SECONDS;
      default -> HttpLimits.MAX_RESPONSE_SECONDS;
    };
    long now = System.nanoTime();
    dueNanos = now + TimeUnit.SECONDS.toNanos(seconds);
    if (!armed) {
      arm(dueNanos - now);
    }
  }

  Phase phase() {
    return phase;
  }

  private void arm(long delayNanos) {
    armed = true;
    channel.eventLoop().schedule(this::fire, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void fire() {
    armed = false;
    if (phase == Phase.HANDLING || !channel.isOpen()) {
      return; // re-armed by the next phase change
    }
    long left = dueNanos - System.nanoTime();
    if (left > 0) {
      arm(left);
    } else {
      channel.close();
    }
  }
}
