package dev.qcat.inference.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class OpenBlasLinearTest {

  @Test
  void agreesWithTorchLinearWithBiasOn3dAndNonContiguousInput() {
    assumeTrue(OpenBlasLinear.isAvailable(), "OpenBLAS native library not available here");
    try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
      NDArray w = m.randomNormal(new Shape(37, 53));
      NDArray b = m.randomNormal(new Shape(37));
      Linear torch = new Linear(w, b);
      OpenBlasLinear blas = new OpenBlasLinear(w, b);
      NDArray x = m.randomNormal(new Shape(3, 5, 53));
      // a transposed view: (53, 7) -> (7, 53), not contiguous
      NDArray view = m.randomNormal(new Shape(53, 7)).transpose();
      for (NDArray in : new NDArray[] {x, view}) {
        Shape before = in.getShape();
        NDArray want = torch.forward(in);
        NDArray got = blas.forward(in);
        assertEquals(want.getShape(), got.getShape());
        assertEquals(before, in.getShape(), "input shape must not change");
        float[] a = want.toFloatArray();
        float[] c = got.toFloatArray();
        double max = 0;
        for (int i = 0; i < a.length; i++) {
          max = Math.max(max, Math.abs(a[i] - c[i]));
        }
        assertTrue(max < 1e-4, "max |diff| " + max);
      }
      OpenBlasLinear noBias = new OpenBlasLinear(w, null);
      NDArray one = m.create(new float[53], new Shape(1, 53));
      assertArrayEquals(new float[37], noBias.forward(one).toFloatArray());
      assertThrows(IllegalArgumentException.class, () -> blas.forward(m.ones(new Shape(2, 52))));
    }
  }
}
