package io.gpuagent.agent;

public final class Main {
  public static void main(String[] args) {}
}
