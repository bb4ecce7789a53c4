#!/usr/bin/env bash
# Deterministic evaluation gates (CI): the lexicon alone (keywords) and the whole pipeline
# with the fake model, on the dev and the test split of both corpora. Floors, the
# hard-negative ceiling and the largest dev-test accuracy gap are pinned in evals/baselines/.
# A gain tuned on dev that does not carry over to test fails the gap check at once.
#
# The hostile-site suite (evals/datasets/hostile, every case tagged evasion) runs last with
# both strategies, gated on targets that are never re-pinned: 0 evasion approvals and 0
# errored screens (evals/baselines/{keywords,fake}-hostile.json).
#
#   scripts/eval-gates.sh          run and check every gate
#   scripts/eval-gates.sh --pin    run and pin the measured numbers (refuses to loosen them
#                                  unless ALLOW_LOWER=1; say why in the commit); the hostile
#                                  suite is still only checked
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-.venv/bin}
PIN=${1:-}
mkdir -p evals/runs
for strategy in keywords fake; do
  for dataset in core fresh; do
    for split in dev test; do
      name="$strategy-$dataset-$split"
      out="evals/runs/ci-$name"
      rm -rf "$out"
      if [ "$strategy" = fake ]; then opts=(--strategy agent --model fake); else opts=(--strategy keywords); fi
      "$BIN/merchant-screen" eval run "evals/datasets/$dataset" --split "$split" "${opts[@]}" \
        --concurrency 4 --out "$out" >"$out.log" 2>&1 || { cat "$out.log"; exit 1; }
      dev=()
      [ "$split" = test ] && dev=(--dev-run "evals/runs/ci-$strategy-$dataset-dev")
      baseline="evals/baselines/$name.json"
      echo "::: gate $name"
      if [ "$PIN" = --pin ]; then
        lower=()
        [ "${ALLOW_LOWER:-0}" = 1 ] && lower=(--allow-lower-floor)
        "$BIN/merchant-screen" eval gate "$out" --baseline "$baseline" --update "${lower[@]}" \
          --note "${NOTE:-pinned by scripts/eval-gates.sh --pin}"
      else
        "$BIN/merchant-screen" eval gate "$out" --baseline "$baseline" "${dev[@]}"
      fi
    done
  done
done
hostile_failed=0
for strategy in keywords fake; do
  name="$strategy-hostile"
  out="evals/runs/ci-$name"
  rm -rf "$out"
  if [ "$strategy" = fake ]; then opts=(--strategy agent --model fake); else opts=(--strategy keywords); fi
  "$BIN/merchant-screen" eval run evals/datasets/hostile "${opts[@]}" \
    --concurrency 4 --out "$out" >"$out.log" 2>&1 || { cat "$out.log"; exit 1; }
  echo "::: gate $name (targets: 0 evasion approvals, 0 errored screens)"
  "$BIN/merchant-screen" eval gate "$out" --baseline "evals/baselines/$name.json" || hostile_failed=1
done
exit "$hostile_failed"
