package dev.safedeploy.activities.aws.cloudwatch;

import dev.safedeploy.workflows.activities.AlarmActivities;
import dev.safedeploy.workflows.activities.Failures;
import dev.safedeploy.workflows.pipeline.AlarmSignal;
import io.temporal.failure.ApplicationFailure;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.cloudwatch.model.Tag;

/**
 * The canary's CloudWatch alarms: the policy's named alarms (which must exist), or by default the green variant's
 * {@link CanaryAlarms}, created on watch. Pushed: each watched alarm carries the tag
 * {@value AlarmNames#WORKFLOW_TAG} naming the workflow, which the alarm bridge (api-canary.yml) signals on a state
 * change. Pulled: {@link #pollAlarms} reads their states.
 */
public class AwsAlarmActivitiesImpl implements AlarmActivities {

  private static final Logger log = LoggerFactory.getLogger(AwsAlarmActivitiesImpl.class);
  private static final int PAGE = 100;

  private final CloudWatchClient cloudWatch;

  public AwsAlarmActivitiesImpl(CloudWatchClient cloudWatch) {
    this.cloudWatch = cloudWatch;
  }

  static List<String> names(AlarmWatch watch) {
    return watch.alarmNames() == null || watch.alarmNames().isEmpty()
        ? AlarmNames.canary(watch.endpointName(), watch.greenVariant()) : watch.alarmNames();
  }

  @Override
  public List<String> watchAlarms(AlarmWatch watch) {
    List<String> names = names(watch);
    if (watch.alarmNames() == null || watch.alarmNames().isEmpty()) {
      CanaryAlarms.ensure(cloudWatch, watch.endpointName(), watch.greenVariant(), watch.workflowId());
    }
    Map<String, MetricAlarm> found = describe(names);
    TreeSet<String> missing = new TreeSet<>(names);
    missing.removeAll(found.keySet());
    if (!missing.isEmpty()) {
      throw ApplicationFailure.newNonRetryableFailure("alarms " + missing + " named by the deployment policy do not "
          + "exist; create them before deploying " + watch.greenVariant() + " to " + watch.endpointName(),
          Failures.NOT_FOUND);
    }
    for (MetricAlarm a : found.values()) {
      cloudWatch.tagResource(b -> b.resourceARN(a.alarmArn())
          .tags(Tag.builder().key(AlarmNames.WORKFLOW_TAG).value(watch.workflowId()).build()));
    }
    log.info("watching alarms {} for {}", names, watch.workflowId());
    return names;
  }

  @Override
  public void deleteCanaryAlarms(AlarmWatch watch) {
    if (watch.alarmNames() == null || watch.alarmNames().isEmpty()) {
      CanaryAlarms.delete(cloudWatch, watch.endpointName(), watch.greenVariant());
    }
  }

  @Override
  public List<String> missingAlarms(List<String> alarmNames) {
    if (alarmNames == null || alarmNames.isEmpty()) {
      return List.of();
    }
    Map<String, MetricAlarm> found = describe(alarmNames);
    return alarmNames.stream().filter(n -> !found.containsKey(n)).distinct().toList();
  }

  @Override
  public List<AlarmSignal> pollAlarms(List<String> alarmNames) {
    if (alarmNames == null || alarmNames.isEmpty()) {
      return List.of();
    }
    List<AlarmSignal> firing = new ArrayList<>();
    for (MetricAlarm a : describe(alarmNames).values()) {
      if (a.stateValue() == StateValue.ALARM) {
        firing.add(new AlarmSignal(a.alarmName(), AlarmSignal.ALARM, a.stateReason(), a.stateUpdatedTimestamp()));
      }
    }
    return firing;
  }

  @Override
  public void unwatchAlarms(AlarmWatch watch) {
    for (MetricAlarm a : describe(names(watch)).values()) {
      // leave the tag alone when another run has taken the alarm over since
      String owner = cloudWatch.listTagsForResource(b -> b.resourceARN(a.alarmArn())).tags().stream()
          .filter(t -> AlarmNames.WORKFLOW_TAG.equals(t.key())).map(Tag::value).findFirst().orElse(null);
      if (watch.workflowId().equals(owner)) {
        cloudWatch.untagResource(b -> b.resourceARN(a.alarmArn()).tagKeys(AlarmNames.WORKFLOW_TAG));
      }
    }
  }

  private Map<String, MetricAlarm> describe(List<String> names) {
    Map<String, MetricAlarm> out = new java.util.LinkedHashMap<>();
    for (int i = 0; i < names.size(); i += PAGE) {
      List<String> page = names.subList(i, Math.min(names.size(), i + PAGE));
      cloudWatch.describeAlarmsPaginator(b -> b.alarmNames(page)).metricAlarms()
          .forEach(a -> out.put(a.alarmName(), a));
    }
    return out.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a,
        java.util.LinkedHashMap::new));
  }
}
