package dev.safedeploy.bench.code;

import dev.safedeploy.platform.serving.Payloads;
import dev.safedeploy.platform.serving.RoutingTable;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What the router and a model server do per request besides the network and the model: pick a variant by weight,
 * parse the CSV body (one row, and a 100-row batch), format the predictions.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ServingHotPath {

  RoutingTable canary;
  byte[] oneRow;
  byte[] batch;
  float[] predictions;

  @Setup
  public void setUp() {
    // the pick reads only names and weights: no model server behind the routes
    canary = RoutingTable.of("nyctaxi-prod", List.of(
        new RoutingTable.Route("v1", null, 90),
        new RoutingTable.Route("v2", null, 10)), null);
    oneRow = "2.35,14.5,1\n".getBytes(StandardCharsets.UTF_8);
    StringBuilder rows = new StringBuilder();
    predictions = new float[100];
    for (int i = 0; i < 100; i++) {
      rows.append(0.5 + i * 0.1).append(',').append(5 + i % 40).append(',').append(1 + i % 4).append('\n');
      predictions[i] = 8.5f + i * 0.25f;
    }
    batch = rows.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Benchmark
  public RoutingTable.Route pickVariant() {
    return canary.pick(ThreadLocalRandom.current().nextInt(canary.totalWeight()));
  }

  @Benchmark
  public float[][] parseCsvRow() {
    return Payloads.parse(Payloads.CSV, oneRow);
  }

  @Benchmark
  public float[][] parseCsvBatch() {
    return Payloads.parse(Payloads.CSV, batch);
  }

  @Benchmark
  public byte[] formatCsvBatch() {
    return Payloads.format(Payloads.CSV, predictions);
  }
}
