package dev.qcat.inference.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GgufWriterTest {

  @TempDir Path dir;

  @Test
  void roundTripsMetadataOfEveryWrittenType() throws IOException {
    Path file = dir.resolve("m.gguf");
    new GgufWriter("qwen2")
        .putString("s", "héllo <|im_end|>")
        .putUint32("u32", 0xffffffffL)
        .putInt32("i32", -7)
        .putUint64("u64", 1L << 40)
        .putFloat32("f32", 1e-6f)
        .putBool("t", true)
        .putBool("f", false)
        .putStringArray("strings", List.of("Ġ Ġ", "", "é"))
        .putInt32Array("ints", new int[] {1, 3, 4})
        .putFloat32Array("floats", new float[] {0.5f, -2f})
        .write(file);

    try (GgufReader r = GgufReader.open(file)) {
      assertEquals(3, r.version());
      assertEquals(32, r.alignment());
      assertEquals(
          List.of(
              "general.architecture",
              "general.alignment",
              "s",
              "u32",
              "i32",
              "u64",
              "f32",
              "t",
              "f",
              "strings",
              "ints",
              "floats"),
          r.keys());
      assertEquals("qwen2", r.getString("general.architecture"));
      assertEquals("héllo <|im_end|>", r.getString("s"));
      assertEquals(0xffffffffL, r.getLong("u32"));
      assertEquals(GgufValueType.UINT32, r.valueType("u32").orElseThrow());
      assertEquals(-7, r.getLong("i32"));
      assertEquals(1L << 40, r.getLong("u64"));
      assertEquals(1e-6f, r.getFloat32("f32"));
      assertEquals(GgufValueType.FLOAT32, r.valueType("f32").orElseThrow());
      assertTrue(r.getBool("t"));
      assertFalse(r.getBool("f"));
      assertEquals(List.of("Ġ Ġ", "", "é"), r.getStringArray("strings"));
      assertArrayEquals(new int[] {1, 3, 4}, r.getInt32Array("ints"));
      assertEquals(GgufValueType.INT32, r.arrayElementType("ints").orElseThrow());
      assertArrayEquals(new float[] {0.5f, -2f}, (float[]) r.value("floats").orElseThrow());
      assertTrue(r.tensors().isEmpty());
    }
  }

  @Test
  void writesHeaderBytesAsTheSpecSays() throws IOException {
    Path file = dir.resolve("h.gguf");
    new GgufWriter("qwen2")
        .addTensor("x", new long[] {2}, GgufType.F32, new float[] {1, 2})
        .write(file);
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    assertEquals('G', b.get(0));
    assertEquals('G', b.get(1));
    assertEquals('U', b.get(2));
    assertEquals('F', b.get(3));
    assertEquals(3, b.getInt(4)); // version
    assertEquals(1L, b.getLong(8)); // tensor count
    assertEquals(2L, b.getLong(16)); // metadata count: architecture, alignment
    assertEquals(0, Files.size(file) % 32, "file ends on the alignment");
    // the last tensor's data are the file's last 32 bytes: 1.0f, 2.0f, then zero padding
    assertEquals(1f, b.getFloat((int) Files.size(file) - 32));
    assertEquals(2f, b.getFloat((int) Files.size(file) - 28));
  }

  @Test
  void alignsEveryTensorAndRoundTripsF32AndF16Data() throws IOException {
    float[] a = {1f, -2.5f, 3.25f, 1e-3f, 7f, -0f}; // shape [2, 3] -> ne [3, 2]
    float[] b = new float[37]; // odd size, so the next tensor needs padding
    for (int i = 0; i < b.length; i++) {
      b[i] = (float) Math.sin(i) * 100;
    }
    float[] c = {1f + 0x1p-11f, 1f + 3 * 0x1p-11f, 65520f, 1e-8f, 3e-8f, -70000f};
    Path file = dir.resolve("t.gguf");
    new GgufWriter("qwen2")
        .addTensor("a", new long[] {3, 2}, GgufType.F32, a)
        .addTensor("b", new long[] {37}, GgufType.F16, b)
        .addTensor("c", new long[] {6}, GgufType.F16, () -> c)
        .write(file);

    try (GgufReader r = GgufReader.open(file)) {
      assertEquals(3, r.tensors().size());
      for (GgufReader.TensorInfo t : r.tensors()) {
        assertEquals(0, t.dataOffset() % 32, t.name() + " data offset");
      }
      GgufReader.TensorInfo ta = r.tensor("a").orElseThrow();
      assertArrayEquals(new long[] {3, 2}, ta.ne());
      assertArrayEquals(new long[] {2, 3}, ta.shape());
      assertEquals(GgufType.F32, ta.type().orElseThrow());
      assertArrayEquals(a, r.readTensor("a"));
      assertEquals(1, r.tensor("b").orElseThrow().ggmlType());
      float[] bBack = r.readTensor("b");
      for (int i = 0; i < b.length; i++) {
        assertEquals(HalfFloats.f16ToFloat(HalfFloats.floatToF16(b[i])), bBack[i]);
        assertEquals(b[i], bBack[i], Math.abs(b[i]) * 0x1p-11f);
      }
      // Round to nearest, ties to even; 65520 overflows; below 2^-25 flushes to zero.
      float[] expected = {
        1f, 1f + 0x1p-9f, Float.POSITIVE_INFINITY, 0f, 0x1p-24f, Float.NEGATIVE_INFINITY
      };
      assertArrayEquals(expected, r.readTensor("c"));
    }
  }

  @Test
  void rejectsDataThatDoNotMatchTheDimensions() {
    GgufWriter w = new GgufWriter("qwen2");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> w.addTensor("w", new long[] {4, 2}, GgufType.F32, new float[7]));
    assertTrue(e.getMessage().contains("expected 8 values for w"), e.getMessage());
    assertThrows(
        IllegalArgumentException.class,
        () -> w.addTensor("w", new long[] {1, 1, 1, 1, 1}, GgufType.F32, new float[1]));
    assertThrows(
        IllegalArgumentException.class,
        () -> w.addTensor("x".repeat(64), new long[] {1}, GgufType.F32, new float[1]));
  }

  @Test
  void rejectsDuplicateKeysAndTensors() {
    GgufWriter w =
        new GgufWriter("qwen2").addTensor("t", new long[] {1}, GgufType.F32, new float[1]);
    assertThrows(IllegalArgumentException.class, () -> w.putString("general.architecture", "x"));
    assertThrows(
        IllegalArgumentException.class,
        () -> w.addTensor("t", new long[] {1}, GgufType.F32, new float[1]));
    assertThrows(IllegalArgumentException.class, () -> w.putUint32("n", -1));
  }

  @Test
  void failedWriteLeavesNoFileBehind() {
    Path file = dir.resolve("f.gguf");
    GgufWriter w =
        new GgufWriter("qwen2")
            .addTensor("t", new long[] {4}, GgufType.F32, () -> new float[3]); // wrong length
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> w.write(file));
    assertTrue(e.getMessage().contains("expected 4 values for t"), e.getMessage());
    assertFalse(Files.exists(file));
    assertFalse(Files.exists(dir.resolve("f.gguf.part")));
  }

  @Test
  void readerRejectsOtherVersionsAndNonGgufFiles() throws IOException {
    Path v2 = dir.resolve("v2.gguf");
    ByteBuffer b = ByteBuffer.allocate(24).order(ByteOrder.LITTLE_ENDIAN);
    b.put(new byte[] {'G', 'G', 'U', 'F'}).putInt(2).putLong(0).putLong(0);
    Files.write(v2, b.array());
    IOException e = assertThrows(IOException.class, () -> GgufReader.open(v2));
    assertTrue(e.getMessage().contains("unsupported GGUF version 2"), e.getMessage());
    assertTrue(e.getMessage().contains("(supported: [3])"), e.getMessage());

    Path text = dir.resolve("x.gguf");
    Files.writeString(text, "not a gguf file at all");
    assertThrows(IOException.class, () -> GgufReader.open(text));
  }
}
