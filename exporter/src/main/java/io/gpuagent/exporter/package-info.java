/** exporter module. */
package io.gpuagent.exporter;
