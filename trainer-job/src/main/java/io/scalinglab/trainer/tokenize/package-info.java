/**
 * Tokenizers that turn one document into token ids followed by the end-of-text token, as nanoGPT's
 * {@code data/openwebtext/prepare.py} does ({@code enc.encode_ordinary(text)} then {@code
 * ids.append(enc.eot_token)}): GPT-2's byte-pair encoding ({@code r50k_base}, through JTokkit) and
 * a byte-level tokenizer. Tokenizers are serializable and thread-safe, so one instance can be
 * shipped to Spark executors and used by all their task threads at once.
 */
package io.scalinglab.trainer.tokenize;
