package dev.qcat.inference.io;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads a GGUF version 3 file: all metadata and tensor infos when opened, tensor data on request
 * (decoded to float32 for the {@link GgufType}s qcat knows). Open it, query it, close it; the file
 * stays open in between.
 *
 * <p>Metadata values are held as Java objects by GGUF type: UINT8/INT8/UINT16/INT16/INT32 as {@code
 * Integer}, UINT32/UINT64/INT64 as {@code Long}, FLOAT32 as {@code Float}, FLOAT64 as {@code
 * Double}, BOOL as {@code Boolean}, STRING as {@code String}; arrays of STRING as {@code
 * List<String>}, of INT32 or UINT32 as {@code int[]} (UINT32 reinterpreted), of FLOAT32 as {@code
 * float[]}, of BOOL as {@code boolean[]}, of other integers as {@code long[]}, of FLOAT64 as {@code
 * double[]}.
 *
 * <p>Reference: ggml {@code docs/gguf.md}.
 */
public final class GgufReader implements AutoCloseable {

  private static final int MAGIC = 0x46554747; // "GGUF"
  private static final int BUFFER_BYTES = 1 << 20;

  /**
   * One tensor info.
   *
   * @param name GGUF tensor name
   * @param ne dimensions, innermost first (reverse of the PyTorch shape)
   * @param ggmlType GGML type id as stored
   * @param dataOffset absolute position of the data in the file, in bytes
   */
  public record TensorInfo(String name, long[] ne, int ggmlType, long dataOffset) {

    /**
     * @return the type if qcat handles it, else empty
     */
    public Optional<GgufType> type() {
      return GgufType.fromGgmlId(ggmlType);
    }

    /**
     * @return the number of values, product of {@code ne}
     */
    public long elementCount() {
      long n = 1;
      for (long d : ne) {
        n = Math.multiplyExact(n, d);
      }
      return n;
    }

    /**
     * @return the PyTorch-order shape, the reverse of {@code ne}
     */
    public long[] shape() {
      long[] shape = new long[ne.length];
      for (int i = 0; i < ne.length; i++) {
        shape[i] = ne[ne.length - 1 - i];
      }
      return shape;
    }
  }

  private record Entry(GgufValueType type, GgufValueType elementType, Object value) {}

  private final Path path;
  private final FileChannel channel;
  private final int version;
  private final int alignment;
  private final Map<String, Entry> entries;
  private final Map<String, TensorInfo> tensors;

  private GgufReader(
      Path path,
      FileChannel channel,
      int version,
      int alignment,
      Map<String, Entry> entries,
      Map<String, TensorInfo> tensors) {
    this.path = path;
    this.channel = channel;
    this.version = version;
    this.alignment = alignment;
    this.entries = entries;
    this.tensors = tensors;
  }

  /**
   * Opens a file and reads its metadata and tensor infos.
   *
   * @param path a GGUF file
   * @return an open reader; the caller closes it. Never null.
   * @throws IOException if the file cannot be read, is not GGUF, or is not version 3
   */
  public static GgufReader open(Path path) throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
    try {
      Source in = new Source(channel);
      int magic = in.getInt();
      if (magic != MAGIC) {
        throw new IOException(
            path
                + " is not a GGUF file: magic 0x"
                + Integer.toHexString(magic)
                + " (expected GGUF)");
      }
      int version = in.getInt();
      if (version != GgufWriter.VERSION) {
        throw new IOException(
            "unsupported GGUF version " + version + " in " + path + " (supported: [3])");
      }
      long tensorCount = in.getLong();
      long kvCount = in.getLong();
      Map<String, Entry> entries = new LinkedHashMap<>();
      for (long i = 0; i < kvCount; i++) {
        String key = in.getString();
        GgufValueType type = GgufValueType.fromId(in.getInt());
        if (type == GgufValueType.ARRAY) {
          GgufValueType elementType = GgufValueType.fromId(in.getInt());
          long count = in.getLong();
          entries.put(key, new Entry(type, elementType, readArray(in, elementType, count, key)));
        } else {
          entries.put(key, new Entry(type, null, readScalar(in, type)));
        }
      }
      int alignment = GgufWriter.ALIGNMENT;
      Entry alignmentEntry = entries.get("general.alignment");
      if (alignmentEntry != null) {
        alignment = (int) ((Number) alignmentEntry.value).longValue();
      }
      List<long[]> nes = new ArrayList<>();
      List<String> names = new ArrayList<>();
      List<Integer> types = new ArrayList<>();
      List<Long> offsets = new ArrayList<>();
      for (long i = 0; i < tensorCount; i++) {
        names.add(in.getString());
        int nDims = in.getInt();
        long[] ne = new long[nDims];
        for (int d = 0; d < nDims; d++) {
          ne[d] = in.getLong();
        }
        nes.add(ne);
        types.add(in.getInt());
        offsets.add(in.getLong());
      }
      long dataStart = (in.position() + alignment - 1) / alignment * alignment;
      Map<String, TensorInfo> tensors = new LinkedHashMap<>();
      for (int i = 0; i < names.size(); i++) {
        tensors.put(
            names.get(i),
            new TensorInfo(names.get(i), nes.get(i), types.get(i), dataStart + offsets.get(i)));
      }
      return new GgufReader(
          path,
          channel,
          version,
          alignment,
          Collections.unmodifiableMap(entries),
          Collections.unmodifiableMap(tensors));
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static Object readScalar(Source in, GgufValueType type) throws IOException {
    return switch (type) {
      case UINT8 -> in.getByte() & 0xff;
      case INT8 -> (int) in.getByte();
      case UINT16 -> in.getShort() & 0xffff;
      case INT16 -> (int) in.getShort();
      case UINT32 -> in.getInt() & 0xffffffffL;
      case INT32 -> in.getInt();
      case FLOAT32 -> in.getFloat();
      case BOOL -> in.getByte() != 0;
      case STRING -> in.getString();
      case UINT64, INT64 -> in.getLong();
      case FLOAT64 -> in.getDouble();
      case ARRAY -> throw new IOException("nested GGUF arrays are not supported");
    };
  }

  private static Object readArray(Source in, GgufValueType elementType, long count, String key)
      throws IOException {
    if (count < 0 || count > Integer.MAX_VALUE - 8) {
      throw new IOException("array " + key + " has " + count + " elements (expected < 2^31)");
    }
    int n = (int) count;
    switch (elementType) {
      case STRING -> {
        List<String> values = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          values.add(in.getString());
        }
        return Collections.unmodifiableList(values);
      }
      case INT32, UINT32 -> {
        int[] values = new int[n];
        for (int i = 0; i < n; i++) {
          values[i] = in.getInt();
        }
        return values;
      }
      case FLOAT32 -> {
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
          values[i] = in.getFloat();
        }
        return values;
      }
      case FLOAT64 -> {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
          values[i] = in.getDouble();
        }
        return values;
      }
      case BOOL -> {
        boolean[] values = new boolean[n];
        for (int i = 0; i < n; i++) {
          values[i] = in.getByte() != 0;
        }
        return values;
      }
      case ARRAY -> throw new IOException("nested GGUF arrays are not supported (key " + key + ")");
      default -> {
        long[] values = new long[n];
        for (int i = 0; i < n; i++) {
          values[i] = ((Number) readScalar(in, elementType)).longValue();
        }
        return values;
      }
    }
  }

  /**
   * @return the file's GGUF version (always 3)
   */
  public int version() {
    return version;
  }

  /**
   * @return the data alignment, in bytes ({@code general.alignment}, default 32)
   */
  public int alignment() {
    return alignment;
  }

  /**
   * @return all metadata keys in file order. Never null.
   */
  public List<String> keys() {
    return List.copyOf(entries.keySet());
  }

  /**
   * @return the value of {@code key} as described in the class Javadoc, or empty if absent
   */
  public Optional<Object> value(String key) {
    return Optional.ofNullable(entries.get(key)).map(Entry::value);
  }

  /**
   * @return the GGUF type of {@code key}'s value, or empty if absent
   */
  public Optional<GgufValueType> valueType(String key) {
    return Optional.ofNullable(entries.get(key)).map(Entry::type);
  }

  /**
   * @return the element type of array {@code key}, or empty if absent or not an array
   */
  public Optional<GgufValueType> arrayElementType(String key) {
    return Optional.ofNullable(entries.get(key)).map(Entry::elementType);
  }

  private Entry require(String key, GgufValueType... expected) {
    Entry entry = entries.get(key);
    if (entry == null) {
      throw new IllegalArgumentException("metadata key " + key + " is missing in " + path);
    }
    GgufValueType found = entry.type == GgufValueType.ARRAY ? entry.elementType : entry.type;
    if (!Arrays.asList(expected).contains(found)) {
      throw new IllegalArgumentException(
          "expected "
              + key
              + " of type "
              + Arrays.toString(expected)
              + (entry.type == GgufValueType.ARRAY ? " array" : "")
              + " but found "
              + found
              + " in "
              + path);
    }
    return entry;
  }

  /**
   * @throws IllegalArgumentException if {@code key} is missing or not a STRING
   */
  public String getString(String key) {
    return (String) require(key, GgufValueType.STRING).value;
  }

  /**
   * @return the value of an integer key of any GGUF integer type, widened to long
   * @throws IllegalArgumentException if {@code key} is missing or not an integer
   */
  public long getLong(String key) {
    Entry entry =
        require(
            key,
            GgufValueType.UINT8,
            GgufValueType.INT8,
            GgufValueType.UINT16,
            GgufValueType.INT16,
            GgufValueType.UINT32,
            GgufValueType.INT32,
            GgufValueType.UINT64,
            GgufValueType.INT64);
    return ((Number) entry.value).longValue();
  }

  /**
   * @throws IllegalArgumentException if {@code key} is missing or not FLOAT32
   */
  public float getFloat32(String key) {
    return (Float) require(key, GgufValueType.FLOAT32).value;
  }

  /**
   * @throws IllegalArgumentException if {@code key} is missing or not BOOL
   */
  public boolean getBool(String key) {
    return (Boolean) require(key, GgufValueType.BOOL).value;
  }

  /**
   * @return the strings of a STRING array, unmodifiable
   * @throws IllegalArgumentException if {@code key} is missing or not a STRING array
   */
  @SuppressWarnings("unchecked")
  public List<String> getStringArray(String key) {
    Entry entry = require(key, GgufValueType.STRING);
    if (entry.type != GgufValueType.ARRAY) {
      throw new IllegalArgumentException("expected " + key + " to be an array in " + path);
    }
    return (List<String>) entry.value;
  }

  /**
   * @return a copy of an INT32 or UINT32 array
   * @throws IllegalArgumentException if {@code key} is missing or not such an array
   */
  public int[] getInt32Array(String key) {
    Entry entry = require(key, GgufValueType.INT32, GgufValueType.UINT32);
    if (entry.type != GgufValueType.ARRAY) {
      throw new IllegalArgumentException("expected " + key + " to be an array in " + path);
    }
    return ((int[]) entry.value).clone();
  }

  /**
   * @return all tensor infos in file order. Never null.
   */
  public List<TensorInfo> tensors() {
    return List.copyOf(tensors.values());
  }

  /**
   * @return the info of tensor {@code name}, or empty if the file has none of that name
   */
  public Optional<TensorInfo> tensor(String name) {
    return Optional.ofNullable(tensors.get(name));
  }

  /**
   * Reads and decodes one tensor's data.
   *
   * @param name GGUF tensor name
   * @return float32 values in row-major order of {@link TensorInfo#shape()}. Never null.
   * @throws IllegalArgumentException if there is no such tensor, its type is not a {@link
   *     GgufType}, or it has 2^31 values or more
   * @throws IOException if reading fails or the file ends early
   */
  public float[] readTensor(String name) throws IOException {
    TensorInfo info =
        tensor(name)
            .orElseThrow(() -> new IllegalArgumentException("no tensor " + name + " in " + path));
    GgufType type =
        info.type()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "tensor " + name + " has GGML type " + info.ggmlType + ", not handled"));
    long count = info.elementCount();
    if (count > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("tensor " + name + " has " + count + " values (> 2^31)");
    }
    float[] out = new float[(int) count];
    ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    int valuesPerChunk = BUFFER_BYTES / type.blockBytes() * type.blockSize();
    long position = info.dataOffset;
    for (int from = 0; from < out.length; from += valuesPerChunk) {
      int n = Math.min(valuesPerChunk, out.length - from);
      int bytes = n / type.blockSize() * type.blockBytes();
      buffer.clear().limit(bytes);
      while (buffer.hasRemaining()) {
        if (channel.read(buffer, position + buffer.position()) < 0) {
          throw new EOFException("tensor " + name + " runs past the end of " + path);
        }
      }
      buffer.flip();
      type.decode(buffer, out, from, n);
      position += bytes;
    }
    return out;
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  /** A little-endian buffered source over a file channel that knows its position. */
  private static final class Source {
    private final FileChannel channel;
    private final ByteBuffer buffer =
        ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private long bufferStart;

    Source(FileChannel channel) {
      this.channel = Objects.requireNonNull(channel);
      buffer.limit(0);
    }

    long position() {
      return bufferStart + buffer.position();
    }

    private void need(int bytes) throws IOException {
      if (buffer.remaining() >= bytes) {
        return;
      }
      bufferStart += buffer.position();
      buffer.compact();
      while (buffer.position() < bytes) {
        if (channel.read(buffer, bufferStart + buffer.position()) < 0) {
          throw new EOFException("GGUF header ends early at byte " + position());
        }
      }
      buffer.flip();
    }

    byte getByte() throws IOException {
      need(1);
      return buffer.get();
    }

    short getShort() throws IOException {
      need(2);
      return buffer.getShort();
    }

    int getInt() throws IOException {
      need(4);
      return buffer.getInt();
    }

    long getLong() throws IOException {
      need(8);
      return buffer.getLong();
    }

    float getFloat() throws IOException {
      need(4);
      return buffer.getFloat();
    }

    double getDouble() throws IOException {
      need(8);
      return buffer.getDouble();
    }

    String getString() throws IOException {
      long length = getLong();
      if (length < 0 || length > Integer.MAX_VALUE - 8) {
        throw new IOException("GGUF string of " + length + " bytes at byte " + position());
      }
      byte[] bytes = new byte[(int) length];
      int at = 0;
      while (at < bytes.length) {
        need(1);
        int n = Math.min(buffer.remaining(), bytes.length - at);
        buffer.get(bytes, at, n);
        at += n;
      }
      return new String(bytes, StandardCharsets.UTF_8);
    }
  }
}
