package io.gpuagent.podresources;

/** One container of one pod, as the kubelet's podresources API names it. */
public record ContainerRef(String namespace, String pod, String container) {}
