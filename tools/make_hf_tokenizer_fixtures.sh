#!/bin/sh
# Reference tokenizations by Hugging Face `tokenizers` for tests/NeuroLens.Models.Tests/HfTokenizerParityTests.cs.
#
# Run from the repository root after building the CLI (dotnet build src/NeuroLens.Cli -c Release):
#
#     sh tools/make_hf_tokenizer_fixtures.sh
#
# 1. trains a byte-level BPE with `neurolens corpus make` (built-in corpus, 3000 sentences, seed 1, 800 tokens);
# 2. derives variants of its tokenizer.json: prefix (add_prefix_space true), split (a Split pre-tokenizer with
#    its own regex, then ByteLevel without regex, as Llama-3 files have), template (TemplateProcessing putting
#    <|endoftext|> first), pairs (merges as ["a", "b"] pairs), llama3 (split, plus ignore_merges and a
#    vocabulary word that no merge makes); and three Llama/SentencePiece-style files: llama2 (Prepend/Replace
#    normalizers, byte fallback, <s> template), metaspace (Metaspace, prepend_scheme first), metaspace-split
#    (Metaspace always with split, no byte fallback: unknown characters are <unk>, fused);
# 3. writes texts.jsonl (accents, emoji, CJK, whitespace runs, special tokens, corpus sentences) and, for each
#    variant, hf.json: the ids and decodings of Hugging Face tokenizers (Rust, via Tokenizers.DotNet 1.4.1, in
#    tools/hf-tokenizer-reference). The tests never run this.
set -eu
out=tests/NeuroLens.Models.Tests/Fixtures/tokenizers
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
src/NeuroLens.Cli/bin/Release/net10.0/linux-x64/neurolens corpus make --sentences 3000 --seed 1 --tokenizer-vocab 800 --quiet --out "$tmp/corpus"
mkdir -p "$out/trained"
cp "$tmp/corpus/tokenizer.json" "$out/trained/tokenizer.json"
head -n 5 "$tmp/corpus/validation.txt" > "$tmp/sentences.txt"
/usr/bin/python3 - "$out" "$tmp/sentences.txt" <<'PY'
import json, os, sys
out, sentences = sys.argv[1], sys.argv[2]
base = json.load(open(os.path.join(out, "trained", "tokenizer.json"), encoding="utf-8"))

def save(name, tok):
    os.makedirs(os.path.join(out, name), exist_ok=True)
    with open(os.path.join(out, name, "tokenizer.json"), "w", encoding="utf-8") as f:
        json.dump(tok, f, ensure_ascii=False, indent=1)

prefix = json.loads(json.dumps(base)); prefix["pre_tokenizer"]["add_prefix_space"] = True; save("prefix", prefix)
split = json.loads(json.dumps(base))
split["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
    {"type": "Split", "pattern": {"Regex": r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"},
     "behavior": "Isolated", "invert": False},
    {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": True, "use_regex": False}]}
save("split", split)
template = json.loads(json.dumps(base))
template["post_processor"] = {"type": "TemplateProcessing",
    "single": [{"SpecialToken": {"id": "<|endoftext|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
    "pair": [{"SpecialToken": {"id": "<|endoftext|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"Sequence": {"id": "B", "type_id": 1}}],
    "special_tokens": {"<|endoftext|>": {"id": "<|endoftext|>", "ids": [0], "tokens": ["<|endoftext|>"]}}}
save("template", template)
llama3 = json.loads(json.dumps(split))
llama3["model"]["ignore_merges"] = True
llama3["model"]["vocab"]["Ġzzqx"] = max(llama3["model"]["vocab"].values()) + 1  # a word no merge makes
save("llama3", llama3)
pairs = json.loads(json.dumps(base)); pairs["model"]["merges"] = [m.split(" ") for m in base["model"]["merges"]]; save("pairs", pairs)

texts = [
    "The farmer watched the red boat before sunrise.",
    "Crème brûlée à la carte — naïve café; don't we'll they're I'm HE'S",
    "emoji 😀👍🏽 and a family 👨‍👩‍👧 ok",
    "whitespace   runs\t\ttabs\n\nnew lines\r\n end  ",
    "漢字とかな、한국어, ελληνικά, кириллица 12345 3.14159",
    "  leading spaces",
    "trailing spaces   ",
    "<|endoftext|>Seven apples<|endoftext|> near the station",
    "numbers 1 22 333 4444 55555 and symbols !!! ?? ... --- (x) [y] {z}",
    "zzqx and zzqx, zzqx",
    "hello<s>world </s> the end",
    "",
]
texts += [l.rstrip("\n") for l in open(sentences, encoding="utf-8")]
with open(os.path.join(out, "texts.jsonl"), "w", encoding="utf-8") as f:
    for t in texts:
        f.write(json.dumps(t, ensure_ascii=False) + "\n")

# Llama/SentencePiece-style files: a hand-made vocabulary (specials, the 256 <0xNN> byte tokens, "▁", printable
# ASCII and a few accented letters) and 300 merges learnt by a naive BPE over the corpus sentences' "▁"-words.
marker = "\u2581"
vocab = {"<unk>": 0, "<s>": 1, "</s>": 2}
for b in range(256):
    vocab["<0x%02X>" % b] = len(vocab)
for c in [marker] + [chr(c) for c in range(33, 127)] + list("éèàâçüöñ"):
    vocab.setdefault(c, len(vocab))
words = {}
for line in open(sentences, encoding="utf-8"):
    for w in line.split():
        w = marker + w
        words[w] = words.get(w, 0) + 1
symbols = {w: list(w) for w in words}
merges = []
while len(merges) < 300:
    counts = {}
    for w, n in words.items():
        s = symbols[w]
        for a, b in zip(s, s[1:]):
            counts[(a, b)] = counts.get((a, b), 0) + n
    if not counts:
        break
    best = min(counts, key=lambda p: (-counts[p], vocab[p[0]], vocab[p[1]]))
    merges.append(best)
    vocab.setdefault(best[0] + best[1], len(vocab))
    for w in words:
        s, i = symbols[w], 0
        while i + 1 < len(s):
            if (s[i], s[i + 1]) == best:
                s[i:i + 2] = [best[0] + best[1]]
            i += 1
added = [{"id": i, "content": t, "single_word": False, "lstrip": False, "rstrip": False, "normalized": False, "special": True}
         for i, t in enumerate(["<unk>", "<s>", "</s>"])]
template = {"type": "TemplateProcessing",
    "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
    "pair": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}, {"SpecialToken": {"id": "<s>", "type_id": 1}}, {"Sequence": {"id": "B", "type_id": 1}}],
    "special_tokens": {"<s>": {"id": "<s>", "ids": [1], "tokens": ["<s>"]}}}
def model(byte_fallback):
    return {"type": "BPE", "dropout": None, "unk_token": "<unk>", "continuing_subword_prefix": None, "end_of_word_suffix": None,
            "fuse_unk": True, "byte_fallback": byte_fallback, "vocab": vocab, "merges": [a + " " + b for a, b in merges]}
save("llama2", {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added,
    "normalizer": {"type": "Sequence", "normalizers": [{"type": "Prepend", "prepend": marker}, {"type": "Replace", "pattern": {"String": " "}, "content": marker}]},
    "pre_tokenizer": None, "post_processor": template,
    "decoder": {"type": "Sequence", "decoders": [{"type": "Replace", "pattern": {"String": marker}, "content": " "}, {"type": "ByteFallback"}, {"type": "Fuse"}, {"type": "Strip", "content": " ", "start": 1, "stop": 0}]},
    "model": model(True)})
save("metaspace", {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
    "pre_tokenizer": {"type": "Metaspace", "replacement": marker, "prepend_scheme": "first", "split": False}, "post_processor": template,
    "decoder": {"type": "Metaspace", "replacement": marker, "prepend_scheme": "first", "split": False},
    "model": model(True)})
save("metaspace-split", {"version": "1.0", "truncation": None, "padding": None, "added_tokens": added, "normalizer": None,
    "pre_tokenizer": {"type": "Metaspace", "replacement": marker, "prepend_scheme": "always", "split": True}, "post_processor": None,
    "decoder": {"type": "Metaspace", "replacement": marker, "prepend_scheme": "always", "split": True},
    "model": model(False)})
PY
dotnet build tools/hf-tokenizer-reference -c Release -o "$tmp/tool" > /dev/null
for v in trained prefix split llama3 template pairs llama2 metaspace metaspace-split; do
    dotnet "$tmp/tool/HfTokenizerReference.dll" "$out/$v/tokenizer.json" "$out/texts.jsonl" > "$out/$v/hf.json"
done
echo "wrote $out"
