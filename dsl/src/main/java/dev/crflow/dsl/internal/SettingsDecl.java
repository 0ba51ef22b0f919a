package dev.crflow.dsl.internal;

import dev.crflow.dsl.model.Engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** What a settings file declared, every value with its line; filled by {@code SiteSettingsContext}. */
public final class SettingsDecl {
    public Located<String> partition, account, qos, controlRoot;
    public Located<Engine> engine;
    public Located<Duration> grace;
    public Located<Double> interruptionRate;
    public final List<Located<String>> modules = new ArrayList<>();
    public int blocks;
}
