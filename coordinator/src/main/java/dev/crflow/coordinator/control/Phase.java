package dev.crflow.coordinator.control;

/** What the coordinator is doing right now ({@code status.json}, {@code heartbeat}). */
public enum Phase { STARTING, RESTORING, RUNNING, CHECKPOINTING, REQUEUEING, STOPPED, COMPLETED, FAILED, CANCELLED }
