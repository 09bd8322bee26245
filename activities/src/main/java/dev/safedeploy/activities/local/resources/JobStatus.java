package dev.safedeploy.activities.local.resources;

/** Training and processing job states, as SageMaker names them. */
public enum JobStatus { InProgress, Completed, Failed }
