package dev.safedeploy.activities.aws.cloudformation;

import dev.safedeploy.activities.aws.AwsBackendConfig;
import dev.safedeploy.activities.aws.AwsPolling;
import dev.safedeploy.activities.aws.AwsPolling.Poll;
import dev.safedeploy.workflows.activities.Failures;
import io.temporal.failure.ApplicationFailure;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudformation.CloudFormationClient;
import software.amazon.awssdk.services.cloudformation.model.Capability;
import software.amazon.awssdk.services.cloudformation.model.CloudFormationException;
import software.amazon.awssdk.services.cloudformation.model.Parameter;
import software.amazon.awssdk.services.cloudformation.model.Stack;
import software.amazon.awssdk.services.cloudformation.model.StackEvent;
import software.amazon.awssdk.services.cloudformation.model.Tag;

/**
 * Create-or-update of CloudFormation stacks from the shipped templates, waited on with heartbeats. Every ROLLBACK or
 * FAILED state is an error carrying the stack events' reasons; "No updates are to be performed" is success.
 */
public class StackDeployer {

  private static final Logger log = LoggerFactory.getLogger(StackDeployer.class);

  private final CloudFormationClient cfn;
  private final AwsBackendConfig config;

  public StackDeployer(CloudFormationClient cfn, AwsBackendConfig config) {
    this.cfn = cfn;
    this.config = config;
  }

  /** Creates or updates the stack and waits until it is stable; returns its outputs. */
  public Map<String, String> deploy(String stackName, String template, Map<String, String> parameters,
      Map<String, String> tags) {
    Optional<Stack> existing = describe(stackName);
    if (existing.isPresent() && existing.get().stackStatusAsString().endsWith("_IN_PROGRESS")) {
      // e.g. an earlier attempt's update (or a deletion) still running: let it finish, then act on what is left
      log.info("stack {} is {}; waiting for it before changing it", stackName, existing.get().stackStatusAsString());
      existing = AwsPolling.until("stack " + stackName + " to settle", config, () -> {
        Optional<Stack> s = describe(stackName);
        return s.isPresent() && s.get().stackStatusAsString().endsWith("_IN_PROGRESS")
            ? Poll.waiting(s.get().stackStatusAsString()) : Poll.done(s);
      });
    }
    if (existing.isPresent() && "ROLLBACK_COMPLETE".equals(existing.get().stackStatusAsString())) {
      // a stack whose creation failed can only be deleted; the failure was reported when it happened
      log.warn("stack {} is ROLLBACK_COMPLETE from an earlier failed create; deleting it to create it again",
          stackName);
      delete(stackName);
      existing = Optional.empty();
    }
    List<Parameter> params = parameters.entrySet().stream()
        .map(e -> Parameter.builder().parameterKey(e.getKey()).parameterValue(e.getValue()).build()).toList();
    List<Tag> stackTags = tags.entrySet().stream()
        .map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    String body = Templates.load(template);
    if (existing.isEmpty()) {
      cfn.createStack(b -> b.stackName(stackName).templateBody(body).parameters(params).tags(stackTags)
          .capabilities(Capability.CAPABILITY_IAM));
      log.info("creating stack {} from {}", stackName, template);
    } else {
      try {
        cfn.updateStack(b -> b.stackName(stackName).templateBody(body).parameters(params).tags(stackTags)
            .capabilities(Capability.CAPABILITY_IAM));
        log.info("updating stack {} from {}", stackName, template);
      } catch (CloudFormationException e) {
        if (message(e).contains("No updates are to be performed")) {
          log.info("stack {} already up to date", stackName);
          return outputs(existing.get());
        }
        throw e;
      }
    }
    return outputs(waitStable(stackName));
  }

  /** Deletes the stack and waits until it is gone; a stack already gone is success. */
  public void delete(String stackName) {
    Optional<Stack> existing = describe(stackName);
    if (existing.isEmpty() || "DELETE_COMPLETE".equals(existing.get().stackStatusAsString())) {
      return;
    }
    // delete by id: once deleted, the name no longer resolves
    String id = existing.get().stackId();
    cfn.deleteStack(b -> b.stackName(id));
    AwsPolling.until("deletion of stack " + stackName, config, () -> {
      Optional<Stack> s = describe(id);
      if (s.isEmpty() || "DELETE_COMPLETE".equals(s.get().stackStatusAsString())) {
        return Poll.done(Boolean.TRUE);
      }
      if ("DELETE_FAILED".equals(s.get().stackStatusAsString())) {
        throw ApplicationFailure.newNonRetryableFailure("stack " + stackName + " DELETE_FAILED: " + reasons(id),
            Failures.INFRASTRUCTURE_FAILED);
      }
      return Poll.waiting(s.get().stackStatusAsString());
    });
  }

  public Optional<Stack> describe(String stackName) {
    try {
      List<Stack> stacks = cfn.describeStacks(b -> b.stackName(stackName)).stacks();
      return stacks.isEmpty() ? Optional.empty() : Optional.of(stacks.get(0));
    } catch (CloudFormationException e) {
      if (message(e).contains("does not exist")) {
        return Optional.empty();
      }
      throw e;
    }
  }

  /** The stack's current parameter values (empty when the stack does not exist). */
  public Map<String, String> parameters(String stackName) {
    return describe(stackName).map(s -> s.parameters().stream()
            .collect(Collectors.toMap(Parameter::parameterKey, p -> p.parameterValue() == null ? ""
                : p.parameterValue(), (a, b) -> b, LinkedHashMap::new)))
        .orElse(new LinkedHashMap<>());
  }

  private Stack waitStable(String stackName) {
    return AwsPolling.until("stack " + stackName, config, () -> {
      Stack s = describe(stackName).orElseThrow(() -> ApplicationFailure.newNonRetryableFailure(
          "stack " + stackName + " disappeared", Failures.INFRASTRUCTURE_FAILED));
      String status = s.stackStatusAsString();
      if (status.endsWith("_IN_PROGRESS")) {
        return Poll.waiting(status);
      }
      if (status.contains("ROLLBACK") || status.contains("FAILED")) {
        throw ApplicationFailure.newNonRetryableFailure("stack " + stackName + " ended " + status + ": "
            + (s.stackStatusReason() == null ? "" : s.stackStatusReason() + "; ") + reasons(stackName),
            Failures.INFRASTRUCTURE_FAILED);
      }
      return Poll.done(s);
    });
  }

  /** The newest failure reasons from the stack's events, so the error says which resource failed and why. */
  String reasons(String stackName) {
    try {
      List<StackEvent> events = cfn.describeStackEvents(b -> b.stackName(stackName)).stackEvents();
      List<String> failed = events.stream()
          .filter(e -> e.resourceStatusAsString() != null && e.resourceStatusAsString().endsWith("FAILED"))
          .limit(5)
          .map(e -> e.logicalResourceId() + " " + e.resourceStatusAsString() + ": " + e.resourceStatusReason())
          .toList();
      return failed.isEmpty() ? "no failed resource events" : String.join("; ", failed);
    } catch (CloudFormationException e) {
      return "stack events unavailable: " + message(e);
    }
  }

  private static Map<String, String> outputs(Stack s) {
    Map<String, String> out = new LinkedHashMap<>();
    s.outputs().forEach(o -> out.put(o.outputKey(), o.outputValue()));
    return out;
  }

  static String message(CloudFormationException e) {
    return e.awsErrorDetails() != null && e.awsErrorDetails().errorMessage() != null
        ? e.awsErrorDetails().errorMessage() : String.valueOf(e.getMessage());
  }
}
