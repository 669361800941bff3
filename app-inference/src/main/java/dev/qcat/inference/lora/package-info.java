/**
 * LoRA (Hu et al. 2021, arXiv:2106.09685) with PEFT's conventions and names: {@link
 * dev.qcat.inference.lora.LoraConfig} (r, alpha, dropout, target modules, modules to save), {@link
 * dev.qcat.inference.lora.LoraLinear} (a projection with a trainable low-rank update, merge and
 * unmerge), {@link dev.qcat.inference.lora.LoraModel} (a Qwen2 model with LoRA in its projections),
 * {@link dev.qcat.inference.lora.LoraAdapter} (adapter weights on the heap) and {@link
 * dev.qcat.inference.lora.PeftAdapterIO} (PEFT's {@code adapter_config.json} and {@code
 * adapter_model.safetensors}). Training loops, data handling and prompt formatting do not live
 * here.
 */
package dev.qcat.inference.lora;
