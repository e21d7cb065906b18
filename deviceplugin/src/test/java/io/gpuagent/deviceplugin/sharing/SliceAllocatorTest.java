package io.gpuagent.deviceplugin.sharing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class SliceAllocatorTest {
  private final SliceAllocator allocator = new SliceAllocator(List.of("GPU-a", "GPU-b", "GPU-c"));

  private static List<String> free(String uuid, int from, int to) {
    return IntStream.range(from, to).mapToObj(k -> uuid + "::" + k).toList();
  }

  @SafeVarargs
  private static List<String> node(List<String>... parts) {
    List<String> all = new ArrayList<>();
    for (List<String> part : parts) {
      all.addAll(part);
    }
    return all;
  }

  @Test
  void bestFitTakesTheDeviceWithTheFewestFreeSlicesThatStillFits() {
    List<String> available = node(free("GPU-a", 0, 20), free("GPU-b", 0, 8), free("GPU-c", 0, 5));

    assertThat(allocator.choose(available, List.of(), 6)).isEqualTo(free("GPU-b", 0, 6));
    assertThat(allocator.choose(available, List.of(), 5)).isEqualTo(free("GPU-c", 0, 5));
    assertThat(allocator.choose(available, List.of(), 9)).isEqualTo(free("GPU-a", 0, 9));
  }

  @Test
  void tiesGoToTheDeviceFirstInNodeOrderAndTheLowestSlices() {
    List<String> available = node(free("GPU-c", 3, 10), free("GPU-b", 2, 9));

    assertThat(allocator.choose(available, List.of(), 2)).containsExactly("GPU-b::2", "GPU-b::3");
  }

  @Test
  void theAnswerIsTheSameWhateverTheOrderOfTheAvailableList() {
    List<String> available = node(free("GPU-a", 0, 30), free("GPU-b", 4, 20), free("GPU-c", 0, 9));
    List<String> expected = allocator.choose(available, List.of(), 12);
    Random random = new Random(7);
    for (int i = 0; i < 20; i++) {
      List<String> shuffled = new ArrayList<>(available);
      Collections.shuffle(shuffled, random);
      assertThat(allocator.choose(shuffled, List.of(), 12)).isEqualTo(expected);
    }
  }

  @Test
  void mustIncludeSlicesPickTheirDeviceAndAreKept() {
    List<String> available = node(free("GPU-a", 0, 20), free("GPU-b", 0, 8));

    assertThat(allocator.choose(available, List.of("GPU-a::7", "GPU-a::9"), 3))
        .containsExactly("GPU-a::0", "GPU-a::7", "GPU-a::9");
  }

  @Test
  void mustIncludeSlicesOnTwoDevicesAreRefusedNamingThem() {
    List<String> available = node(free("GPU-a", 0, 20), free("GPU-b", 0, 8));

    assertThatThrownBy(() -> allocator.choose(available, List.of("GPU-a::1", "GPU-b::1"), 4))
        .hasMessageContaining("GPU-a: 1, GPU-b: 1");
  }

  @Test
  void aRequestLargerThanAnyOneDevicesFreeSlicesIsRefusedWithTheFreeCounts() {
    List<String> available = node(free("GPU-a", 0, 20), free("GPU-b", 0, 8));

    assertThatThrownBy(() -> allocator.choose(available, List.of(), 21))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "no single device has 21 free slices (free: GPU-a: 20, GPU-b: 8); the slices of one"
                + " container must be on one device");
  }

  @Test
  void somethingThatIsNotASliceIsRefused() {
    assertThatThrownBy(() -> allocator.choose(List.of("GPU-a"), List.of(), 1))
        .hasMessageContaining("unknown device GPU-a");
  }
}
