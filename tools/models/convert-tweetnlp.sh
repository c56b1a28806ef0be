#!/usr/bin/env bash
# Convert the tweetnlp models without an ONNX port on the hub (tweet-topic-21-multi,
# roberta-large-tweetner7-all) into transformers.js model folders under OUT_DIR.
# Needs Python 3 and internet access; see convert-tweetnlp.md for what each step does.
#
#   tools/models/convert-tweetnlp.sh [OUT_DIR]     (default .pulse-models)
set -euo pipefail

OUT="${1:-.pulse-models}"
MODELS=(
  "cardiffnlp/tweet-topic-21-multi text-classification"
  "tner/roberta-large-tweetner7-all token-classification"
)

if ! command -v optimum-cli >/dev/null 2>&1; then
  echo "optimum-cli not found: pip install \"optimum[onnxruntime]\" \"transformers<5\"" >&2
  exit 1
fi

for entry in "${MODELS[@]}"; do
  read -r id task <<<"$entry"
  dir="$OUT/$id"
  echo "==> $id ($task) → $dir"
  optimum-cli export onnx --model "$id" --task "$task" "$dir"
  mkdir -p "$dir/onnx"
  mv -f "$dir/model.onnx" "$dir/onnx/model.onnx"
  python3 - "$dir" <<'PY'
import sys
from onnxruntime.quantization import QuantType, quantize_dynamic
d = sys.argv[1]
quantize_dynamic(f"{d}/onnx/model.onnx", f"{d}/onnx/model_quantized.onnx", weight_type=QuantType.QInt8)
PY
  for f in config.json tokenizer.json tokenizer_config.json onnx/model.onnx onnx/model_quantized.onnx; do
    [[ -s "$dir/$f" ]] || { echo "missing $dir/$f" >&2; exit 1; }
  done
done

cat <<MSG
Done. Point PULSE_MODELS_DIR (or nlp.modelsDir) at $OUT and set:
  nlp.topics.mode: classifier
  nlp.topics.model: cardiffnlp/tweet-topic-21-multi
  nlp.entities.model: tner/roberta-large-tweetner7-all
MSG
