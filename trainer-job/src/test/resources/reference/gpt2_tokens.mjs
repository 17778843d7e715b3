// Reference ids of Gpt2TokenizerTest: GPT-2's BPE as tiktoken encodes it, through js-tiktoken,
// tiktoken's own JavaScript port with the same "gpt2" ranks, with encode_ordinary's semantics
// (special tokens are text). nanoGPT's prepare.py calls tiktoken.get_encoding("gpt2")
// .encode_ordinary, then appends the EOT token 50256, which the test adds itself.
//
// Run: npm install js-tiktoken@1 && node gpt2_tokens.mjs   (js-tiktoken 1.0.21, Node 20, gave the output below)
//
//   "Hello world" [15496,995]
//   " the" [262]
//   "the" [1169]
//   "" []
//   "<|endoftext|>" [27,91,437,1659,5239,91,29]
import { getEncoding } from "js-tiktoken";

const gpt2 = getEncoding("gpt2");
for (const text of ["Hello world", " the", "the", "", "<|endoftext|>"]) {
  // allowedSpecial none, disallowedSpecial none: every character is ordinary text
  console.log(JSON.stringify(text), JSON.stringify(gpt2.encode(text, [], [])));
}
