/**
 * The process: {@code Main} and the picocli commands parse flags and read configuration; {@code
 * Agent} starts NVML, the live node inventory, the feature modules ({@code NodeServices}, where
 * device plugin, exporter and health meet) and the HTTP server, and stops them in reverse order. No
 * feature logic lives here: this package only connects the modules, which never import each other.
 */
package io.gpuagent.agent;
