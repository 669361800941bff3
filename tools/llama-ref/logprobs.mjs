#!/usr/bin/env node
// llama.cpp (through node-llama-cpp 3.21.1, prebuilt CPU library) as qcat's independent reference.
//
// Usage: node logprobs.mjs MODEL.gguf < request.json > response.json
//
// Request (JSON on stdin, every field optional):
//   {
//     "threads": 2,                  // llama.cpp threads (default 2)
//     "sequences": [[id, ...], ...], // token-id sequences; for each, the full-vocabulary
//                                    // natural-log probabilities at its last position
//     "texts": ["...", ...],         // texts to tokenize with llama.cpp's tokenizer (special
//                                    // tokens such as <|im_start|> are parsed as tokens)
//     "scoring": {                   // category scoring, as qcat's CategoryScorer does it
//       "prompts": [[id, ...], ...], //   ChatML prompts (ending in "<|im_start|>assistant\n")
//       "labels": [[id, ...], ...]   //   each category's tokens followed by <|im_end|>
//     },
//     "timing": {                    // time to evaluate a prompt alone (prompt processing)
//       "tokens": [id, ...],
//       "repeats": 10,               // timed runs (default 10)
//       "warmup": 1                  // untimed runs first (default 1)
//     }
//   }
//
// Response (JSON on stdout):
//   {
//     "vocabSize": 151936,
//     "threads": 2,
//     "logProbs": [[lp_0, ..., lp_{V-1}], ...],  // one row per sequence, indexed by token id;
//                                                // null stands for -Infinity (probability 0)
//     "tokens": [[id, ...], ...],                // one row per text
//     "scores": [[s_0, ..., s_{L-1}], ...],     // per prompt, per label: sum over the label's
//                                                // tokens of log p(token | prompt, earlier tokens)
//     "scoringEvaluations": n,                   // label-trie positions evaluated (all prompts)
//     "timing": {"promptTokens": n, "runsMs": [...], "medianMs": x, "p95Ms": y, "minMs": z}
//   }
// Diagnostics go to stderr; the exit code is 1 on failure with the reason on stderr.
//
// Numerics: flash attention off and an F32 KV cache, so that with F32 weights llama.cpp computes
// in float32 throughout. Log-probabilities come from controlledEvaluate's generateNext.probabilities
// with a greedy sampler (temperature 0, topK = vocabulary size), which returns the softmax of the raw
// logits over the whole vocabulary. The addon normalises that softmax with a float32 sum over the
// vocabulary; the harness renormalises in float64 (log p_i - log sum_j p_j), so what remains is the
// model's own float32 error, not the sampler's summation error.
// Scoring: the prompt is evaluated once; the labels are walked as a token trie depth first, each
// trie node evaluated once on top of the prompt's KV cache and erased again (eraseContextTokenRanges)
// when its subtree is done, so a shared prefix is computed once, as in qcat's CategoryScorer. The
// score of a label is the unnormalised sum of its tokens' log-probabilities (incl. <|im_end|>);
// P(category | prompt) is its softmax over the labels, computed by the caller.
// Timing: each run clears the sequence and evaluates the prompt in one batch with the logits of the
// last position (and a greedy pick of the next token); wall-clock time around that call.

import { readFileSync } from "node:fs";
import { getLlama, LlamaLogLevel } from "node-llama-cpp";

function fail(message) {
  process.stderr.write(`logprobs.mjs: ${message}\n`);
  process.exit(1);
}

function checkTokenIds(tokens, vocabSize, what) {
  if (!Array.isArray(tokens) || tokens.length === 0) fail(`${what} must be a non-empty array of token ids`);
  for (const t of tokens) {
    if (!Number.isInteger(t) || t < 0 || t >= vocabSize) fail(`${what} holds ${t}, outside [0, ${vocabSize})`);
  }
}

function percentile(sorted, q) {
  // nearest-rank percentile of an ascending array
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1];
}

async function lastPositionLogProbs(sequence, tokens, vocabSize) {
  await sequence.clearHistory();
  const input = tokens.map((t, i) =>
    i === tokens.length - 1
      ? [t, { generateNext: { probabilities: true, options: { temperature: 0, topK: vocabSize, topP: 1, minP: 0 } } }]
      : t
  );
  const output = await sequence.controlledEvaluate(input);
  const probabilities = output[tokens.length - 1]?.next?.probabilities;
  if (probabilities == null) fail("llama.cpp returned no probabilities for the last position");
  if (probabilities.size !== vocabSize) {
    fail(`llama.cpp returned ${probabilities.size} probabilities, expected the whole vocabulary (${vocabSize})`);
  }
  let sum = 0;
  for (const p of probabilities.values()) sum += p;
  const logSum = Math.log(sum);
  const row = new Array(vocabSize);
  for (const [token, p] of probabilities) {
    row[token] = p > 0 ? Math.log(p) - logSum : null;
  }
  return row;
}

function logProbOf(probabilities, token) {
  // natural log of p(token), renormalised in float64 over the whole vocabulary
  let sum = 0;
  for (const p of probabilities.values()) sum += p;
  const p = probabilities.get(token) ?? 0;
  return p > 0 ? Math.log(p) - Math.log(sum) : -Infinity;
}

function buildTrie(labels) {
  const root = { children: new Map(), labels: [] };
  labels.forEach((tokens, index) => {
    let node = root;
    for (const t of tokens) {
      if (!node.children.has(t)) node.children.set(t, { children: new Map(), labels: [] });
      node = node.children.get(t);
    }
    node.labels.push(index);
  });
  return root;
}

async function scorePrompt(sequence, prompt, trie, nLabels, vocabSize, counter) {
  const options = { temperature: 0, topK: vocabSize, topP: 1, minP: 0 };
  await sequence.clearHistory();
  const input = prompt.map((t, i) =>
    i === prompt.length - 1 ? [t, { generateNext: { probabilities: true, options } }] : t
  );
  const out = await sequence.controlledEvaluate(input);
  const first = out[prompt.length - 1]?.next?.probabilities;
  if (first == null) fail("llama.cpp returned no probabilities for the prompt's last position");
  counter.evaluations++;
  const scores = new Array(nLabels).fill(null);
  async function walk(node, probabilities, logp) {
    for (const index of node.labels) scores[index] = logp;
    for (const [token, child] of node.children) {
      const lp = logp + logProbOf(probabilities, token);
      if (child.children.size === 0) {
        for (const index of child.labels) scores[index] = lp;
        continue;
      }
      const at = sequence.nextTokenIndex;
      const o = await sequence.controlledEvaluate([[token, { generateNext: { probabilities: true, options } }]]);
      const next = o[0]?.next?.probabilities;
      if (next == null) fail("llama.cpp returned no probabilities inside the label trie");
      counter.evaluations++;
      await walk(child, next, lp);
      await sequence.eraseContextTokenRanges([{ start: at, end: sequence.nextTokenIndex }]);
    }
  }
  await walk(trie, first, 0);
  return scores.map((s) => (Number.isFinite(s) ? s : null));
}

async function timePrompt(sequence, tokens, repeats, warmup) {
  const input = tokens.map((t, i) => (i === tokens.length - 1 ? [t, { generateNext: { token: true } }] : t));
  const runsMs = [];
  for (let i = 0; i < warmup + repeats; i++) {
    await sequence.clearHistory();
    const start = process.hrtime.bigint();
    await sequence.controlledEvaluate(input);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (i >= warmup) runsMs.push(ms);
  }
  const sorted = [...runsMs].sort((a, b) => a - b);
  return {
    promptTokens: tokens.length,
    runsMs,
    medianMs: percentile(sorted, 0.5),
    p95Ms: percentile(sorted, 0.95),
    minMs: sorted[0],
  };
}

async function main() {
  const modelPath = process.argv[2];
  if (!modelPath) fail("usage: node logprobs.mjs MODEL.gguf < request.json");
  let request;
  try {
    request = JSON.parse(readFileSync(0, "utf8") || "{}");
  } catch (e) {
    fail(`cannot parse the request on stdin: ${e.message}`);
  }
  const threads = request.threads ?? 2;
  const sequences = request.sequences ?? [];
  const texts = request.texts ?? [];
  const timing = request.timing ?? null;
  const scoring = request.scoring ?? null;

  const llama = await getLlama({
    gpu: false,
    build: "never",
    maxThreads: threads,
    logLevel: LlamaLogLevel.warn,
    logger: (level, message) => process.stderr.write(`[llama.cpp ${level}] ${message}${message.endsWith("\n") ? "" : "\n"}`),
  });
  const model = await llama.loadModel({ modelPath, gpuLayers: 0 });
  const nVocab = model.fileInfo.metadata?.tokenizer?.ggml?.tokens?.length;
  if (!Number.isInteger(nVocab) || nVocab < 1) fail(`${modelPath} has no tokenizer.ggml.tokens`);

  const response = { vocabSize: nVocab, threads };
  response.tokens = texts.map((text) => Array.from(model.tokenize(text, true)));

  const scoringPrompts = scoring?.prompts ?? [];
  const scoringLabels = scoring?.labels ?? [];
  const longestLabel = Math.max(0, ...scoringLabels.map((l) => l.length));
  const lengths = [
    ...sequences.map((s) => s.length),
    ...scoringPrompts.map((p) => p.length + longestLabel),
    timing ? timing.tokens.length : 0,
  ];
  const longest = Math.max(1, ...lengths);
  if (sequences.length > 0 || timing || scoringPrompts.length > 0) {
    sequences.forEach((s, i) => checkTokenIds(s, nVocab, `sequences[${i}]`));
    if (timing) checkTokenIds(timing.tokens, nVocab, "timing.tokens");
    scoringPrompts.forEach((p, i) => checkTokenIds(p, nVocab, `scoring.prompts[${i}]`));
    scoringLabels.forEach((l, i) => checkTokenIds(l, nVocab, `scoring.labels[${i}]`));
    if (scoringPrompts.length > 0 && scoringLabels.length === 0) fail("scoring.labels must not be empty");
    const context = await model.createContext({
      contextSize: longest + 1,
      batchSize: longest + 1,
      sequences: 1,
      threads: { ideal: threads, min: threads },
      flashAttention: false,
      experimentalKvCacheKeyType: "F32",
      experimentalKvCacheValueType: "F32",
    });
    const sequence = context.getSequence();
    response.logProbs = [];
    for (const s of sequences) {
      response.logProbs.push(await lastPositionLogProbs(sequence, s, nVocab));
    }
    if (scoringPrompts.length > 0) {
      const trie = buildTrie(scoringLabels);
      const counter = { evaluations: 0 };
      response.scores = [];
      for (const p of scoringPrompts) {
        response.scores.push(await scorePrompt(sequence, p, trie, scoringLabels.length, nVocab, counter));
      }
      response.scoringEvaluations = counter.evaluations;
    }
    if (timing) {
      response.timing = await timePrompt(sequence, timing.tokens, timing.repeats ?? 10, timing.warmup ?? 1);
    }
    await context.dispose();
  }
  await model.dispose();
  await llama.dispose();
  process.stdout.write(JSON.stringify(response));
  process.stdout.write("\n");
}

main().catch((e) => fail(e?.stack ?? String(e)));
