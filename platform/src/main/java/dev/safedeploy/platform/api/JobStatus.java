package dev.safedeploy.platform.api;

/** Training and processing job states, as SageMaker names them. */
public enum JobStatus { InProgress, Completed, Failed }
