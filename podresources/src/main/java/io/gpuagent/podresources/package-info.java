/** Client of the kubelet podresources API v1. */
package io.gpuagent.podresources;
