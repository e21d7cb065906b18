/** health module. */
package io.gpuagent.health;
