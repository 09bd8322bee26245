package dev.safedeploy.worker.concurrency;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safedeploy.platform.api.Endpoint;
import dev.safedeploy.platform.api.Variant;
import dev.safedeploy.platform.client.PlatformClient;
import dev.safedeploy.platform.data.DataPreparation;
import dev.safedeploy.platform.data.PreparedData;
import dev.safedeploy.platform.data.TripGenerator;
import dev.safedeploy.worker.demo.TrafficGenerator;
import dev.safedeploy.worker.dev.DevEnvironment;
import dev.safedeploy.worker.reconcile.Reconciler;
import dev.safedeploy.worker.temporal.TemporalServers;
import dev.safedeploy.workflows.client.PipelineRuns;
import dev.safedeploy.workflows.judge.JudgePolicy;
import dev.safedeploy.workflows.pipeline.ApprovalDecision;
import dev.safedeploy.workflows.pipeline.DataLocations;
import dev.safedeploy.workflows.pipeline.DeploymentPolicy;
import dev.safedeploy.workflows.pipeline.Outcome;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.PipelineResult;
import dev.safedeploy.workflows.pipeline.PipelineStatus;
import dev.safedeploy.workflows.pipeline.ProdLease;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.Stage;
import dev.safedeploy.workflows.pipeline.Strategy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowStub;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 10's scenario for real, with live traffic: v1 is live, then v2 and v3 are started and approved seconds apart.
 * The production lease lets one canary at a time through; the other waits in QUEUED_FOR_PROD and then reads blue
 * afresh. Throughout, a sampler compares what the router really serves (the variant header of every live answer) with
 * the weights of the run that holds production, and checks the platform's weights always sum to 100. At the end
 * exactly one version is live and nothing is left behind.
 */
class ConcurrentVersionsEndToEndTest {

  static final String MODEL = "nyctaxi";
  static final String PROD = MODEL + "-prod";

  /** One look at the system: both runs' status, the platform's weights, the live answers so far. */
  record Sample(long nanos, Map<String, PipelineStatus> runs, Map<String, Integer> platformWeights,
      Map<String, Long> answers) {

    /** The run in DEPLOY_PROD and its weights; null when none is. */
    Map.Entry<String, Map<String, Integer>> holder() {
      return runs.entrySet().stream().filter(e -> e.getValue() != null && e.getValue().stage() == Stage.DEPLOY_PROD)
          .map(e -> Map.entry(e.getKey(), e.getValue().traffic())).findFirst().orElse(null);
    }

    long answered(String version) {
      return answers.getOrDefault(version + " 200", 0L);
    }
  }

  @Test
  @Timeout(600)
  void twoVersionsApprovedTogetherTakeProductionOneAtATimeAndTheRouterFollowsTheWeights(@TempDir Path home)
      throws Exception {
    Path raw = home.resolve("data/raw/trips.csv");
    java.nio.file.Files.createDirectories(raw.getParent());
    TripGenerator.generate(6_000, 42, raw);
    PreparedData data = DataPreparation.prepare(raw, home.resolve("data/v"), DataPreparation.DEFAULT_FEATURES,
        DataPreparation.DEFAULT_SEED);
    ByteArrayOutputStream notices = new ByteArrayOutputStream();
    try (DevEnvironment dev = DevEnvironment.start(new DevEnvironment.Options(home, TemporalServers.Mode.AUTO, 0, 0,
        0, 0, true, 0, null, Duration.ofSeconds(1)), new PrintStream(notices, true, StandardCharsets.UTF_8))) {
      WorkflowClient client = dev.client();
      PlatformClient platform = PlatformClient.forHome(dev.platform().url(), dev.platform().home());

      assertThat(run(client, start(client, "v1", data))).extracting(PipelineResult::outcome)
          .isEqualTo(Outcome.PROMOTED);

      List<Sample> samples = new ArrayList<>();
      List<String> unbalanced = new ArrayList<>();
      try (TrafficGenerator traffic = new TrafficGenerator(data.test(), dev.platform().routerUrl(), PROD, 120, 4)) {
        traffic.start();
        start(client, "v2", data);
        Thread.sleep(2_000);
        start(client, "v3", data);
        Set<String> approved = new java.util.HashSet<>();
        List<String> runs = List.of(PipelineRequest.workflowId(MODEL, "v2"), PipelineRequest.workflowId(MODEL, "v3"));
        while (true) {
          Map<String, PipelineStatus> statuses = new LinkedHashMap<>();
          for (String id : runs) {
            PipelineStatus s = client.newWorkflowStub(SafeDeploymentWorkflow.class, id).status();
            statuses.put(id, s);
            if (s.stage() == Stage.AWAIT_APPROVAL && approved.add(id)) {
              client.newWorkflowStub(SafeDeploymentWorkflow.class, id)
                  .decide(ApprovalDecision.approve("bob", "ship it", "test"));
            }
          }
          Endpoint prod = platform.endpoint(PROD);
          Map<String, Integer> weights = prod.variants().stream()
              .collect(Collectors.toMap(Variant::name, Variant::weight, (a, b) -> a, TreeMap::new));
          if (weights.values().stream().mapToLong(Integer::longValue).sum() != 100) {
            unbalanced.add(weights.toString());
          }
          samples.add(new Sample(System.nanoTime(), statuses, weights, traffic.answers()));
          if (statuses.values().stream().allMatch(s -> s.stage() == Stage.DONE)) {
            break;
          }
          Thread.sleep(150);
        }
      }

      assertThat(unbalanced).as("platform weights that did not sum to 100").isEmpty();
      // the lease: never two runs in DEPLOY_PROD at once, and the second waited visibly behind the first
      assertThat(samples).allSatisfy(s -> assertThat(s.runs().values().stream()
          .filter(st -> st.stage() == Stage.DEPLOY_PROD).count()).isLessThanOrEqualTo(1));
      String first = samples.stream().map(Sample::holder).filter(java.util.Objects::nonNull).findFirst()
          .orElseThrow().getKey();
      String second = first.endsWith("v2") ? PipelineRequest.workflowId(MODEL, "v3")
          : PipelineRequest.workflowId(MODEL, "v2");
      assertThat(samples).anySatisfy(s -> {
        PipelineStatus waiting = s.runs().get(second);
        assertThat(waiting.stage()).isEqualTo(Stage.QUEUED_FOR_PROD);
        assertThat(waiting.prodLease().state()).isEqualTo(ProdLease.State.QUEUED);
        assertThat(waiting.prodLease().holderWorkflowId()).isEqualTo(first);
      });

      // the router's share per version matches the holder's weights, step by step
      Map<String, long[]> served = new LinkedHashMap<>();
      Map<String, Map<String, Integer>> stepWeights = new HashMap<>();
      for (int i = 1; i < samples.size(); i++) {
        Sample a = samples.get(i - 1);
        Sample b = samples.get(i);
        var ha = a.holder();
        var hb = b.holder();
        if (ha == null || hb == null || !ha.equals(hb) || !nonZero(ha.getValue()).equals(nonZero(a.platformWeights()))
            || !nonZero(hb.getValue()).equals(nonZero(b.platformWeights()))) {
          continue; // a shift in flight between the two looks: not a steady step
        }
        String key = ha.getKey() + " " + nonZero(ha.getValue());
        stepWeights.put(key, ha.getValue());
        List<String> versions = new ArrayList<>(ha.getValue().keySet());
        long[] counts = served.computeIfAbsent(key, k -> new long[versions.size() + 1]);
        for (int v = 0; v < versions.size(); v++) {
          counts[v] += b.answered(versions.get(v)) - a.answered(versions.get(v));
        }
        long total = b.answers().values().stream().mapToLong(Long::longValue).sum()
            - a.answers().values().stream().mapToLong(Long::longValue).sum();
        counts[versions.size()] += total;
      }
      List<String> checked = new ArrayList<>();
      served.forEach((key, counts) -> {
        Map<String, Integer> w = stepWeights.get(key);
        long n = counts[counts.length - 1];
        if (n < 150) {
          return; // too short a step to measure a share (the final 100% steps are long enough)
        }
        List<String> versions = new ArrayList<>(w.keySet());
        for (int v = 0; v < versions.size(); v++) {
          double expected = w.get(versions.get(v)) / 100.0;
          double share = (double) counts[v] / n;
          double tolerance = 0.03 + 4 * Math.sqrt(expected * (1 - expected) / n);
          assertThat(share).as("%s: %s's share of %d answers", key, versions.get(v), n)
              .isCloseTo(expected, org.assertj.core.data.Offset.offset(tolerance));
        }
        checked.add(key + " over " + n + " answers");
      });
      System.out.println("steady steps, router share vs weights: " + checked);
      assertThat(checked).as("steady steps measured: " + served.keySet()).hasSizeGreaterThanOrEqualTo(3);
      assertThat(checked).anyMatch(k -> k.startsWith(first) && k.contains("=30"));
      assertThat(checked).anyMatch(k -> k.startsWith(second) && k.contains("=30"));

      // both promoted, in lease order; the second read blue afresh: the first, not v1
      PipelineResult firstResult = result(client, first);
      PipelineResult secondResult = result(client, second);
      assertThat(firstResult.outcome()).as(firstResult.reason()).isEqualTo(Outcome.PROMOTED);
      assertThat(secondResult.outcome()).as(secondResult.reason()).isEqualTo(Outcome.PROMOTED);
      PipelineStatus last = client.newWorkflowStub(SafeDeploymentWorkflow.class, second).status();
      String firstVersion = first.substring(first.lastIndexOf('-') + 1);
      String secondVersion = second.substring(second.lastIndexOf('-') + 1);
      assertThat(last.blueVersion()).isEqualTo(firstVersion);

      // exactly one live version, no dev endpoints, nothing that no open run owns
      Endpoint prod = platform.endpoint(PROD);
      assertThat(prod.variants()).extracting(Variant::name, Variant::weight)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(secondVersion, 100));
      for (String v : List.of("v1", "v2", "v3")) {
        assertThat(platform.endpoint(MODEL + "-dev-" + v)).as("dev endpoint of " + v).isNull();
      }
      assertThat(new Reconciler(platform, id -> false).orphans()).as("orphans").isEmpty();
    }
  }

  private static Map<String, Integer> nonZero(Map<String, Integer> weights) {
    return weights == null ? Map.of() : weights.entrySet().stream().filter(e -> e.getValue() > 0)
        .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, TreeMap::new));
  }

  private static String start(WorkflowClient client, String version, PreparedData data) {
    DeploymentPolicy policy = DeploymentPolicy.builder()
        .strategy(Strategy.CANARY)
        .canaryPercent(30)
        .bake(Duration.ofSeconds(6))
        .finalBake(Duration.ofSeconds(4))
        .alarmPollInterval(Duration.ofSeconds(1))
        .approvers(List.of("bob"))
        .watchWindow(Duration.ZERO)
        // the judge is not under test here; with a few hundred answers a latency blip would pause for a human
        .judge(JudgePolicy.disabled())
        .build();
    PipelineRequest request = new PipelineRequest(MODEL, version, new DataLocations(data.train().toUri().toString(),
        data.validation().toUri().toString(), data.test().toUri().toString(), data.baseline().toUri().toString()),
        Map.of(), "alice", policy).validated();
    return PipelineRuns.start(client, request).execution().getWorkflowId();
  }

  /** Approves the run when it asks and waits for its result. */
  private static PipelineResult run(WorkflowClient client, String workflowId) throws InterruptedException {
    SafeDeploymentWorkflow wf = client.newWorkflowStub(SafeDeploymentWorkflow.class, workflowId);
    boolean approved = false;
    for (Stage stage = wf.status().stage(); stage != Stage.DONE; stage = wf.status().stage()) {
      if (!approved && stage == Stage.AWAIT_APPROVAL) {
        wf.decide(ApprovalDecision.approve("bob", "ship it", "test"));
        approved = true;
      }
      Thread.sleep(200);
    }
    return result(client, workflowId);
  }

  private static PipelineResult result(WorkflowClient client, String workflowId) {
    return WorkflowStub.fromTyped(client.newWorkflowStub(SafeDeploymentWorkflow.class, workflowId))
        .getResult(PipelineResult.class);
  }
}
