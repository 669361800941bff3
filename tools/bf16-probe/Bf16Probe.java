// Throw-away probe for tools/bf16-probe/run.sh: creates a BF16 NDArray in DJL 0.36 / PyTorch 2.7.1.
import ai.djl.ndarray.*;
import ai.djl.ndarray.types.*;
import java.nio.*;
public class Bf16Probe {
  public static void main(String[] a) throws Exception {
    String mode = a.length > 0 ? a[0] : "create";
    try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu(), "PyTorch")) {
      System.out.println("engine " + ai.djl.engine.Engine.getEngine("PyTorch").getVersion()); System.out.flush();
      NDArray f = m.create(new float[] {1f, 2f, 3f, 4f});
      System.out.println("f32 ok"); System.out.flush();
      switch (mode) {
        case "create": {
          ByteBuffer b = ByteBuffer.allocateDirect(8).order(ByteOrder.nativeOrder());
          for (int i = 0; i < 4; i++) b.putShort((short) (Float.floatToIntBits(i + 1f) >>> 16));
          b.rewind();
          NDArray x = m.create(b, new Shape(4), DataType.BFLOAT16);
          System.out.println("created " + x.getDataType()); System.out.flush();
          System.out.println(x.toType(DataType.FLOAT32, false)); break; }
        case "totype": {
          NDArray x = f.toType(DataType.BFLOAT16, false);
          System.out.println("converted " + x.getDataType()); System.out.flush();
          System.out.println(x.toType(DataType.FLOAT32, false)); break; }
        case "f16": {
          NDArray x = f.toType(DataType.FLOAT16, false);
          System.out.println("f16 " + x); break; }
      }
    }
  }
}
