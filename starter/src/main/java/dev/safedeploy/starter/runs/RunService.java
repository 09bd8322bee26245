package dev.safedeploy.starter.runs;

import com.google.protobuf.Timestamp;
import dev.safedeploy.workflows.judge.Judgement;
import dev.safedeploy.workflows.pipeline.AlarmRecord;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import dev.safedeploy.workflows.pipeline.ApprovalDecision;
import dev.safedeploy.workflows.pipeline.ApprovalRecord;
import dev.safedeploy.workflows.pipeline.PipelineRequest;
import dev.safedeploy.workflows.pipeline.PipelineResult;
import dev.safedeploy.workflows.pipeline.PipelineStatus;
import dev.safedeploy.workflows.pipeline.RetrainCause;
import dev.safedeploy.workflows.pipeline.RollbackRequest;
import dev.safedeploy.workflows.pipeline.SafeDeploymentWorkflow;
import dev.safedeploy.workflows.pipeline.SearchAttributes;
import dev.safedeploy.workflows.pipeline.Stage;
import dev.safedeploy.workflows.pipeline.StageRecord;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.common.v1.Payloads;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.filter.v1.StartTimeFilter;
import io.temporal.api.filter.v1.WorkflowTypeFilter;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsResponse;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowExecutionMetadata;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowStub;
import io.temporal.client.WorkflowUpdateException;
import io.temporal.common.SearchAttributeKey;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.common.converter.DataConverter;
import io.temporal.failure.ApplicationFailure;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.lang.reflect.Type;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the CLI and the Slack gateway do to runs, on top of a Temporal client: describe, status, decide,
 * rollback, list (with a fallback for servers without advanced visibility) and the audit trail.
 */
public final class RunService {

  private static final Logger log = LoggerFactory.getLogger(RunService.class);

  private final WorkflowClient client;
  private final WorkflowServiceStubs stubs;
  private final String namespace;
  private final DataConverter converter;
  private final Duration updateTimeout;

  public RunService(WorkflowClient client) {
    this(client, Duration.ofSeconds(30));
  }

  /** @param updateTimeout how long a decision may wait for a worker to validate and apply it */
  public RunService(WorkflowClient client, Duration updateTimeout) {
    this.client = client;
    this.updateTimeout = updateTimeout;
    this.stubs = client.getWorkflowServiceStubs();
    this.namespace = client.getOptions().getNamespace();
    this.converter = client.getOptions().getDataConverter();
  }

  public String namespace() {
    return namespace;
  }

  /** The latest execution of the run; {@link RunFailure.Kind#UNKNOWN_RUN} when there is none. */
  public WorkflowExecutionDescription describe(String workflowId) {
    try {
      return client.newUntypedWorkflowStub(workflowId).describe();
    } catch (WorkflowNotFoundException e) {
      throw RunFailure.unknown(workflowId, namespace);
    } catch (RuntimeException e) {
      StatusRuntimeException status = status(e);
      if (status != null && status.getStatus().getCode() == Status.Code.NOT_FOUND
          && !mentionsNamespace(status)) {
        throw RunFailure.unknown(workflowId, namespace);
      }
      throw e;
    }
  }

  /** Status from the live query; for a closed run whose query nobody answers, from its result. */
  public RunView view(String workflowId) {
    WorkflowExecutionDescription d = describe(workflowId);
    String runId = d.getExecution().getRunId();
    String execStatus = executionStatus(d.getStatus());
    PipelineStatus status = null;
    String source = "query";
    try {
      status = client.newWorkflowStub(SafeDeploymentWorkflow.class, workflowId).status();
    } catch (WorkflowNotFoundException e) {
      throw RunFailure.unknown(workflowId, namespace);
    } catch (WorkflowException | StatusRuntimeException e) {
      log.debug("status query of {} failed", workflowId, e);
    }
    if (status == null && d.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      PipelineResult result = result(workflowId);
      if (result != null) {
        status = fromResult(result);
        source = "result";
      }
    }
    if (status == null) {
      status = fromSearchAttributes(workflowId, d);
      source = "search-attributes";
    }
    return new RunView(workflowId, runId, execStatus, d.getStartTime(), d.getCloseTime(), d.getStaticSummary(),
        source, status);
  }

  /** Sends the validated {@code decide} update; a refusal comes back as {@link RunFailure.Kind#REFUSED}. */
  public ApprovalRecord decide(String workflowId, ApprovalDecision decision) {
    requireRunning(workflowId, decision.approve() ? "approve" : "reject");
    SafeDeploymentWorkflow stub = client.newWorkflowStub(SafeDeploymentWorkflow.class, workflowId);
    // An update needs a worker to run its validator; without one it would wait forever.
    CompletableFuture<ApprovalRecord> update = CompletableFuture.supplyAsync(() -> stub.decide(decision));
    try {
      return update.get(updateTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      update.cancel(true);
      throw new RunFailure(RunFailure.Kind.NO_WORKER, "no worker answered the decision within "
          + updateTimeout.toSeconds() + " s; is a worker polling task queue " + SafeDeploymentWorkflow.TASK_QUEUE
          + "? The server may still deliver it when a worker picks the run up; check `safedeploy status`");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while deciding " + workflowId, e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof WorkflowUpdateException u) {
        throw new RunFailure(RunFailure.Kind.REFUSED, "refused: " + refusalReason(u));
      }
      if (cause instanceof WorkflowNotFoundException) {
        throw endedMeanwhile(workflowId, decision.approve() ? "approve" : "reject");
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(cause);
    }
  }

  public void rollback(String workflowId, RollbackRequest request) {
    requireRunning(workflowId, "roll back");
    try {
      client.newWorkflowStub(SafeDeploymentWorkflow.class, workflowId).rollback(request);
    } catch (WorkflowNotFoundException e) {
      throw endedMeanwhile(workflowId, "roll back");
    }
  }

  /**
   * A real server answers NotFound for a message to a run that closed after we checked it was running (a rejection
   * still compensating, say): that is "the run has ended", not an unknown run.
   */
  private RunFailure endedMeanwhile(String workflowId, String what) {
    requireRunning(workflowId, what);
    return RunFailure.unknown(workflowId, namespace);
  }

  private void requireRunning(String workflowId, String what) {
    WorkflowExecutionDescription d = describe(workflowId);
    if (d.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      String outcome = keyword(d, SearchAttributes.OUTCOME);
      throw new RunFailure(RunFailure.Kind.REFUSED, "cannot " + what + " " + workflowId + ": the run has ended ("
          + (outcome != null ? outcome : executionStatus(d.getStatus())) + ")");
    }
  }

  /** The validator's own words, not the SDK's wrapping. */
  static String refusalReason(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof ApplicationFailure af) {
        return af.getOriginalMessage();
      }
    }
    Throwable root = e;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage();
  }

  // ---------------------------------------------------------------- list

  public RunList list(RunFilter filter) {
    String query = filter.visibilityQuery();
    try {
      List<RunSummary> runs = new ArrayList<>();
      com.google.protobuf.ByteString token = com.google.protobuf.ByteString.EMPTY;
      do {
        ListWorkflowExecutionsResponse page = stubs.blockingStub().listWorkflowExecutions(
            ListWorkflowExecutionsRequest.newBuilder().setNamespace(namespace).setQuery(query).setPageSize(200)
                .setNextPageToken(token).build());
        for (WorkflowExecutionInfo info : page.getExecutionsList()) {
          runs.add(summary(info, false));
        }
        token = page.getNextPageToken();
      } while (!token.isEmpty() && runs.size() < 10_000);
      runs.sort(Comparator.comparing(RunSummary::startTime, Comparator.nullsLast(Comparator.reverseOrder())));
      return new RunList(query, "visibility-query", runs);
    } catch (StatusRuntimeException e) {
      Status.Code code = e.getStatus().getCode();
      if (code != Status.Code.UNIMPLEMENTED && code != Status.Code.INVALID_ARGUMENT) {
        throw e;
      }
      // The embedded dev server (and a server without the search attributes) cannot evaluate the query.
      log.debug("visibility query refused ({}), listing open and closed executions instead", code);
    }
    List<RunSummary> runs = new ArrayList<>();
    for (WorkflowExecutionInfo info : listOpenAndClosed()) {
      if (!RunFilter.WORKFLOW_TYPE.equals(info.getType().getName())) {
        continue;
      }
      RunSummary run = summary(info, true);
      if (filter.matches(run)) {
        runs.add(run);
      }
    }
    runs.sort(Comparator.comparing(RunSummary::startTime, Comparator.nullsLast(Comparator.reverseOrder())));
    return new RunList(query, "open+closed listing", runs);
  }

  private List<WorkflowExecutionInfo> listOpenAndClosed() {
    StartTimeFilter window = StartTimeFilter.newBuilder()
        .setEarliestTime(Timestamp.newBuilder().setSeconds(0))
        .setLatestTime(Timestamp.newBuilder().setSeconds(Instant.now().getEpochSecond() + 86_400))
        .build();
    WorkflowTypeFilter type = WorkflowTypeFilter.newBuilder().setName(RunFilter.WORKFLOW_TYPE).build();
    // Keyed by run id: a run closing between the two calls may show up in both.
    Map<String, WorkflowExecutionInfo> all = new LinkedHashMap<>();
    com.google.protobuf.ByteString token = com.google.protobuf.ByteString.EMPTY;
    do {
      ListOpenWorkflowExecutionsResponse page = stubs.blockingStub().listOpenWorkflowExecutions(
          ListOpenWorkflowExecutionsRequest.newBuilder().setNamespace(namespace).setMaximumPageSize(500)
              .setStartTimeFilter(window).setTypeFilter(type).setNextPageToken(token).build());
      page.getExecutionsList().forEach(i -> all.put(i.getExecution().getRunId(), i));
      token = page.getNextPageToken();
    } while (!token.isEmpty() && all.size() < 10_000);
    do {
      ListClosedWorkflowExecutionsResponse page = stubs.blockingStub().listClosedWorkflowExecutions(
          ListClosedWorkflowExecutionsRequest.newBuilder().setNamespace(namespace).setMaximumPageSize(500)
              .setStartTimeFilter(window).setTypeFilter(type).setNextPageToken(token).build());
      page.getExecutionsList().forEach(i -> all.put(i.getExecution().getRunId(), i));
      token = page.getNextPageToken();
    } while (!token.isEmpty() && all.size() < 10_000);
    return new ArrayList<>(all.values());
  }

  private RunSummary summary(WorkflowExecutionInfo info, boolean fillIn) {
    String workflowId = info.getExecution().getWorkflowId();
    WorkflowExecutionMetadata meta = new WorkflowExecutionMetadata(info, converter);
    if (fillIn && !info.hasSearchAttributes()) {
      // Listings of the open/closed APIs may leave search attributes out; describe has them.
      try {
        meta = new WorkflowExecutionDescription(stubs.blockingStub().describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder().setNamespace(namespace)
                .setExecution(info.getExecution()).build()), converter);
      } catch (StatusRuntimeException e) {
        log.debug("describe {} failed", workflowId, e);
      }
    }
    String model = keyword(meta, SearchAttributes.MODEL);
    String version = keyword(meta, SearchAttributes.VERSION);
    String stage = keyword(meta, SearchAttributes.STAGE);
    String outcome = keyword(meta, SearchAttributes.OUTCOME);
    boolean running = meta.getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
    if (fillIn && (model == null || stage == null || (!running && outcome == null))) {
      PipelineStatus s = running ? tryQuery(workflowId) : null;
      PipelineResult r = running ? null : result(workflowId);
      if (s != null) {
        model = model != null ? model : s.model();
        version = version != null ? version : s.version();
        stage = stage != null ? stage : name(s.stage());
        outcome = outcome != null ? outcome : name(s.outcome());
      } else if (r != null) {
        model = model != null ? model : r.model();
        version = version != null ? version : r.version();
        outcome = outcome != null ? outcome : name(r.outcome());
      }
    }
    return new RunSummary(workflowId, info.getExecution().getRunId(), model, version, stage, outcome,
        executionStatus(meta.getStatus()), meta.getStartTime(), meta.getCloseTime());
  }

  private PipelineStatus tryQuery(String workflowId) {
    try {
      return client.newWorkflowStub(SafeDeploymentWorkflow.class, workflowId).status();
    } catch (WorkflowException | StatusRuntimeException e) {
      log.debug("status query of {} failed", workflowId, e);
      return null;
    }
  }

  // ---------------------------------------------------------------- history

  /** The audit trail: who requested, stage changes, decisions (accepted and refused), alarms, rollbacks, outcome. */
  public AuditTrail history(String workflowId) {
    WorkflowExecutionDescription d = describe(workflowId);
    WorkflowExecutionHistory history = client.fetchHistory(workflowId, d.getExecution().getRunId());
    RunView view = view(workflowId);
    PipelineStatus status = "query".equals(view.source()) || "result".equals(view.source()) ? view.status() : null;
    List<AuditEntry> entries = new ArrayList<>();
    List<String> stageUpserts = new ArrayList<>();
    Map<Long, String> activityTypes = new HashMap<>();
    for (HistoryEvent e : history.getEvents()) {
      Instant at = instant(e.getEventTime());
      switch (e.getEventType()) {
        case EVENT_TYPE_WORKFLOW_EXECUTION_STARTED -> {
          var a = e.getWorkflowExecutionStartedEventAttributes();
          PipelineRequest req = decode(a.hasInput() ? a.getInput() : null, PipelineRequest.class);
          String who = req != null && req.requestedBy() != null ? req.requestedBy() : a.getIdentity();
          String what = req == null ? "run started"
              : "requested " + req.model() + " " + req.version() + " (strategy " + req.policy().strategy()
                  + ", traffic steps " + req.policy().trafficSteps() + ", approvers "
                  + (req.policy().approvers().isEmpty() ? "anyone" : req.policy().approvers())
                  + (req.policy().fourEyes() ? ", four-eyes" : "") + ")";
          entries.add(new AuditEntry(at, "REQUESTED", who, what));
          RetrainCause cause = req == null ? null : req.retrainCause();
          if (cause != null) {
            String source = cause.alarmName() != null ? cause.alarmName()
                : cause.scheduleId() != null ? cause.scheduleId() : cause.by();
            entries.add(new AuditEntry(cause.at() != null ? cause.at() : at, "RETRAIN_CAUSE", source,
                cause.description() + (cause.reason() != null && "ALARM".equals(cause.kind())
                    ? " (" + cause.reason() + ")" : "")));
          }
        }
        case EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED -> {
          var a = e.getWorkflowExecutionSignaledEventAttributes();
          Payloads input = a.hasInput() ? a.getInput() : null;
          switch (a.getSignalName()) {
            case SafeDeploymentWorkflow.APPROVE, SafeDeploymentWorkflow.REJECT -> {
              ApprovalDecision dec = decode(input, ApprovalDecision.class);
              entries.add(new AuditEntry(at, a.getSignalName().toUpperCase() + "_SIGNAL",
                  dec == null ? a.getIdentity() : dec.approver(),
                  dec == null ? "" : describeDecision(dec)));
            }
            case SafeDeploymentWorkflow.ALARM -> {
              if (status == null) {
                AlarmSignal alarm = decode(input, AlarmSignal.class);
                entries.add(new AuditEntry(at, "ALARM", alarm == null ? null : alarm.alarmName(),
                    alarm == null ? "" : alarm.state() + ": " + alarm.reason() + " (signal)"));
              }
            }
            case SafeDeploymentWorkflow.ROLLBACK -> {
              RollbackRequest r = decode(input, RollbackRequest.class);
              entries.add(new AuditEntry(at, "ROLLBACK_REQUESTED", r == null ? a.getIdentity() : r.operator(),
                  r == null ? "" : r.reason()));
            }
            default -> entries.add(new AuditEntry(at, "SIGNAL", a.getIdentity(), a.getSignalName()));
          }
        }
        case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> activityTypes.put(e.getEventId(),
            e.getActivityTaskScheduledEventAttributes().getActivityType().getName());
        case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> {
          // Without a status (no worker answers the query, no result) the judgements are read from the judge's results.
          var a = e.getActivityTaskCompletedEventAttributes();
          if (status == null && JUDGE_ACTIVITY.equals(activityTypes.get(a.getScheduledEventId()))) {
            Judgement j = decode(a.hasResult() ? a.getResult() : null, Judgement.class);
            if (j != null) {
              entries.add(judgementEntry(at, j));
            }
          }
        }
        case EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED -> {
          var a = e.getWorkflowExecutionUpdateCompletedEventAttributes();
          if (a.getOutcome().hasSuccess()) {
            ApprovalRecord rec = decode(a.getOutcome().getSuccess(), ApprovalRecord.class);
            if (rec != null) {
              entries.add(approvalEntry(rec.at() != null ? rec.at() : at, rec));
            }
          }
        }
        case EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES -> {
          var fields = e.getUpsertWorkflowSearchAttributesEventAttributes().getSearchAttributes()
              .getIndexedFieldsMap();
          Payload stage = fields.get(SearchAttributes.STAGE.getName());
          if (stage != null) {
            String s = decodeKeyword(stage);
            if (s != null) {
              stageUpserts.add(s);
              if (status == null) {
                entries.add(new AuditEntry(at, "STAGE_STARTED", null, s));
              }
            }
          }
        }
        case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED -> {
          var a = e.getWorkflowExecutionCompletedEventAttributes();
          PipelineResult r = decode(a.hasResult() ? a.getResult() : null, PipelineResult.class);
          entries.add(new AuditEntry(at, "OUTCOME", null,
              r == null ? "completed" : r.outcome() + (r.reason() == null ? "" : ": " + r.reason())));
        }
        case EVENT_TYPE_WORKFLOW_EXECUTION_FAILED -> entries.add(new AuditEntry(at, "FAILED", null,
            e.getWorkflowExecutionFailedEventAttributes().getFailure().getMessage()));
        case EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED -> entries.add(new AuditEntry(at, "CANCELED", null,
            "workflow cancelled"));
        case EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED -> {
          var a = e.getWorkflowExecutionTerminatedEventAttributes();
          entries.add(new AuditEntry(at, "TERMINATED", a.getIdentity(), a.getReason()));
        }
        case EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT -> entries.add(new AuditEntry(at, "TIMED_OUT", null,
            "workflow execution timed out"));
        default -> { }
      }
    }
    if (status != null) {
      for (StageRecord s : status.stages() == null ? List.<StageRecord>of() : status.stages()) {
        if (s.startedAt() != null) {
          entries.add(new AuditEntry(s.startedAt(), "STAGE_STARTED", null, s.stage().name()));
        }
        if (s.endedAt() != null) {
          entries.add(new AuditEntry(s.endedAt(), "STAGE_ENDED", null,
              s.stage().name() + (s.note() == null || s.note().isBlank() ? "" : ": " + s.note())));
        }
      }
      for (ApprovalRecord r : status.refusedDecisions() == null ? List.<ApprovalRecord>of()
          : status.refusedDecisions()) {
        entries.add(approvalEntry(r.at(), r));
      }
      ApprovalRecord accepted = status.approval();
      if (accepted != null && accepted.accepted() && entries.stream().noneMatch(
          x -> x.kind().equals(accepted.approved() ? "APPROVED" : "REJECTED"))) {
        entries.add(approvalEntry(accepted.at(), accepted));
      }
      for (Judgement j : status.judgements()) {
        entries.add(judgementEntry(j.to(), j));
      }
      for (AlarmRecord a : status.alarms() == null ? List.<AlarmRecord>of() : status.alarms()) {
        entries.add(new AuditEntry(a.receivedAt() != null ? a.receivedAt() : a.transitionedAt(), "ALARM",
            a.alarmName(), a.state() + (a.reason() == null ? "" : ": " + a.reason()) + " (" + a.source()
                + (a.action() == null ? "" : ", " + a.action()) + ")"));
      }
    }
    entries.sort(Comparator.comparing(AuditEntry::at, Comparator.nullsLast(Comparator.naturalOrder())));
    return new AuditTrail(workflowId, d.getExecution().getRunId(), executionStatus(d.getStatus()), entries);
  }

  /** The judge's activity type ({@code JudgeActivities.judge}), for reading judgements out of a history. */
  static final String JUDGE_ACTIVITY = "Judge";

  /** A judgement as one line: the step, the verdict and score, and why (the failing metrics' evidence). */
  private static AuditEntry judgementEntry(Instant at, Judgement j) {
    return new AuditEntry(at != null ? at : j.to(), "JUDGEMENT", null, j.step() + ": " + j.verdict()
        + (j.score() == null ? "" : String.format(java.util.Locale.ROOT, " (score %.0f)", j.score()))
        + (j.reason() == null || j.reason().isBlank() ? "" : " - " + j.reason()));
  }

  private static AuditEntry approvalEntry(Instant at, ApprovalRecord r) {
    String kind = !r.accepted() ? "DECISION_REFUSED" : r.approved() ? "APPROVED" : "REJECTED";
    String detail = (r.approved() ? "approve" : "reject") + " via " + r.via()
        + (r.comment() == null || r.comment().isBlank() ? "" : ": \"" + r.comment() + "\"")
        + (r.accepted() ? "" : " - refused: " + r.refusal());
    return new AuditEntry(at, kind, r.approver(), detail);
  }

  private static String describeDecision(ApprovalDecision d) {
    return (d.approve() ? "approve" : "reject") + " via " + d.via()
        + (d.comment() == null || d.comment().isBlank() ? "" : ": \"" + d.comment() + "\"");
  }

  // ---------------------------------------------------------------- helpers

  private PipelineResult result(String workflowId) {
    try {
      return client.newUntypedWorkflowStub(workflowId).getResult(2, TimeUnit.SECONDS, PipelineResult.class);
    } catch (TimeoutException | WorkflowException | StatusRuntimeException e) {
      return null;
    }
  }

  static PipelineStatus fromResult(PipelineResult r) {
    return new PipelineStatus(r.workflowId(), r.model(), r.version(), null, Stage.DONE, null, null, r.stages(),
        r.validationRmse(), r.liveRmse(), null, null, null, 0, List.of(), r.traffic(), r.approval(), List.of(),
        List.of(), List.of(), r.outcome(), r.reason(), r.alarmToBlueMillis(), null, List.of(), null, List.of());
  }

  private PipelineStatus fromSearchAttributes(String workflowId, WorkflowExecutionMetadata d) {
    String stage = keyword(d, SearchAttributes.STAGE);
    String outcome = keyword(d, SearchAttributes.OUTCOME);
    Stage s = null;
    dev.safedeploy.workflows.pipeline.Outcome o = null;
    try {
      s = stage == null ? null : Stage.valueOf(stage);
      o = outcome == null ? null : dev.safedeploy.workflows.pipeline.Outcome.valueOf(outcome);
    } catch (IllegalArgumentException e) {
      log.debug("unexpected search attribute values {} / {}", stage, outcome);
    }
    return new PipelineStatus(workflowId, keyword(d, SearchAttributes.MODEL), keyword(d, SearchAttributes.VERSION),
        null, s, "no worker answered the status query; stage from search attributes", null, List.of(), null, null,
        null, null, null, 0, List.of(), Map.of(), null, List.of(), List.of(), List.of(), o, null, null, null, List.of(), null,
        List.of());
  }

  private static String keyword(WorkflowExecutionMetadata meta, SearchAttributeKey<String> key) {
    try {
      return meta.getTypedSearchAttributes().get(key);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private String decodeKeyword(Payload p) {
    try {
      return converter.fromPayload(p, String.class, String.class);
    } catch (RuntimeException e) {
      try {
        List<?> list = converter.fromPayload(p, List.class, List.class);
        return list.isEmpty() ? null : String.valueOf(list.get(0));
      } catch (RuntimeException e2) {
        return null;
      }
    }
  }

  private <T> T decode(Payloads payloads, Class<T> type) {
    if (payloads == null || payloads.getPayloadsCount() == 0) {
      return null;
    }
    try {
      return converter.fromPayloads(0, Optional.of(payloads), type, (Type) type);
    } catch (RuntimeException e) {
      log.debug("cannot decode {} from history", type.getSimpleName(), e);
      return null;
    }
  }

  private static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  static String executionStatus(WorkflowExecutionStatus s) {
    return s == null ? "UNKNOWN" : s.name().replace("WORKFLOW_EXECUTION_STATUS_", "");
  }

  private static String name(Enum<?> e) {
    return e == null ? null : e.name();
  }

  static StatusRuntimeException status(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StatusRuntimeException s) {
        return s;
      }
    }
    return null;
  }

  private static boolean mentionsNamespace(StatusRuntimeException e) {
    String d = e.getStatus().getDescription();
    return d != null && d.toLowerCase().contains("namespace");
  }

  /** For callers needing a typed stub with the same client. */
  public WorkflowStub untyped(String workflowId) {
    return client.newUntypedWorkflowStub(workflowId);
  }
}
