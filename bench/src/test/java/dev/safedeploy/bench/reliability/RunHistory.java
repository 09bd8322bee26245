package dev.safedeploy.bench.reliability;

import dev.safedeploy.workflows.pipeline.SearchAttributes;
import io.temporal.api.common.v1.Payload;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a run is, read from its event history on the server: no worker is needed to answer, unlike the status query,
 * which matters while the worker is dead (and, on the embedded Java test server, while a query would be routed to
 * the dead worker's sticky queue).
 */
record RunHistory(String stage, List<String> scheduled, List<String> completed, List<String> sequence,
    boolean closed) {

  static RunHistory of(WorkflowClient client, String workflowId) {
    List<HistoryEvent> events = client.fetchHistory(workflowId).getEvents();
    String stage = null;
    boolean closed = false;
    Map<Long, String> types = new HashMap<>();
    List<String> scheduled = new ArrayList<>();
    List<String> completed = new ArrayList<>();
    List<String> sequence = new ArrayList<>();
    for (HistoryEvent e : events) {
      EventType t = e.getEventType();
      switch (t) {
        case EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES -> {
          Payload p = e.getUpsertWorkflowSearchAttributesEventAttributes().getSearchAttributes()
              .getIndexedFieldsMap().get(SearchAttributes.STAGE.getName());
          if (p != null) {
            stage = p.getData().toStringUtf8().replace("\"", "");
          }
        }
        case EVENT_TYPE_ACTIVITY_TASK_SCHEDULED -> {
          String type = e.getActivityTaskScheduledEventAttributes().getActivityType().getName();
          types.put(e.getEventId(), type);
          scheduled.add(type);
          sequence.add("start " + type);
        }
        case EVENT_TYPE_ACTIVITY_TASK_COMPLETED -> {
          String type = types.get(e.getActivityTaskCompletedEventAttributes().getScheduledEventId());
          completed.add(type);
          sequence.add("done " + type);
        }
        case EVENT_TYPE_TIMER_STARTED -> sequence.add("timer");
        case EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, EVENT_TYPE_WORKFLOW_EXECUTION_FAILED,
            EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED, EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT -> closed = true;
        default -> { }
      }
    }
    return new RunHistory(stage, scheduled, completed, sequence, closed);
  }

  boolean inStage(String s) {
    return s.equals(stage);
  }

  int completedCount(String activityType) {
    return (int) completed.stream().filter(activityType::equals).count();
  }

  /** A timer (bake) was started after the n-th completion of the activity (1-based), and nothing else since. */
  boolean bakingAfter(String activityType, int nth) {
    int seen = 0;
    for (int i = 0; i < sequence.size(); i++) {
      if (sequence.get(i).equals("done " + activityType) && ++seen == nth) {
        return sequence.subList(i + 1, sequence.size()).contains("timer");
      }
    }
    return false;
  }
}
