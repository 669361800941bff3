package dev.qcat.inference.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ResidentMemoryTest {

  @Test
  void rssGrowsWhenMemoryIsTouched() throws Exception {
    OptionalLong before = ResidentMemory.rssBytes();
    if (before.isEmpty()) {
      return; // not Linux
    }
    java.nio.ByteBuffer block = java.nio.ByteBuffer.allocateDirect(64 << 20); // fresh pages
    for (int i = 0; i < block.capacity(); i += 4096) {
      block.put(i, (byte) 1);
    }
    long after = ResidentMemory.rssBytes().getAsLong();
    assertTrue(after > before.getAsLong() + (32 << 20), before + " -> " + after);
    assertTrue(block.get(4096) == 1);
    assertTrue(ResidentMemory.settle() > 0);
  }
}
