package dev.qcat.inference.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsTest {

  @TempDir Path dir;

  private static Map<String, FloatTensor> sample() {
    Random r = new Random(7);
    Map<String, FloatTensor> m = new LinkedHashMap<>();
    float[] a = new float[6 * 5];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) r.nextGaussian();
    }
    m.put("model.embed_tokens.weight", new FloatTensor(new long[] {6, 5}, a));
    m.put("model.norm.weight", new FloatTensor(new long[] {3}, new float[] {1f, -2.5f, 0.125f}));
    m.put("scalar", new FloatTensor(new long[] {}, new float[] {42f}));
    return m;
  }

  @Test
  void f32RoundTripIsExact() {
    Path f = dir.resolve("a.safetensors");
    Map<String, FloatTensor> in = sample();
    SafetensorsWriter.write(f, SafetensorsDtype.F32, in);
    assertEquals(in, SafetensorsReader.readAll(f));
    try (SafetensorsReader r = SafetensorsReader.open(f)) {
      assertEquals("pt", r.metadata().get("format"));
      assertEquals(SafetensorsDtype.F32, r.tensors().get("scalar").dtype());
    }
  }

  @Test
  void f16AndBf16RoundTripEqualsJavaNarrowing() {
    for (SafetensorsDtype d :
        new SafetensorsDtype[] {SafetensorsDtype.F16, SafetensorsDtype.BF16}) {
      Path f = dir.resolve(d + ".safetensors");
      Map<String, FloatTensor> in = sample();
      SafetensorsWriter.write(f, d, in);
      Map<String, FloatTensor> out = SafetensorsReader.readAll(f);
      for (var e : in.entrySet()) {
        float[] want = e.getValue().data().clone();
        for (int i = 0; i < want.length; i++) {
          want[i] =
              d == SafetensorsDtype.F16
                  ? HalfFloats.f16ToFloat(HalfFloats.floatToF16(want[i]))
                  : HalfFloats.bf16ToFloat(HalfFloats.floatToBf16(want[i]));
          float rel = Math.abs(want[i] - e.getValue().data()[i]) / Math.abs(e.getValue().data()[i]);
          assertTrue(
              rel <= (d == SafetensorsDtype.F16 ? 0x1p-11 : 0x1p-8), d + " rel error " + rel);
        }
        assertArrayEquals(want, out.get(e.getKey()).data(), d + " " + e.getKey());
        assertArrayEquals(e.getValue().shape(), out.get(e.getKey()).shape());
      }
    }
  }

  @Test
  void everyHalfBitPatternSurvivesWidenThenNarrow() {
    for (int h = 0; h < 65536; h++) {
      short bits = (short) h;
      float f16 = HalfFloats.f16ToFloat(bits);
      if (!Float.isNaN(f16)) {
        assertEquals(bits, HalfFloats.floatToF16(f16), "f16 0x" + Integer.toHexString(h));
      }
      float bf = HalfFloats.bf16ToFloat(bits);
      if (!Float.isNaN(bf)) {
        assertEquals(bits, HalfFloats.floatToBf16(bf), "bf16 0x" + Integer.toHexString(h));
      }
    }
  }

  @Test
  void halfConversionsMatchHandCheckedValues() {
    assertEquals(0x3C00, HalfFloats.floatToF16(1f));
    assertEquals(0x7BFF, HalfFloats.floatToF16(65504f));
    assertEquals(0x7C00, HalfFloats.floatToF16(65520f)); // rounds to infinity
    assertEquals(0x0001, HalfFloats.floatToF16(0x1p-24f)); // smallest subnormal
    assertEquals(0x0000, HalfFloats.floatToF16(0x1p-25f)); // tie to even: 0
    assertEquals(0x3C00, HalfFloats.floatToF16(1f + 0x1p-11f)); // tie to even: 1.0
    assertEquals(0x3C02, HalfFloats.floatToF16(1f + 3 * 0x1p-11f)); // tie to even: up
    assertEquals(-2f, HalfFloats.f16ToFloat((short) 0xC000));
    assertEquals(0x3F80, HalfFloats.floatToBf16(1f));
    assertEquals(0x3F80, HalfFloats.floatToBf16(1f + 0x1p-8f)); // tie to even
    assertEquals(0x3F82, HalfFloats.floatToBf16(1f + 3 * 0x1p-8f));
    assertEquals(3.140625f, HalfFloats.bf16ToFloat((short) 0x4049));
  }

  @Test
  void readsBf16WrittenByHandAsShiftedBits() throws Exception {
    String header = "{\"w\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + 4).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h).putShort((short) 0x3F80).putShort((short) 0xC049);
    Path f = dir.resolve("bf16.safetensors");
    Files.write(f, b.array());
    assertArrayEquals(new float[] {1f, -3.140625f}, SafetensorsReader.readAll(f).get("w").data());
  }

  @Test
  void rejectsTruncatedFileAndWrongOffsetsNamingTheFile() throws Exception {
    String header = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + 16).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    Path f = dir.resolve("bad.safetensors");
    Files.write(f, b.array());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SafetensorsReader.open(f));
    assertTrue(e.getMessage().contains("bad.safetensors"), e.getMessage());
    assertTrue(
        e.getMessage().contains("span 12 bytes but F32 shape [2, 2] expects 16"), e.getMessage());

    Path trunc = dir.resolve("trunc.safetensors");
    SafetensorsWriter.write(trunc, SafetensorsDtype.F32, sample());
    byte[] all = Files.readAllBytes(trunc);
    Files.write(trunc, java.util.Arrays.copyOf(all, all.length - 4));
    e = assertThrows(IllegalArgumentException.class, () -> SafetensorsReader.open(trunc));
    assertTrue(e.getMessage().contains("truncated"), e.getMessage());

    UncheckedIOException missing =
        assertThrows(
            UncheckedIOException.class,
            () -> SafetensorsReader.open(dir.resolve("nope.safetensors")));
    assertTrue(missing.getMessage().contains("nope.safetensors"), missing.getMessage());
  }

  @Test
  void rejectsUnsupportedDtype() throws Exception {
    String header = "{\"w\":{\"dtype\":\"I8\",\"shape\":[2],\"data_offsets\":[0,2]}}";
    byte[] h = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(8 + h.length + 2).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    Path f = dir.resolve("i8.safetensors");
    Files.write(f, b.array());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SafetensorsReader.open(f));
    assertTrue(e.getMessage().contains("unsupported dtype I8"), e.getMessage());
  }
}
