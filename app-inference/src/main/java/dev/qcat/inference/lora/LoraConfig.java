package dev.qcat.inference.lora;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Hyperparameters of a LoRA adapter, with PEFT's names ({@code peft.LoraConfig}): rank {@code r},
 * {@code alpha} ({@code lora_alpha}), {@code dropout} ({@code lora_dropout}), the {@code
 * targetModules} whose linear layers get a low-rank update, {@code bias} and {@code modulesToSave}
 * (modules trained in full and saved beside the adapter, e.g. {@code embed_tokens}, {@code
 * lm_head}).
 *
 * <p>The update added to a target's output is {@code scaling · B·A·dropout(x)} with {@code scaling
 * = alpha / r} (Hu et al. 2021, arXiv:2106.09685, §4.1; PEFT {@code lora/layer.py}).
 *
 * @param r rank of the update, ≥ 1
 * @param alpha scaling numerator, &gt; 0 and finite
 * @param dropout dropout probability on the LoRA path, fraction in [0, 1)
 * @param targetModules short module names ({@code q_proj}, …, {@code down_proj}); non-empty, no
 *     blanks, order kept
 * @param bias PEFT's bias mode; only {@code "none"} is supported
 * @param modulesToSave short names of modules trained in full; may be empty. Never null.
 * @param baseModelNameOrPath the base model's HF id or local path; may be empty. Never null.
 */
public record LoraConfig(
    int r,
    double alpha,
    double dropout,
    List<String> targetModules,
    String bias,
    List<String> modulesToSave,
    String baseModelNameOrPath) {

  /** The seven linear projections of a Qwen2 decoder layer, PEFT's usual "all-linear" choice. */
  public static final List<String> DEFAULT_TARGET_MODULES =
      List.of("q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj");

  /** Target modules that sit in {@code self_attn}; the others sit in {@code mlp}. */
  public static final Set<String> ATTENTION_MODULES =
      Set.of("q_proj", "k_proj", "v_proj", "o_proj");

  /** Target modules that sit in {@code mlp}. */
  public static final Set<String> MLP_MODULES = Set.of("gate_proj", "up_proj", "down_proj");

  /** Modules PEFT's {@code modules_to_save} may name for a Qwen2 causal LM. */
  public static final Set<String> SAVABLE_MODULES = Set.of("embed_tokens", "lm_head");

  /**
   * Validates the hyperparameters.
   *
   * @throws IllegalArgumentException if {@code r < 1}, {@code alpha} is not positive and finite,
   *     {@code dropout} is outside [0, 1), a target module is blank, unknown or repeated, {@code
   *     bias} is not "none", or a module to save is unknown
   * @throws NullPointerException if a list or string is null
   */
  public LoraConfig {
    Objects.requireNonNull(targetModules, "targetModules is required.");
    Objects.requireNonNull(bias, "bias is required.");
    Objects.requireNonNull(modulesToSave, "modulesToSave is required.");
    Objects.requireNonNull(baseModelNameOrPath, "baseModelNameOrPath is required.");
    if (r < 1) {
      throw new IllegalArgumentException("expected rank r >= 1 but r=" + r);
    }
    if (!(alpha > 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("expected alpha > 0 and finite but alpha=" + alpha);
    }
    if (!(dropout >= 0 && dropout < 1)) {
      throw new IllegalArgumentException("expected dropout in [0, 1) but dropout=" + dropout);
    }
    if (targetModules.isEmpty()) {
      throw new IllegalArgumentException(
          "expected at least one target module (e.g. " + DEFAULT_TARGET_MODULES + ")");
    }
    Set<String> seen = new LinkedHashSet<>();
    for (String m : targetModules) {
      if (!ATTENTION_MODULES.contains(m) && !MLP_MODULES.contains(m)) {
        throw new IllegalArgumentException(
            "unknown target module '" + m + "' (supported: " + DEFAULT_TARGET_MODULES + ")");
      }
      if (!seen.add(m)) {
        throw new IllegalArgumentException("target module '" + m + "' is listed twice");
      }
    }
    if (!bias.equals("none")) {
      throw new IllegalArgumentException("unsupported bias mode '" + bias + "' (supported: none)");
    }
    for (String m : modulesToSave) {
      if (!SAVABLE_MODULES.contains(m)) {
        throw new IllegalArgumentException(
            "unknown module to save '" + m + "' (supported: " + SAVABLE_MODULES + ")");
      }
    }
    targetModules = List.copyOf(targetModules);
    modulesToSave = List.copyOf(modulesToSave);
  }

  /**
   * A configuration with the default target modules, no dropout, no modules to save.
   *
   * @param r rank, ≥ 1
   * @param alpha scaling numerator, &gt; 0
   * @return the configuration. Never null.
   */
  public static LoraConfig of(int r, double alpha) {
    return new LoraConfig(r, alpha, 0.0, DEFAULT_TARGET_MODULES, "none", List.of(), "");
  }

  /**
   * @return {@code alpha / r}, the factor on {@code B·A·x}
   */
  public double scaling() {
    return alpha / r;
  }

  /**
   * @param dropout new dropout probability, fraction in [0, 1)
   * @return a copy with that dropout. Never null.
   */
  public LoraConfig withDropout(double dropout) {
    return new LoraConfig(
        r, alpha, dropout, targetModules, bias, modulesToSave, baseModelNameOrPath);
  }

  /**
   * @param modules short module names to train in full ({@code embed_tokens}, {@code lm_head})
   * @return a copy with those modules to save. Never null.
   */
  public LoraConfig withModulesToSave(List<String> modules) {
    return new LoraConfig(r, alpha, dropout, targetModules, bias, modules, baseModelNameOrPath);
  }

  /**
   * @param modules short target module names
   * @return a copy with those target modules. Never null.
   */
  public LoraConfig withTargetModules(List<String> modules) {
    return new LoraConfig(r, alpha, dropout, modules, bias, modulesToSave, baseModelNameOrPath);
  }

  /**
   * @param base the base model's HF id or local path
   * @return a copy naming that base model. Never null.
   */
  public LoraConfig withBaseModelNameOrPath(String base) {
    return new LoraConfig(r, alpha, dropout, targetModules, bias, modulesToSave, base);
  }
}
