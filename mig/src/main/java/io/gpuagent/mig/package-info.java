/** mig module. */
package io.gpuagent.mig;
