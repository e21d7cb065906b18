/**
 * Configuration keys, typed: a module declares its keys ({@link io.gpuagent.config.ConfigKey}, with
 * a {@link io.gpuagent.config.ValueType} that holds the rule) in one {@link
 * io.gpuagent.config.ConfigSection} under its prefix, and builds its own config record from {@link
 * io.gpuagent.config.ConfigValues}. The agent composes the sections into a {@link
 * io.gpuagent.config.ConfigSchema} and loads file, environment and flags into values; nothing here
 * reads a file or the environment.
 */
package io.gpuagent.config;
