package dev.qcat.domain.model.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PasswordHashingTest {

  @Test
  void verifiesTheRightPasswordOnly() {
    String h = PasswordHashing.hash("s3cret".toCharArray());
    assertTrue(PasswordHashing.verify("s3cret".toCharArray(), h));
    assertFalse(PasswordHashing.verify("s3cret!".toCharArray(), h));
  }

  @Test
  void saltsEachHash() {
    assertNotEquals(
        PasswordHashing.hash("x".toCharArray()), PasswordHashing.hash("x".toCharArray()));
  }

  @Test
  void apiKeyHashIsSha256Hex() {
    // sha256("abc"), FIPS 180-2 appendix B.1
    assertEquals(
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiClient.hash("abc"));
  }
}
