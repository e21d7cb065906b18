package io.gpuagent.agent;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import com.sun.management.HotSpotDiagnosticMXBean;
import io.gpuagent.agent.HeapAfterStartUp.FreeRatios;
import io.gpuagent.testing.LogCapture;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The launcher's heap setting for after the start-up; LauncherIT sees it applied. */
class HeapAfterStartUpTest {
  @AfterEach
  void clear() {
    System.clearProperty(HeapAfterStartUp.PROPERTY);
  }

  @Test
  void parsesTwoPercentagesInOrder() {
    assertThat(FreeRatios.parse("10,20")).contains(new FreeRatios(10, 20));
    assertThat(FreeRatios.parse(" 0 , 100 ")).contains(new FreeRatios(0, 100));
    assertThat(FreeRatios.parse("15,15")).contains(new FreeRatios(15, 15));
    for (String bad : new String[] {"", "10", "20,10", "10,20,30", "-1,20", "10,101", "a,b", ","}) {
      assertThat(FreeRatios.parse(bad)).as(bad).isEmpty();
    }
  }

  @Test
  void aBadValueIsOneWarningAndChangesNothing() {
    HotSpotDiagnosticMXBean hotSpot =
        ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    String min = hotSpot.getVMOption("MinHeapFreeRatio").getValue();
    String max = hotSpot.getVMOption("MaxHeapFreeRatio").getValue();
    System.setProperty(HeapAfterStartUp.PROPERTY, "20,10");

    try (LogCapture log = new LogCapture(HeapAfterStartUp.class)) {
      HeapAfterStartUp.applyIfAsked();

      assertThat(log.messages(Level.WARN))
          .singleElement()
          .asString()
          .startsWith("heap-not-tightened")
          .contains("value=20,10");
      assertThat(log.messages(Level.INFO)).isEmpty();
    }
    assertThat(hotSpot.getVMOption("MinHeapFreeRatio").getValue()).isEqualTo(min);
    assertThat(hotSpot.getVMOption("MaxHeapFreeRatio").getValue()).isEqualTo(max);
  }

  @Test
  void nothingHappensWhenTheLauncherDidNotAsk() {
    try (LogCapture log = new LogCapture(HeapAfterStartUp.class)) {
      HeapAfterStartUp.applyIfAsked();

      assertThat(log.messages(Level.WARN)).isEmpty();
      assertThat(log.messages(Level.INFO)).isEmpty();
    }
  }
}
