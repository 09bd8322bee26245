package dev.safedeploy.lambdas.alarms;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * EventBridge "CloudWatch Alarm State Change" → the {@code alarm} signal of the deployment workflow watching the alarm,
 * or, for a drift alarm, a signal-with-start of the model's retrain workflow.
 *
 * <p>Which workflow: the alarm's {@value #WORKFLOW_ID_TAG} tag, set by the AWS backend on every alarm a deployment
 * watches ({@code deploy-<model>-<version>}) and on every drift alarm ({@code retrain-<model>}). Alarms without it are ignored, as are transitions to states not in {@code FORWARD_STATES} (default only
 * ALARM: an OK or INSUFFICIENT_DATA means nothing to a canary). A workflow that has closed is logged and the event
 * dropped; every other failure is thrown, so Lambda's asynchronous retries and then the function's on-failure
 * destination (a dead-letter queue) keep the event: never lost silently.
 *
 * <p>Environment: {@code TEMPORAL_ADDRESS}, {@code TEMPORAL_NAMESPACE}, {@code TEMPORAL_API_KEY} or
 * {@code TEMPORAL_API_KEY_SECRET_ARN} (see {@link TemporalSettings}), {@code FORWARD_STATES} (comma-separated).
 */
public class AlarmBridgeHandler implements RequestHandler<ScheduledEvent, String> {

  public static final String WORKFLOW_ID_TAG = "safedeploy:workflow-id";
  public static final String FORWARD_STATES = "FORWARD_STATES";
  private static final Set<String> KNOWN_STATES = Set.of("ALARM", "OK", "INSUFFICIENT_DATA");

  private static final Logger log = LoggerFactory.getLogger(AlarmBridgeHandler.class);

  private final AlarmTags tags;
  private final AlarmSignaller signaller;
  private final Set<String> forwardStates;

  /** Used by the Lambda runtime: one Temporal connection per container, reused by warm invocations. */
  public AlarmBridgeHandler() {
    this(CloudWatchAlarmTags.fromEnvironment(),
        new TemporalAlarmSignaller(TemporalSettings.connect(TemporalSettings.fromEnvironment(System.getenv(),
            arn -> SecretsManagerSecrets.fromEnvironment().apply(arn))).client()),
        forwardStates(System.getenv(FORWARD_STATES)));
  }

  public AlarmBridgeHandler(AlarmTags tags, AlarmSignaller signaller, Set<String> forwardStates) {
    this.tags = tags;
    this.signaller = signaller;
    this.forwardStates = Set.copyOf(forwardStates);
  }

  /** What happened to an event; returned to Lambda and logged. */
  public enum Outcome {
    FORWARDED, IGNORED_NOT_AN_ALARM_EVENT, IGNORED_STATE, IGNORED_UNTAGGED, DROPPED_WORKFLOW_CLOSED
  }

  @Override
  public String handleRequest(ScheduledEvent event, Context context) {
    return handle(event).name();
  }

  public Outcome handle(ScheduledEvent event) {
    if (!AlarmStateChange.isAlarmStateChange(event)) {
      log.warn("ignoring event {} of type '{}': not a {}", event == null ? null : event.getId(),
          event == null ? null : event.getDetailType(), AlarmStateChange.DETAIL_TYPE);
      return Outcome.IGNORED_NOT_AN_ALARM_EVENT;
    }
    AlarmStateChange change = AlarmStateChange.from(event);
    if (!forwardStates.contains(change.state().toUpperCase(Locale.ROOT))) {
      log.info("alarm {} went to {}; only {} is forwarded", change.alarmName(), change.state(), forwardStates);
      return Outcome.IGNORED_STATE;
    }
    String workflowId = tags.tagsOf(change.alarmArn()).get(WORKFLOW_ID_TAG);
    if (workflowId == null || workflowId.isBlank()) {
      log.info("alarm {} has no {} tag: no deployment watches it", change.alarmName(), WORKFLOW_ID_TAG);
      return Outcome.IGNORED_UNTAGGED;
    }
    AlarmSignal signal = change.toSignal();
    AlarmSignaller.Delivery delivery = signaller.signal(workflowId.trim(), signal);
    if (delivery == AlarmSignaller.Delivery.WORKFLOW_CLOSED) {
      log.info("alarm {} ({}) for workflow {} dropped: the workflow has closed", change.alarmName(), change.state(),
          workflowId);
      return Outcome.DROPPED_WORKFLOW_CLOSED;
    }
    log.info("alarm {} ({}) signalled to workflow {}", change.alarmName(), change.state(), workflowId);
    return Outcome.FORWARDED;
  }

  /** "ALARM,OK" → {ALARM, OK}; null or blank → {ALARM}; an unknown state is a configuration error. */
  public static Set<String> forwardStates(String setting) {
    if (setting == null || setting.isBlank()) {
      return Set.of(AlarmSignal.ALARM);
    }
    Set<String> states = new LinkedHashSet<>();
    for (String state : Arrays.stream(setting.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList()) {
      String upper = state.toUpperCase(Locale.ROOT);
      if (!KNOWN_STATES.contains(upper)) {
        throw new IllegalStateException(FORWARD_STATES + " holds unknown alarm state '" + state + "'; known: "
            + KNOWN_STATES);
      }
      states.add(upper);
    }
    return states.isEmpty() ? Set.of(AlarmSignal.ALARM) : states;
  }
}
