package dev.safedeploy.platform.serving;

import dev.safedeploy.platform.api.DataCaptureConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An endpoint's routes, immutable: a weight change builds a new table and swaps it in one reference write, so a
 * request sees either the old split or the new one, never a mix.
 */
public record RoutingTable(String endpoint, List<Route> routes, int totalWeight, DataCaptureConfig capture) {

  /** @param server the variant's model server, in this process: the router calls it without a network hop */
  public record Route(String variant, ModelServer server, int weight) {}

  /** The largest weight a variant can have: the workflow and the weights API speak percentages. */
  public static final int MAX_WEIGHT = 100;

  /**
   * Refuses a weight outside 0..{@value #MAX_WEIGHT}; the total is summed in a long, so no set of weights can wrap
   * around to a negative or small total and take the endpoint offline.
   */
  public static RoutingTable of(String endpoint, List<Route> routes, DataCaptureConfig capture) {
    long total = 0;
    for (Route r : routes) {
      if (r.weight() < 0 || r.weight() > MAX_WEIGHT) {
        throw new IllegalArgumentException("variant " + r.variant() + " of endpoint " + endpoint + " has weight "
            + r.weight() + ", outside 0.." + MAX_WEIGHT);
      }
      total += r.weight();
    }
    return new RoutingTable(endpoint, List.copyOf(routes), Math.toIntExact(total), capture);
  }

  /** The route for a uniform draw in [0, totalWeight); null when no variant has weight. */
  public Route pick(int draw) {
    int acc = 0;
    for (Route r : routes) {
      acc += r.weight();
      if (draw < acc) {
        return r;
      }
    }
    return null;
  }

  public Route variant(String name) {
    for (Route r : routes) {
      if (r.variant().equals(name)) {
        return r;
      }
    }
    return null;
  }

  public Map<String, Integer> weights() {
    Map<String, Integer> w = new LinkedHashMap<>();
    routes.forEach(r -> w.put(r.variant(), r.weight()));
    return w;
  }
}
