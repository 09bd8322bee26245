package dev.safedeploy.starter.cli;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * A command the worker module implements (dev, demo, worker, platform, data, bench, teardown). The starter must not depend on the worker
 * module, so its raw arguments are forwarded by reflection to {@code dev.safedeploy.worker.WorkerCli.run(String...)}
 * when the ./safedeploy launcher has put it on the classpath.
 */
@Command(name = "forwarded")
public class ForwardedCommand implements Callable<Integer> {

  public static final String WORKER_CLI = "dev.safedeploy.worker.WorkerCli";

  /** name and one-line description of every forwarded command, in help order. */
  public static final List<String[]> COMMANDS = List.of(
      new String[] {"dev", "Embedded Temporal server + local model platform + worker, all in one process."},
      new String[] {"demo", "The two-version demo on the local backend (train, approve, canary, alarm, rollback)."},
      new String[] {"worker", "Run a worker for SAFEDEPLOY_BACKEND=local|aws against a Temporal server."},
      new String[] {"platform", "The local model platform alone, for workers that run in other processes."},
      new String[] {"data", "Generate or prepare NYC taxi data (synthetic trips, TLC CSV/Parquet)."},
      new String[] {"reconcile", "List (--apply: remove) local platform resources that no open run owns."},
      new String[] {"bench", "Benchmarks (throughput, alarm-to-rollback latency, recovery)."},
      new String[] {"teardown", "List (dry run) or delete (--apply) everything a model left on AWS."});

  private final String name;
  private final String className;

  @Spec
  CommandSpec spec;

  @Unmatched
  List<String> args = new ArrayList<>();

  public ForwardedCommand(String name) {
    this(name, WORKER_CLI);
  }

  ForwardedCommand(String name, String className) {
    this.name = name;
    this.className = className;
  }

  /** A CommandLine for it: every argument after the name goes to the worker CLI untouched, --help included. */
  public static CommandLine commandLine(String name, String description, String className) {
    CommandLine cl = new CommandLine(new ForwardedCommand(name, className));
    cl.setStopAtUnmatched(true);
    cl.setUnmatchedOptionsArePositionalParams(true);
    cl.getCommandSpec().usageMessage().description(description);
    return cl;
  }

  @Override
  public Integer call() {
    Class<?> type;
    try {
      type = Class.forName(className);
    } catch (ClassNotFoundException e) {
      spec.commandLine().getErr().println("safedeploy " + name + ": the worker module is not on the classpath; run "
          + "it through the ./safedeploy launcher (it builds the worker and puts it there), or add the worker jar "
          + "to the classpath");
      return ExitCodes.BAD_ARGUMENTS;
    }
    List<String> forwarded = new ArrayList<>();
    forwarded.add(name);
    forwarded.addAll(args);
    try {
      Method run = type.getMethod("run", String[].class);
      Object result = run.invoke(null, (Object) forwarded.toArray(String[]::new));
      return result instanceof Integer code ? code : ExitCodes.OK;
    } catch (NoSuchMethodException | IllegalAccessException e) {
      spec.commandLine().getErr().println("safedeploy " + name + ": " + className
          + " has no public static int run(String...)");
      return ExitCodes.BAD_ARGUMENTS;
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }
}
