// label-scorer: category scoring with llama.cpp, exactly as qcat's CategoryScorer defines it.
//
// For every prompt, the score of each label is the sum of the natural-log probabilities of the
// label's tokens (the caller appends <|im_end|>) after the ChatML prompt:
//   score(label) = sum_j log p(label_j | prompt, label_<j)
// P(category | prompt) is the softmax of these scores over the labels (computed by the caller).
//
// Why a native helper beside logprobs.mjs: node-llama-cpp 3.21.1 hands a position's distribution to
// JavaScript only as a sorted Map of all 151,936 tokens (~0.25 s per position here), and BANKING77's
// label trie has ~220 positions per question. This program links the same prebuilt llama.cpp
// (libllama from @node-llama-cpp/linux-x64, the version the parity tests run) and reads the logits
// directly.
//
// One llama_decode per prompt evaluates the prompt and the whole label trie: the prompt's tokens
// belong to every label's sequence (one KV cell each, shared, kv_unified), and each trie node's
// token to the sequences of the labels below it, at position prompt_length + depth. llama.cpp's
// attention mask lets a token see exactly the cells of its own sequences, i.e. the prompt and its
// trie ancestors: tree attention, the same as qcat's expand(). log p is a log-softmax over the
// whole vocabulary in double precision. Flash attention off, F32 KV cache (as logprobs.mjs).
//
// Input (stdin, whitespace-separated integers):
//   L                       number of labels (1..256)
//   then L lines:  n  t_1 ... t_n      a label's token ids
//   then any number of lines: m  p_1 ... p_m     a prompt's token ids
// Output (stdout): one line per prompt with L scores ("%.9g"; -inf for probability 0).
// Stderr, for benchmarks: "rss_after_load_kb N" once the model and context exist, "time_ms X" per
// prompt (clear + decode + log-softmax + sums, wall clock), and "max_rss_kb N" (getrusage) at exit.
// Usage: label-scorer MODEL.gguf THREADS BACKEND_DIR < input > output
// Build: tools/llama-ref/build-label-scorer.sh
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstring>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <vector>

#include "ggml-backend.h"
#include "llama.h"

namespace {

struct Node {
  int token = -1;
  int depth = 0;                   // 0 for the first label token
  std::vector<int> labels;         // labels whose token sequence passes through this node
  std::vector<int> ends;           // labels ending at this node
  std::map<int, int> children;     // token -> node index
  int parent = -1;                 // -1: child of the prompt's last position
};

[[noreturn]] void fail(const char* what) {
  std::fprintf(stderr, "label-scorer: %s\n", what);
  std::exit(1);
}

bool readInt(long* out) { return std::scanf("%ld", out) == 1; }

std::vector<int> readTokens(int vocab) {
  long n;
  if (!readInt(&n)) return {};
  if (n < 1 || n > 100000) fail("bad token count");
  std::vector<int> t(n);
  for (long i = 0; i < n; i++) {
    long v;
    if (!readInt(&v) || v < 0 || v >= vocab) fail("token id missing or outside the vocabulary");
    t[i] = (int)v;
  }
  return t;
}

// VmRSS of this process in kB, from /proc/self/status (0 if unreadable).
long rssKb() {
  FILE* f = std::fopen("/proc/self/status", "r");
  if (f == nullptr) return 0;
  char line[256];
  long kb = 0;
  while (std::fgets(line, sizeof line, f) != nullptr) {
    if (std::strncmp(line, "VmRSS:", 6) == 0) kb = std::atol(line + 6);
  }
  std::fclose(f);
  return kb;
}

double logSumExp(const float* logits, int n) {
  float max = -INFINITY;
  for (int i = 0; i < n; i++) max = logits[i] > max ? logits[i] : max;
  double sum = 0;
  for (int i = 0; i < n; i++) sum += std::exp((double)logits[i] - max);
  return max + std::log(sum);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) fail("usage: label-scorer MODEL.gguf THREADS BACKEND_DIR < input");
  int threads = std::atoi(argv[2]);
  llama_log_set([](ggml_log_level level, const char* text, void*) {
    if (level >= GGML_LOG_LEVEL_ERROR) std::fputs(text, stderr);
  }, nullptr);
  ggml_backend_load_all_from_path(argv[3]);
  llama_backend_init();
  llama_model_params mp = llama_model_default_params();
  mp.n_gpu_layers = 0;
  mp.progress_callback = [](float, void*) { return true; };  // no progress dots
  llama_model* model = llama_model_load_from_file(argv[1], mp);
  if (model == nullptr) fail("cannot load the model");
  const llama_vocab* vocab = llama_model_get_vocab(model);
  int nVocab = llama_vocab_n_tokens(vocab);

  long nLabels;
  if (!readInt(&nLabels) || nLabels < 1 || nLabels > 256) fail("expected 1..256 labels");
  std::vector<Node> trie;
  std::map<int, int> roots;
  for (int l = 0; l < nLabels; l++) {
    std::vector<int> t = readTokens(nVocab);
    if (t.empty()) fail("a label has no tokens");
    int parent = -1;
    for (size_t j = 0; j < t.size(); j++) {
      // index, not pointer: push_back below may move the nodes
      std::map<int, int>& level = parent < 0 ? roots : trie[parent].children;
      auto it = level.find(t[j]);
      int idx;
      if (it == level.end()) {
        idx = (int)trie.size();
        Node n;
        n.token = t[j];
        n.depth = (int)j;
        n.parent = parent;
        level[t[j]] = idx;
        trie.push_back(n);
      } else {
        idx = it->second;
      }
      trie[idx].labels.push_back(l);
      if (j + 1 == t.size()) trie[idx].ends.push_back(l);
      parent = idx;
    }
  }

  std::vector<std::vector<int>> prompts;
  for (;;) {
    std::vector<int> p = readTokens(nVocab);
    if (p.empty()) break;
    prompts.push_back(p);
  }
  size_t longest = 1;
  for (auto& p : prompts) longest = p.size() > longest ? p.size() : longest;
  uint32_t nCtx = (uint32_t)(longest + trie.size() + 8);

  llama_context_params cp = llama_context_default_params();
  cp.n_ctx = nCtx;
  cp.n_batch = nCtx;
  cp.n_ubatch = nCtx;
  cp.n_seq_max = (uint32_t)nLabels;
  cp.kv_unified = true;
  cp.n_threads = threads;
  cp.n_threads_batch = threads;
  cp.flash_attn_type = LLAMA_FLASH_ATTN_TYPE_DISABLED;
  cp.type_k = GGML_TYPE_F32;
  cp.type_v = GGML_TYPE_F32;
  llama_context* ctx = llama_init_from_model(model, cp);
  if (ctx == nullptr) fail("cannot create the context");

  llama_batch batch = llama_batch_init((int32_t)nCtx, 0, (int32_t)nLabels);
  std::fprintf(stderr, "rss_after_load_kb %ld\n", rssKb());
  std::vector<int> outputRow(trie.size());  // batch index of each non-leaf node (has logits)
  std::vector<double> nodeLogProb(trie.size());
  for (auto& p : prompts) {
    auto t0 = std::chrono::steady_clock::now();
    llama_memory_clear(llama_get_memory(ctx), true);
    batch.n_tokens = 0;
    for (size_t i = 0; i < p.size(); i++) {
      int k = batch.n_tokens++;
      batch.token[k] = p[i];
      batch.pos[k] = (llama_pos)i;
      batch.n_seq_id[k] = (int32_t)nLabels;
      for (int s = 0; s < nLabels; s++) batch.seq_id[k][s] = s;
      batch.logits[k] = i + 1 == p.size();
    }
    int promptRow = batch.n_tokens - 1;
    for (size_t n = 0; n < trie.size(); n++) {
      int k = batch.n_tokens++;
      batch.token[k] = trie[n].token;
      batch.pos[k] = (llama_pos)(p.size() + trie[n].depth);
      batch.n_seq_id[k] = (int32_t)trie[n].labels.size();
      for (size_t s = 0; s < trie[n].labels.size(); s++) batch.seq_id[k][s] = trie[n].labels[s];
      bool inner = !trie[n].children.empty();
      batch.logits[k] = inner;
      outputRow[n] = inner ? k : -1;
    }
    if (llama_decode(ctx, batch) != 0) fail("llama_decode failed");
    // Nodes come parent-first (a parent is created before its children).
    // llama_get_logits_ith takes the token's index in the batch.
    std::vector<double> lse(batch.n_tokens);
    std::vector<const float*> rows(batch.n_tokens, nullptr);
    for (int k = 0; k < batch.n_tokens; k++) {
      if (!batch.logits[k]) continue;
      rows[k] = llama_get_logits_ith(ctx, k);
      if (rows[k] == nullptr) fail("no logits for an output position");
      lse[k] = logSumExp(rows[k], nVocab);
    }
    std::vector<double> scores(nLabels, -INFINITY);
    for (size_t n = 0; n < trie.size(); n++) {
      int from = trie[n].parent < 0 ? promptRow : outputRow[trie[n].parent];
      double lp = (double)rows[from][trie[n].token] - lse[from];
      nodeLogProb[n] = lp + (trie[n].parent < 0 ? 0.0 : nodeLogProb[trie[n].parent]);
      for (int l : trie[n].ends) scores[l] = nodeLogProb[n];
    }
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    std::fprintf(stderr, "time_ms %.3f\n", ms);
    for (int l = 0; l < nLabels; l++) {
      std::printf(l == 0 ? "%.9g" : " %.9g", scores[l]);
    }
    std::printf("\n");
  }
  struct rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  std::fprintf(stderr, "max_rss_kb %ld\n", usage.ru_maxrss);
  llama_batch_free(batch);
  llama_free(ctx);
  llama_model_free(model);
  llama_backend_free();
  return 0;
}
